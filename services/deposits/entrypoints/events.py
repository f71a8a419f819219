"""Upstream events deposits applies: tenant numbering, customer names, accepted quotes, closed jobs."""

from typing import Any

from services.deposits import use_cases
from services.deposits.adapters.uow import DepositsUnitOfWork
from shared.clock import Clock
from shared.contracts.envelope import Envelope
from shared.contracts.upstream import CustomerUpserted, JobClosed, QuoteAccepted, TenantSettingsUpdated
from shared.messaging.consumer import Handler


def handlers(clock: Clock) -> dict[Any, Handler]:
    async def tenant(uow: DepositsUnitOfWork, e: Envelope, settings: TenantSettingsUpdated) -> None:
        await use_cases.apply_tenant_settings(uow=uow, tenant_id=e.tenant_id, settings=settings)

    async def customer(uow: DepositsUnitOfWork, e: Envelope, customer: CustomerUpserted) -> None:
        await use_cases.apply_customer(uow=uow, tenant_id=e.tenant_id, customer=customer)

    async def quote(uow: DepositsUnitOfWork, e: Envelope, quote: QuoteAccepted) -> None:
        branch_id = e.branch_id or "main"
        await use_cases.apply_quote_accepted(
            uow=uow, tenant_id=e.tenant_id, branch_id=branch_id, quote=quote, now=clock.now()
        )

    async def job_closed(uow: DepositsUnitOfWork, e: Envelope, job: JobClosed) -> None:
        await use_cases.apply_job_closed(uow=uow, tenant_id=e.tenant_id, job=job)

    return {
        TenantSettingsUpdated: tenant,
        CustomerUpserted: customer,
        QuoteAccepted: quote,
        JobClosed: job_closed,
    }
