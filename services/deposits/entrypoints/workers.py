"""Background work: the 5-business-day return deadline."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from services.deposits import use_cases
from services.deposits.adapters.uow import DepositsUnitOfWork
from shared.clock import Clock

log = logging.getLogger(__name__)


def overdue_return_watch(
    engine: AsyncEngine, clock: Clock, interval_s: float
) -> Callable[[], Awaitable[None]]:
    async def watch_overdue_returns() -> None:
        while True:
            async with DepositsUnitOfWork(engine) as uow:
                candidates = await uow.deposits.awaiting_return_with_closed_job()
            for tenant_id, deposit_id in candidates:
                async with DepositsUnitOfWork(engine) as uow:
                    if await use_cases.flag_overdue_return(
                        uow=uow, tenant_id=tenant_id, deposit_id=deposit_id, now=clock.now()
                    ):
                        await uow.commit()
                        log.info("deposit %s return overdue", deposit_id)
            await asyncio.sleep(interval_s)

    return watch_overdue_returns
