"""The slices billing keeps from other systems' events: tenants, customers, jobs, deposit returns."""

from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import BillingCustomer, Job, Retention
from shared.contracts.deposits import DepositReturned, DepositReturnVoided
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated
from shared.money import ZERO


async def apply_tenant_settings(
    *, uow: BillingUnitOfWork, event: EventContext, fact: TenantSettingsUpdated
) -> None:
    await uow.reference.save_tenant(event.tenant_id, fact)


async def apply_customer(*, uow: BillingUnitOfWork, event: EventContext, fact: CustomerUpserted) -> None:
    """Keeps the buyer details a tax invoice needs; private notes are not kept."""
    await uow.reference.save_customer(
        BillingCustomer(
            tenant_id=event.tenant_id,
            customer_id=fact.customer_id,
            name=fact.name,
            address=fact.address,
            tax_id=fact.tax_id,
            tax_branch_no=fact.tax_branch_no,
        )
    )


async def apply_job(
    *, uow: BillingUnitOfWork, event: EventContext, fact: JobStageChanged | JobClosed
) -> None:
    """Keeps whose the job is, its branch, stage and start date (a pre-payment needs them)."""
    await uow.reference.save_job(
        Job(event.tenant_id, fact.job_id, fact.customer_id, event.branch_id, fact.stage, fact.start_date)
    )


async def apply_deposit_returned(
    *, uow: BillingUnitOfWork, event: EventContext, fact: DepositReturned
) -> None:
    """An amount kept on a return (forfeit or partial) is taxable: it awaits a tax invoice."""
    if fact.retained_amount <= ZERO:
        return
    await uow.reference.add_retention(
        Retention(
            return_id=fact.return_id,
            tenant_id=event.tenant_id,
            branch_id=event.branch_id,
            deposit_id=fact.deposit_id,
            deposit_number=fact.deposit_number,
            return_receipt_number=fact.receipt_number,
            customer_id=fact.customer_id,
            job_id=fact.job_id,
            kind=fact.kind,
            retained_amount=fact.retained_amount,
            reason=fact.reason,
            returned_on=fact.returned_on,
        )
    )


async def apply_return_voided(
    *, uow: BillingUnitOfWork, event: EventContext, fact: DepositReturnVoided
) -> None:
    """A voided return retained nothing: its amount no longer awaits a tax invoice."""
    await uow.reference.void_retention(event.tenant_id, fact.return_id, fact.voided_at)
