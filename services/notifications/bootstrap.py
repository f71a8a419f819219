"""Composition root: wires settings, database, broker, consumer, the sender workers and routes."""

from functools import partial

from fastapi import FastAPI

from services.notifications.adapters.documents import ReceiptPdfs
from services.notifications.adapters.mail import SmtpMailer
from services.notifications.adapters.portal_links import InvoiceLinks
from services.notifications.adapters.tables import kernel
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.adapters.webhooks import WebhookSender, checked_target
from services.notifications.domain import RetryPolicy
from services.notifications.domain.webhooks import UrlPolicy
from services.notifications.entrypoints import events, http, workers
from services.notifications.settings import Settings
from services.notifications.use_cases import Delivery, WebhookDelivering
from shared.clients import DocumentsClient, PortalLinksClient
from shared.clock import Clock
from shared.contracts.catalogue import BILLING, CUSTOMERS, DEAD_LETTERS, DEPOSITS, DOCUMENTS, TENANTS
from shared.db import make_engine
from shared.logs import configure_logging
from shared.messaging.consumer import EventConsumer
from shared.runtime import Runtime
from shared.web import create_app

SERVICE = "notifications"
CONSUMER_GROUP = "notifications"
CONSUMED_TOPICS = (TENANTS, CUSTOMERS, DEPOSITS, BILLING, DOCUMENTS, DEAD_LETTERS)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(SERVICE, settings.log_level)
    clock = Clock(settings.clock_offset)
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    runtime = Runtime(SERVICE, settings, engine, kernel, publishes=())
    EventConsumer(
        CONSUMER_GROUP,
        uow_factory=lambda: NotificationsUnitOfWork(engine),
        handlers=events.handlers(portal_url=settings.urls.portal_public_url, auth=settings.auth),
        settings=settings.kafka,
        clock=clock,
    ).subscribe(runtime.broker, CONSUMED_TOPICS)
    delivery = Delivery(
        mailer=SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            starttls=settings.smtp_starttls,
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value(),
            timeout_s=settings.smtp_timeout_s,
        ),
        pdfs=ReceiptPdfs(
            DocumentsClient(
                settings.urls.documents_url,
                settings.auth,
                service=SERVICE,
                timeout_s=settings.documents_timeout_s,
            )
        ),
        links=InvoiceLinks(
            PortalLinksClient(
                settings.urls.portal_url,
                settings.auth,
                service=SERVICE,
                timeout_s=settings.portal_timeout_s,
            )
        ),
        policy=RetryPolicy(
            max_attempts=settings.send_max_attempts,
            first_delay=settings.send_first_retry,
            max_delay=settings.send_max_retry,
        ),
        message_id_domain=settings.message_id_domain,
    )
    runtime.workers.append(workers.notice_sender(engine, clock, delivery, settings.send_poll_interval_s))
    url_policy = UrlPolicy(
        require_https=settings.environment == "production",
        allow_private=settings.webhook_allow_private_addresses,
    )
    webhooks = WebhookDelivering(
        sender=WebhookSender(policy=url_policy, timeout_s=settings.webhook_timeout_s),
        policy=RetryPolicy(
            max_attempts=settings.webhook_max_attempts,
            first_delay=settings.webhook_first_retry,
            max_delay=settings.webhook_max_retry,
        ),
    )
    runtime.workers.extend(
        workers.webhook_sender(engine, clock, webhooks, settings.webhook_poll_interval_s)
        for _ in range(settings.webhook_senders)
    )

    app = create_app(
        title="Mudjam notifications",
        description="Customer notices in the customer's language (deposit returned with the DEPRR; "
        "each RC and PREREC receipt; damage invoice, tax invoice and DEPRR together; receipts and damage "
        "emails link their invoice in the portal) sent once each "
        "over SMTP with retries and a delivery log, and the staff alert inbox (reported payments, "
        "possible duplicate slips, retained deposits to invoice, overdue invoices and returns, render "
        "failures, dead-lettered events), and signed webhooks (Standard Webhooks) to the endpoints a "
        "tenant registers, retried with backoff, with a delivery log. Staff bearer token "
        "(`mudjam dev-token` in dev); commands take an `Idempotency-Key` header.",
        engine=engine,
        broker=runtime.broker,
        lifespan=runtime.lifespan,
        clock=clock,
        auth=settings.auth,
    )
    app.state.webhook_url_check = partial(checked_target, policy=url_policy)
    app.include_router(http.router)
    return app
