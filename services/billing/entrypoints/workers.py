"""Background work: announcing invoices that fall overdue, once each."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from services.billing import use_cases
from services.billing.adapters.uow import BillingUnitOfWork
from shared.clock import Clock

log = logging.getLogger(__name__)


def overdue_invoice_watch(
    engine: AsyncEngine, clock: Clock, interval_s: float
) -> Callable[[], Awaitable[None]]:
    async def watch_overdue_invoices() -> None:
        while True:
            # Candidates due before tomorrow in UTC cover every time zone ahead of UTC (Bangkok is
            # UTC+7); the domain decides with each tenant's own business date.
            tomorrow = (clock.now() + timedelta(days=1)).date()
            async with BillingUnitOfWork(engine) as uow:
                candidates = await uow.invoices.awaiting_overdue_alert(tomorrow)
            for tenant_id, invoice_id in candidates:
                async with BillingUnitOfWork(engine) as uow:
                    if await use_cases.flag_overdue_invoice(
                        uow=uow, tenant_id=tenant_id, invoice_id=invoice_id, now=clock.now()
                    ):
                        await uow.commit()
                        log.info("invoice %s overdue", invoice_id)
            await asyncio.sleep(interval_s)

    return watch_overdue_invoices
