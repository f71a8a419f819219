"""The slices the portal keeps from the operations system's events: the business, the customer,
their jobs and their signed quotes. Private notes, asset ids and internal notes arrive on these
topics and are dropped here; each slice keeps the newest snapshot by the time of its event, so a
late one changes nothing. AI job reports and inspections are not taken at all: the customer's
version of a job report reaches the portal only as the document the documents service renders."""

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import Business, CustomerProfile, Job, Quote
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import (
    CustomerUpserted,
    JobClosed,
    JobStageChanged,
    QuoteSigned,
    TenantSettingsUpdated,
)


async def apply_tenant_settings(
    *, uow: PortalUnitOfWork, event: EventContext, fact: TenantSettingsUpdated
) -> None:
    await uow.read_model.save_business(Business.of(event.tenant_id, fact), as_of=event.time)


async def apply_customer(*, uow: PortalUnitOfWork, event: EventContext, fact: CustomerUpserted) -> None:
    profile = CustomerProfile.of(event.tenant_id, fact, branch_id=event.branch_id)
    await uow.read_model.save_customer(profile, as_of=event.time)


async def apply_job(*, uow: PortalUnitOfWork, event: EventContext, fact: JobStageChanged | JobClosed) -> None:
    await uow.read_model.save_job(event.tenant_id, fact.customer_id, Job.of(fact), event.time)


async def apply_quote_signed(*, uow: PortalUnitOfWork, event: EventContext, fact: QuoteSigned) -> None:
    """A quote a link may open (its signed document arrives from the documents service)."""
    await uow.read_model.save_quote(event.tenant_id, Quote.of(fact), as_of=event.time)
