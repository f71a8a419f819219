"""The slices notifications keeps from the operations system's events: the business's contact and
billing staff, and each customer's address and language."""

from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import Customer, Tenant
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated


async def apply_tenant_settings(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: TenantSettingsUpdated
) -> None:
    await uow.reference.save_tenant(Tenant.of(event.tenant_id, fact))


async def apply_customer(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: CustomerUpserted
) -> None:
    """Keeps the name, address and language; never the private notes."""
    await uow.reference.save_customer(event.tenant_id, Customer.of(fact))
