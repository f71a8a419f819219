"""The slices deposits keeps from the operations system's events, and what those events start: an
accepted quote with a deposit asks for it; a closed job starts its return deadline."""

from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.domain import ClosedJob, Customer, DepositsTenant
from services.deposits.use_cases.deposits import request_deposit
from shared.actors import SYSTEM
from shared.clock import local_date
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import CustomerUpserted, JobClosed, QuoteAccepted, TenantSettingsUpdated

DEFAULT_BRANCH = "main"


async def apply_tenant_settings(
    *, uow: DepositsUnitOfWork, event: EventContext, fact: TenantSettingsUpdated
) -> None:
    await uow.reference.save_tenant(event.tenant_id, DepositsTenant.of(fact))


async def apply_customer(*, uow: DepositsUnitOfWork, event: EventContext, fact: CustomerUpserted) -> None:
    await uow.reference.save_customer(Customer(event.tenant_id, fact.customer_id, fact.name))


async def apply_quote_accepted(*, uow: DepositsUnitOfWork, event: EventContext, fact: QuoteAccepted) -> None:
    """An accepted quote with a deposit makes one pending deposit, however often it is redelivered."""
    if await uow.deposits.exists_for_quote(event.tenant_id, fact.quote_id):
        return
    await request_deposit(
        uow=uow,
        tenant_id=event.tenant_id,
        # Known gap: a quote applied before its tenant's settings numbers on the defaults.
        tenant=await uow.reference.tenant(event.tenant_id) or DepositsTenant(),
        branch_id=event.branch_id or DEFAULT_BRANCH,
        customer_id=fact.customer_id,
        amount=fact.deposit_amount,
        job_id=fact.job_id,
        quote_id=fact.quote_id,
        actor=SYSTEM,
        now=event.now,
    )


async def apply_job_closed(*, uow: DepositsUnitOfWork, event: EventContext, fact: JobClosed) -> None:
    """Starts the return deadline of the job's deposits."""
    tenant = await uow.reference.tenant(event.tenant_id) or DepositsTenant()
    closed = ClosedJob(event.tenant_id, fact.job_id, local_date(fact.closed_at, tenant.timezone))
    await uow.reference.save_closed_job(closed)
    for deposit_id in await uow.deposits.open_on_job(event.tenant_id, fact.job_id):
        deposit = await uow.deposits.get(event.tenant_id, deposit_id, for_update=True)
        assert deposit is not None
        deposit.job_closed_on = closed.closed_on
        await uow.deposits.save_state(deposit)
