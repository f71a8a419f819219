"""Composition root: wires settings, database, broker, consumers, workers and routes."""

from fastapi import FastAPI

from services.billing.adapters.tables import kernel
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.entrypoints import events, http, workers
from services.billing.settings import Settings
from shared.clock import Clock
from shared.contracts.catalogue import BILLING, CUSTOMERS, DEPOSITS, JOBS, PORTAL, TENANTS
from shared.db import make_engine
from shared.logs import configure_logging
from shared.messaging.consumer import EventConsumer
from shared.runtime import Runtime
from shared.web import create_app

SERVICE = "billing"
CONSUMER_GROUP = "billing.upstream"
CONSUMED_TOPICS = (TENANTS, CUSTOMERS, JOBS, DEPOSITS, PORTAL)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(SERVICE, settings.log_level)
    clock = Clock(settings.clock_offset)
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    runtime = Runtime(SERVICE, settings, engine, kernel, publishes=(BILLING,))
    EventConsumer(
        CONSUMER_GROUP,
        uow_factory=lambda: BillingUnitOfWork(engine),
        handlers=events.HANDLERS,
        settings=settings.kafka,
        clock=clock,
    ).subscribe(runtime.broker, CONSUMED_TOPICS)
    runtime.workers.append(workers.overdue_invoice_watch(engine, clock, settings.overdue_check_interval_s))

    app = create_app(
        title="Mudjam billing",
        description="Invoices (draft, sent with an INV number, partial, paid; overdue past the due date), "
        "payments with RC receipts, pre-payments with PREREC receipts, tax invoices (TI) for invoices and "
        "retained deposit amounts, and customers' payment reports awaiting reconciliation. Every command "
        "takes an `Idempotency-Key` header and a staff bearer token (`mudjam dev-token` in dev).",
        engine=engine,
        broker=runtime.broker,
        lifespan=runtime.lifespan,
        clock=clock,
        auth=settings.auth,
    )
    for router in http.routers:
        app.include_router(router)
    return app
