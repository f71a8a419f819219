"""Webhook deliveries on the real PostgreSQL, sent over real HTTP to a receiver on 127.0.0.1: an
event consumed twice (or queued twice under one id) makes one delivery per endpoint; concurrent
senders each claim a delivery no other is sending; the audit trail names who registered and
disabled an endpoint, never its secret."""

import asyncio
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from mudjam.stack import free_port
from services.notifications import use_cases
from services.notifications.adapters.tables import kernel, webhook_deliveries
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.adapters.webhooks import WebhookSender, checked_target
from services.notifications.domain import RetryPolicy
from services.notifications.domain.webhooks import UrlPolicy
from services.notifications.entrypoints import workers
from shared.auth import Principal
from shared.clock import Clock
from tests.integration.notifications.test_delivery import NOW, _consumer, _return_events

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "notifications", "notifications_webhooks_it"
POLICY = UrlPolicy(require_https=False, allow_private=True)


@pytest.fixture(autouse=True)
async def no_deliveries_due(engine: AsyncEngine) -> None:
    """Each test starts with an empty delivery log, so the senders see only its deliveries."""
    async with engine.begin() as conn:
        await conn.execute(webhook_deliveries.delete())


@pytest.fixture
def received() -> Iterator[tuple[str, list[str]]]:
    """A receiver's URL and the webhook-id of every request it answered 200."""
    ids: list[str] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                ids.append(self.headers["webhook-id"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/hooks", ids
    server.shutdown()
    server.server_close()


def _manager(tenant_id: str) -> Principal:
    return Principal("u-7", "Ploy Manager", tenant_id, frozenset({"*"}), frozenset({"manager"}))


async def _register(engine: AsyncEngine, tenant_id: str, url: str) -> Any:
    async with NotificationsUnitOfWork(engine) as uow:
        endpoint = await use_cases.register_webhook(
            uow=uow,
            staff=_manager(tenant_id),
            url=url,
            event_types=["deposit.returned.v1"],
            description="ERP",
            check_url=lambda u: checked_target(u, POLICY),
            now=NOW,
        )
        await uow.commit()
    return endpoint


async def _deliveries_of(engine: AsyncEngine, tenant_id: str) -> int:
    async with engine.connect() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(webhook_deliveries)
            .where(webhook_deliveries.c.tenant_id == tenant_id)
        )
    return int(count or 0)


async def test_an_event_consumed_again_or_queued_again_makes_one_delivery_per_endpoint(
    engine: AsyncEngine, received: tuple[str, list[str]]
) -> None:
    url, _ = received
    tenant_id = f"t-{uuid4().hex[:10]}"
    await _register(engine, tenant_id, url)
    await _register(engine, tenant_id, url + "/second")
    consumer = _consumer(engine)
    returned, _ = _return_events(tenant_id, "DEPRR-2026-0001")

    applied = [await consumer.apply(returned), await consumer.apply(returned)]
    # Queued again under the same event id, past the consumer's record: the unique key holds.
    async with NotificationsUnitOfWork(engine) as uow:
        payload = returned.payload()
        assert payload is not None
        again = await use_cases.queue_webhooks(uow=uow, event=returned.context(now=NOW), fact=payload)
        await uow.commit()

    assert applied == [True, False]
    assert again == []
    assert await _deliveries_of(engine, tenant_id) == 2


async def test_concurrent_senders_deliver_every_event_exactly_once(
    engine: AsyncEngine, received: tuple[str, list[str]]
) -> None:
    url, ids = received
    tenant_id = f"t-{uuid4().hex[:10]}"
    await _register(engine, tenant_id, url)
    consumer = _consumer(engine)
    event_ids = set()
    for n in range(1, 11):
        returned, _ = _return_events(tenant_id, f"DEPRR-2026-{n:04d}")
        await consumer.apply(returned)
        event_ids.add(str(returned.id))
    delivering = use_cases.WebhookDelivering(
        sender=WebhookSender(policy=POLICY, timeout_s=5), policy=RetryPolicy(max_attempts=3)
    )

    async def sender() -> None:
        while await workers.deliver_one_webhook(engine, Clock(timedelta(seconds=1)), delivering):
            pass

    await asyncio.gather(*(sender() for _ in range(4)))

    mine = [i for i in ids if i in event_ids]
    assert sorted(mine) == sorted(event_ids)
    async with engine.connect() as conn:
        statuses = (
            await conn.execute(
                select(webhook_deliveries.c.status, webhook_deliveries.c.attempts).where(
                    webhook_deliveries.c.tenant_id == tenant_id
                )
            )
        ).all()
    assert set(statuses) == {("delivered", 1)}


async def test_registering_and_disabling_are_audited_without_the_secret(
    engine: AsyncEngine, received: tuple[str, list[str]]
) -> None:
    url, _ = received
    tenant_id = f"t-{uuid4().hex[:10]}"
    endpoint = await _register(engine, tenant_id, url)
    async with NotificationsUnitOfWork(engine) as uow:
        await use_cases.disable_webhook(uow=uow, staff=_manager(tenant_id), endpoint_id=endpoint.id, now=NOW)
        await uow.commit()

    audit = kernel.audit_log
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(audit.c.action, audit.c.actor_id, audit.c.details)
                .where(audit.c.tenant_id == tenant_id)
                .order_by(audit.c.id)
            )
        ).all()
    assert [(r.action, r.actor_id) for r in rows] == [
        ("webhook_endpoint.registered", "u-7"),
        ("webhook_endpoint.disabled", "u-7"),
    ]
    assert rows[0].details["url"] == url
    assert endpoint.secret not in str([r.details for r in rows])
