"""Composition root: wires settings, database, broker, consumer, render workers, storage and routes."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.documents.adapters.renderer import PdfRenderer
from services.documents.adapters.storage import DocumentStorage, LocalFolderStorage, S3Storage, s3_client
from services.documents.adapters.tables import kernel
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.entrypoints import events, http, workers
from services.documents.settings import Settings
from shared.clock import Clock
from shared.contracts.catalogue import BILLING, CUSTOMERS, DEPOSITS, DOCUMENTS, JOBS, QUOTES, TENANTS
from shared.db import make_engine
from shared.logs import configure_logging
from shared.messaging.consumer import EventConsumer
from shared.runtime import Runtime
from shared.web import create_app

SERVICE = "documents"
CONSUMER_GROUP = "documents.render"
CONSUMED_TOPICS = (TENANTS, CUSTOMERS, QUOTES, JOBS, DEPOSITS, BILLING)


def build_storage(settings: Settings) -> DocumentStorage:
    if settings.storage == "local":
        return LocalFolderStorage(settings.storage_dir)
    assert settings.s3_bucket  # the settings refuse s3 without a bucket
    client = s3_client(
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id.get_secret_value() if settings.s3_access_key_id else None,
        secret_access_key=(
            settings.s3_secret_access_key.get_secret_value() if settings.s3_secret_access_key else None
        ),
        max_connections=settings.s3_max_connections,
    )
    return S3Storage(client, settings.s3_bucket, settings.s3_prefix)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(SERVICE, settings.log_level)
    clock = Clock(settings.clock_offset)
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    runtime = Runtime(SERVICE, settings, engine, kernel, publishes=(DOCUMENTS,))
    jobs_ready = asyncio.Event()
    storage = build_storage(settings)
    EventConsumer(
        CONSUMER_GROUP,
        uow_factory=lambda: DocumentsUnitOfWork(engine, jobs_ready=jobs_ready),
        handlers=events.handlers(storage=storage, intake_max_bytes=settings.intake_max_bytes),
        settings=settings.kafka,
        clock=clock,
    ).subscribe(runtime.broker, CONSUMED_TOPICS)

    renderer = PdfRenderer(
        processes=settings.render_processes,
        max_tasks_per_child=settings.render_max_tasks_per_child,
        # As many as the workers that may take such a render.
        background_processes=(
            settings.render_processes - workers.reserved_render_workers(settings)
            if settings.render_background_nice
            else 0
        ),
        background_nice=settings.render_background_nice,
    )
    runtime.workers.append(workers.renderer_warm_up(renderer))
    runtime.workers.extend(
        workers.render_workers(
            engine=engine,
            renderer=renderer,
            storage=storage,
            clock=clock,
            settings=settings,
            jobs_ready=jobs_ready,
        )
    )
    runtime.workers.append(workers.queue_metrics(engine, clock, settings.queue_metrics_interval_s))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with runtime.lifespan(app):
                yield
        finally:
            renderer.close()

    app = create_app(
        title="Mudjam documents",
        description="Customer documents rendered to PDF from events (deposit request with PromptPay QR, "
        "deposit receipt DEPR, deposit return receipt DEPRR and its void version, invoice with a PromptPay "
        "QR for the balance and a new version per payment, receipt RC, pre-payment receipt PREREC, tax "
        "invoice, the AI job report's customer version), bilingual Thai/English, and the signed quotes "
        "and delivery manifests the operations system uploads (kept byte for byte); served one by one, "
        "as page images for phones, or as streamed zips. Staff bearer tokens, service tokens of the "
        "portal and notifications scoped to the tenant concerned, or the operations system's token "
        "for uploads.",
        engine=engine,
        broker=runtime.broker,
        lifespan=lifespan,
        clock=clock,
        auth=settings.auth,
        max_request_bytes=settings.intake_max_bytes + 1024 * 1024,  # uploads check their own cap
    )
    app.state.document_storage = storage
    app.state.documents_settings = settings
    app.include_router(http.router)
    return app
