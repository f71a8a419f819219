"""Background work: the sender that delivers due notices over SMTP."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from services.notifications import use_cases
from services.notifications.adapters.uow import NotificationsUnitOfWork
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
    log.info(
        "notice %s (%s) is %s after %d attempt(s)", notice.id, notice.kind, notice.status, notice.attempts
    )
    return True
