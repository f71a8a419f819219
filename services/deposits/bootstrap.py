"""Composition root: wires settings, database, broker, consumers, workers and routes."""

from fastapi import FastAPI

from services.deposits.adapters.tables import kernel
from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.entrypoints import events, http, workers
from services.deposits.settings import Settings
from shared.clock import Clock
from shared.contracts.catalogue import CUSTOMERS, DEPOSITS, JOBS, QUOTES, TENANTS
from shared.db import make_engine
from shared.logs import configure_logging
from shared.messaging.consumer import EventConsumer
from shared.runtime import Runtime
from shared.web import create_app

SERVICE = "deposits"
CONSUMER_GROUP = "deposits.upstream"
CONSUMED_TOPICS = (TENANTS, CUSTOMERS, QUOTES, JOBS)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(SERVICE, settings.log_level)
    clock = Clock(settings.clock_offset)
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    runtime = Runtime(SERVICE, settings, engine, kernel, publishes=(DEPOSITS,))
    EventConsumer(
        CONSUMER_GROUP,
        uow_factory=lambda: DepositsUnitOfWork(engine),
        handlers=events.HANDLERS,
        settings=settings.kafka,
        clock=clock,
    ).subscribe(runtime.broker, CONSUMED_TOPICS)
    runtime.workers.append(workers.overdue_return_watch(engine, clock, settings.overdue_check_interval_s))

    app = create_app(
        title="Mudjam deposits",
        description="Security deposits: request, collect (DEPR), return full / partial / forfeit (DEPRR), "
        "void, audit trail and the 5-business-day return deadline. Every command takes an "
        "`Idempotency-Key` header and a staff bearer token (`mudjam dev-token` in dev).",
        engine=engine,
        broker=runtime.broker,
        lifespan=runtime.lifespan,
        clock=clock,
        auth=settings.auth,
    )
    app.include_router(http.router)
    return app
