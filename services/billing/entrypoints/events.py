"""Events billing applies: tenant settings, customers, jobs, deposit returns and their voids, and
customers' payment reports from the portal."""

from typing import Any

from services.billing import use_cases
from services.billing.adapters.uow import BillingUnitOfWork
from shared.clock import Clock
from shared.contracts.deposits import DepositReturned, DepositReturnVoided
from shared.contracts.envelope import Envelope
from shared.contracts.portal import PaymentReported
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated
from shared.messaging.consumer import Handler


def handlers(clock: Clock) -> dict[Any, Handler]:
    async def tenant(uow: BillingUnitOfWork, e: Envelope, settings: TenantSettingsUpdated) -> None:
        await use_cases.apply_tenant_settings(uow=uow, tenant_id=e.tenant_id, settings=settings)

    async def customer(uow: BillingUnitOfWork, e: Envelope, customer: CustomerUpserted) -> None:
        await use_cases.apply_customer(uow=uow, tenant_id=e.tenant_id, customer=customer)

    async def job(uow: BillingUnitOfWork, e: Envelope, job: JobStageChanged | JobClosed) -> None:
        await use_cases.apply_job(uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, job=job)

    async def deposit_returned(uow: BillingUnitOfWork, e: Envelope, returned: DepositReturned) -> None:
        await use_cases.apply_deposit_returned(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, returned=returned
        )

    async def return_voided(uow: BillingUnitOfWork, e: Envelope, voided: DepositReturnVoided) -> None:
        await use_cases.apply_return_voided(uow=uow, tenant_id=e.tenant_id, voided=voided)

    async def payment_reported(uow: BillingUnitOfWork, e: Envelope, reported: PaymentReported) -> None:
        await use_cases.take_payment_report(
            uow=uow, tenant_id=e.tenant_id, reported=reported, now=clock.now()
        )

    return {
        TenantSettingsUpdated: tenant,
        CustomerUpserted: customer,
        JobStageChanged: job,
        JobClosed: job,
        DepositReturned: deposit_returned,
        DepositReturnVoided: return_voided,
        PaymentReported: payment_reported,
    }
