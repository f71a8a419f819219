"""The slices billing keeps from other systems' events: tenants, customers, jobs, deposit returns."""

from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import BillingCustomer, Job, Retention
from shared.contracts.deposits import DepositReturned, DepositReturnVoided
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated
from shared.money import ZERO


async def apply_tenant_settings(
    *, uow: BillingUnitOfWork, tenant_id: str, settings: TenantSettingsUpdated
) -> None:
    await uow.reference.save_tenant(tenant_id, settings)


async def apply_customer(*, uow: BillingUnitOfWork, tenant_id: str, customer: CustomerUpserted) -> None:
    """Keeps the buyer details a tax invoice needs; private notes are not kept."""
    await uow.reference.save_customer(
        BillingCustomer(
            tenant_id=tenant_id,
            customer_id=customer.customer_id,
            name=customer.name,
            address=customer.address,
            tax_id=customer.tax_id,
            tax_branch_no=customer.tax_branch_no,
        )
    )


async def apply_job(
    *, uow: BillingUnitOfWork, tenant_id: str, branch_id: str | None, job: JobStageChanged | JobClosed
) -> None:
    """Keeps whose the job is, its branch, stage and start date (a pre-payment needs them)."""
    await uow.reference.save_job(
        Job(tenant_id, job.job_id, job.customer_id, branch_id, job.stage, job.start_date)
    )


async def apply_deposit_returned(
    *, uow: BillingUnitOfWork, tenant_id: str, branch_id: str | None, returned: DepositReturned
) -> None:
    """An amount kept on a return (forfeit or partial) is taxable: it awaits a tax invoice."""
    if returned.retained_amount <= ZERO:
        return
    await uow.reference.add_retention(
        Retention(
            return_id=returned.return_id,
            tenant_id=tenant_id,
            branch_id=branch_id,
            deposit_id=returned.deposit_id,
            deposit_number=returned.deposit_number,
            return_receipt_number=returned.receipt_number,
            customer_id=returned.customer_id,
            job_id=returned.job_id,
            kind=returned.kind,
            retained_amount=returned.retained_amount,
            reason=returned.reason,
            returned_on=returned.returned_on,
        )
    )


async def apply_return_voided(*, uow: BillingUnitOfWork, tenant_id: str, voided: DepositReturnVoided) -> None:
    """A voided return retained nothing: its amount no longer awaits a tax invoice."""
    await uow.reference.void_retention(tenant_id, voided.return_id, voided.voided_at)
