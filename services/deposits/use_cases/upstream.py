"""The slices deposits keeps from the operations system's events, and what those events start: an
accepted quote with a deposit asks for it; a job's stage decides whether its deposits can be
returned, and its closing starts their return deadline; an inspection is shown to staff deciding a
return."""

from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.domain import Customer, DepositsTenant, Inspection, Job
from services.deposits.use_cases.deposits import request_deposit
from shared.actors import SYSTEM
from shared.clock import local_date
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import (
    CustomerUpserted,
    InspectionCompleted,
    JobClosed,
    JobStageChanged,
    QuoteAccepted,
    TenantSettingsUpdated,
)

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


async def apply_job(
    *, uow: DepositsUnitOfWork, event: EventContext, fact: JobStageChanged | JobClosed
) -> None:
    """Keeps the job's stage, unless a newer snapshot of the job is kept already, and the business
    date it closed on, which starts the return deadline of its deposits."""
    closed_on = None
    if isinstance(fact, JobClosed) or fact.stage == "closed":
        closed_at = fact.closed_at if isinstance(fact, JobClosed) else event.time
        tenant = await uow.reference.tenant(event.tenant_id) or DepositsTenant()
        closed_on = local_date(closed_at, tenant.timezone)
    stage = "closed" if closed_on else fact.stage
    job = Job(event.tenant_id, fact.job_id, fact.job_number, stage, closed_on)
    if not await uow.reference.save_job(job, as_of=event.time):
        return
    for deposit_id in await uow.deposits.open_on_job(event.tenant_id, fact.job_id):
        deposit = await uow.deposits.get(event.tenant_id, deposit_id, for_update=True)
        assert deposit is not None
        if deposit.job_closed_on != job.closed_on:  # closed, or reopened
            deposit.job_closed_on = job.closed_on
            await uow.deposits.save_state(deposit)


async def apply_inspection(
    *, uow: DepositsUnitOfWork, event: EventContext, fact: InspectionCompleted
) -> None:
    """Keeps what the inspection found, for staff deciding the return of the job's deposits."""
    await uow.reference.save_inspection(Inspection.of(event.tenant_id, fact), as_of=event.time)
