"""The slices the portal keeps from the operations system's events: the business, the customer and
their jobs. Private notes, asset ids and internal notes arrive on these topics and are dropped here;
each slice keeps the newest snapshot by the time of its event, so a late one changes nothing."""

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import Business, CustomerProfile, Job
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated


async def apply_tenant_settings(
    *, uow: PortalUnitOfWork, event: EventContext, fact: TenantSettingsUpdated
) -> None:
    await uow.read_model.save_business(Business.of(event.tenant_id, fact), as_of=event.time)


async def apply_customer(*, uow: PortalUnitOfWork, event: EventContext, fact: CustomerUpserted) -> None:
    await uow.read_model.save_customer(CustomerProfile.of(event.tenant_id, fact), as_of=event.time)


async def apply_job(*, uow: PortalUnitOfWork, event: EventContext, fact: JobStageChanged | JobClosed) -> None:
    await uow.read_model.save_job(event.tenant_id, fact.customer_id, Job.of(fact), event.time)
