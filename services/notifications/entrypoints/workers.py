"""Background work: the sender that delivers due notices over SMTP."""

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
