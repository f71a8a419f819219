"""The slices documents keeps from the operations system's events: the business, the customers and
the jobs its documents print. A business or customer arriving makes the documents waiting for it due
again."""

from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import CustomerProfile, JobProfile, TenantProfile
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated


async def apply_tenant_settings(
    *, uow: DocumentsUnitOfWork, event: EventContext, fact: TenantSettingsUpdated
) -> None:
    """Keeps the business details documents print; documents waiting for them are retried now."""
    await uow.reference.save_tenant(TenantProfile.of(event.tenant_id, fact))
    if await uow.jobs.retry_waiting_now(event.tenant_id, event.now):
        uow.wake_renderers()


async def apply_customer(*, uow: DocumentsUnitOfWork, event: EventContext, fact: CustomerUpserted) -> None:
    """Keeps what documents print about a customer; private notes are not kept."""
    await uow.reference.save_customer(event.tenant_id, CustomerProfile.of(fact))
    if await uow.jobs.retry_waiting_now(event.tenant_id, event.now, customer_id=fact.customer_id):
        uow.wake_renderers()


async def apply_job(
    *, uow: DocumentsUnitOfWork, event: EventContext, fact: JobStageChanged | JobClosed
) -> None:
    """Keeps the job's number and branch (its report and signed documents name them); equipment,
    asset ids and internal notes are not kept."""
    known = await uow.reference.job(event.tenant_id, fact.job_id)
    branch_id = event.branch_id or (known.branch_id if known else None)
    await uow.reference.save_job(event.tenant_id, JobProfile.of(fact, branch_id))
