"""What every billing use case shares: numbering, the audit row with its event, loading in scope."""

from datetime import datetime
from typing import Any
from uuid import UUID

from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import BillingTenant, Invoice, InvoiceNotFound
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts.deposits import StaffRef
from shared.contracts.documents import DocumentKind
from shared.contracts.envelope import EventPayload
from shared.db import Actor
from shared.numbering import prefix_for


def staff_ref(actor: Actor) -> StaffRef:
    return StaffRef(user_id=actor.user_id, name=actor.name)


def branches_of(staff: Principal) -> frozenset[str] | None:
    return None if staff.all_branches else staff.branches


async def next_number(
    uow: BillingUnitOfWork,
    tenant_id: str,
    tenant: BillingTenant,
    branch_id: str,
    kind: DocumentKind,
    now: datetime,
) -> str:
    """The next number of the document type, in the year of today's business date."""
    return await uow.numbers.next(
        tenant_id=tenant_id,
        document_type=kind.value,
        prefix=prefix_for(kind, tenant.document_prefixes),
        year=local_date(now, tenant.timezone).year,
        branch_code=tenant.branch_code(branch_id),
    )


async def audit(
    uow: BillingUnitOfWork,
    *,
    tenant_id: str,
    subject_type: str,
    subject_id: UUID,
    action: str,
    actor: Actor,
    now: datetime,
    details: dict[str, Any],
) -> None:
    await uow.audit.record(
        tenant_id=tenant_id,
        subject_type=subject_type,
        subject_id=str(subject_id),
        action=action,
        actor=actor,
        at=now,
        details=details,
    )


async def record(
    uow: BillingUnitOfWork,
    fact: EventPayload,
    *,
    tenant_id: str,
    branch_id: str | None,
    subject_type: str,
    subject_id: UUID,
    actor: Actor,
    now: datetime,
    details: dict[str, Any],
    key: UUID | None = None,
) -> None:
    """The audit row and the event, in the caller's transaction. `key` orders the event with its
    aggregate's stream (the invoice of a payment report), else the subject."""
    await audit(
        uow,
        tenant_id=tenant_id,
        subject_type=subject_type,
        subject_id=subject_id,
        action=fact.event_type,
        actor=actor,
        now=now,
        details=details,
    )
    await uow.outbox.add(
        fact, tenant_id=tenant_id, branch_id=branch_id, subject=str(key or subject_id), time=now
    )


async def load_invoice(
    uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, *, for_update: bool
) -> Invoice:
    """The invoice if it is in the staff member's tenant and branches; else it does not exist."""
    invoice = await uow.invoices.get(staff.tenant_id, invoice_id, for_update=for_update)
    if invoice is None or not staff.can_see_branch(invoice.branch_id):
        raise InvoiceNotFound("Invoice not found")
    return invoice
