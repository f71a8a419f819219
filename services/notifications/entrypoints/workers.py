"""Background work: the sender that delivers due notices over SMTP, and the one that delivers due
webhooks."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.notifications import use_cases
from services.notifications.adapters import metrics
from services.notifications.adapters.tables import notices
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain.notices import OPEN
from services.notifications.domain.webhooks import DeliveryStatus
from shared.clock import Clock

log = logging.getLogger(__name__)


def notice_sender(
    engine: AsyncEngine, clock: Clock, delivery: use_cases.Delivery, interval_s: float
) -> Callable[[], Awaitable[None]]:
    async def send_due_notices() -> None:
        while True:
            try:
                while await send_one(engine, clock, delivery):
                    pass
                await _measure_open_notices(engine)
            except asyncio.CancelledError:
                raise
            except Exception:
                # One bad notice or a database blip must not stop every other email.
                log.exception("notice sender failed; retrying")
            await asyncio.sleep(interval_s)

    return send_due_notices


async def send_one(engine: AsyncEngine, clock: Clock, delivery: use_cases.Delivery) -> bool:
    """Delivers one due notice in its own transaction; False when none is due."""
    async with NotificationsUnitOfWork(engine) as uow:
        notice = await use_cases.send_next_notice(uow=uow, delivery=delivery, now=clock.now())
        if notice is None:
            return False
        await uow.commit()
    metrics.NOTICE_ATTEMPTS.labels(notice.status.value).inc()
    log.info(
        "notice %s (%s) is %s after %d attempt(s)", notice.id, notice.kind, notice.status, notice.attempts
    )
    return True


async def _measure_open_notices(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(notices.c.status, func.count())
            .where(notices.c.status.in_([s.value for s in OPEN]))
            .group_by(notices.c.status)
        )
        counts: dict[str, int] = {status: count for status, count in rows.all()}
    for status in OPEN:
        metrics.NOTICES_OPEN.labels(status.value).set(counts.get(status.value, 0))


def webhook_sender(
    engine: AsyncEngine, clock: Clock, delivering: use_cases.WebhookDelivering, interval_s: float
) -> Callable[[], Awaitable[None]]:
    async def deliver_due_webhooks() -> None:
        while True:
            try:
                while await deliver_one_webhook(engine, clock, delivering):
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                # One bad delivery or a database blip must not stop every other endpoint's.
                log.exception("webhook sender failed; retrying")
            await asyncio.sleep(interval_s)

    return deliver_due_webhooks


async def deliver_one_webhook(
    engine: AsyncEngine, clock: Clock, delivering: use_cases.WebhookDelivering
) -> bool:
    """Makes one attempt of one due delivery in its own transaction; False when none is due."""
    async with NotificationsUnitOfWork(engine) as uow:
        delivery = await use_cases.deliver_next_webhook(uow=uow, delivering=delivering, now=clock.now())
        if delivery is None:
            return False
        await uow.commit()
    outcome = "retrying" if delivery.status is DeliveryStatus.PENDING else delivery.status.value
    metrics.WEBHOOK_DELIVERIES.labels(outcome).inc()
    log.info(
        "webhook delivery %s of event %s is %s after %d attempt(s)",
        delivery.id,
        delivery.event_id,
        delivery.status,
        delivery.attempts,
    )
    return True
