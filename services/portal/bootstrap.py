"""Composition root: wires settings, database, broker, the projection consumer, the documents
client, the live-pages listener, the staff API, the customer pages and the staff console (with its
client of the services' APIs)."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.portal.adapters.accounts import SessionAccounts
from services.portal.adapters.live import LiveUpdates
from services.portal.adapters.staff_api import StaffApi
from services.portal.adapters.tables import kernel
from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.entrypoints import events, http, staff_damage, staff_web, web
from services.portal.entrypoints.pages import FONTS_DIR, STATIC_DIR, Portal, RedactLinkTokens
from services.portal.entrypoints.staff_pages import Console
from services.portal.settings import Settings
from shared.clients import DocumentsClient
from shared.clock import Clock
from shared.contracts.catalogue import BILLING, CUSTOMERS, DEPOSITS, DOCUMENTS, JOBS, PORTAL, QUOTES, TENANTS
from shared.db import make_engine
from shared.logs import configure_logging
from shared.messaging.consumer import EventConsumer
from shared.runtime import Runtime
from shared.web import create_app

SERVICE = "portal"
CONSUMER_GROUP = "portal.projection"
CONSUMED_TOPICS = (TENANTS, CUSTOMERS, QUOTES, JOBS, DEPOSITS, BILLING, DOCUMENTS)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(SERVICE, settings.log_level)
    logging.getLogger("shared.web").addFilter(RedactLinkTokens())
    clock = Clock(settings.clock_offset)
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    runtime = Runtime(SERVICE, settings, engine, kernel, publishes=(PORTAL,))
    EventConsumer(
        CONSUMER_GROUP,
        uow_factory=lambda: PortalUnitOfWork(engine),
        handlers=events.HANDLERS,
        settings=settings.kafka,
        clock=clock,
    ).subscribe(runtime.broker, CONSUMED_TOPICS)
    documents = DocumentsClient(settings.urls.documents_url, settings.auth, service=SERVICE)
    staff_api = StaffApi(settings.urls, settings.auth)  # the console's way to every service's API
    # This process's one LISTEN connection, for every open page and the sessions' accounts.
    live = LiveUpdates(
        engine, SessionAccounts(entries=settings.account_cache_entries, ttl_s=settings.account_cache_ttl_s)
    )
    runtime.workers.append(live.run)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan(app):
            try:
                yield
            finally:
                await documents.aclose()
                await staff_api.aclose()

    app = create_app(
        title="Mudjam portal",
        description="The customer portal (mobile first, Thai/English) and its read model. The staff API "
        "issues and revokes portal links and serves the payment slips customers upload with \"I've "
        'paid"; every command takes an `Idempotency-Key` header and a staff bearer token (`mudjam '
        "dev-token` in dev). Customer pages are not part of this API.",
        engine=engine,
        broker=runtime.broker,
        lifespan=lifespan,
        clock=clock,
        auth=settings.auth,
    )
    app.state.portal = Portal.build(settings, documents, live)
    app.include_router(http.router)
    app.include_router(http.slips)
    app.include_router(web.router)
    web.install(app)
    app.state.console = Console.build(settings, staff_api)
    app.include_router(staff_web.router)
    app.include_router(staff_damage.router)
    staff_web.install(app)
    app.mount("/static/fonts", StaticFiles(directory=FONTS_DIR), name="fonts")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
