"""The customer's "I've paid" and the slips staff open from its alert. Each use case runs inside the
caller's unit of work and never commits."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import InvoiceNotFound, PaymentReport, Slip, SlipNotFound, report_payment
from services.portal.use_cases.links import Session
from shared.actors import Actor
from shared.auth import Principal


@dataclass(frozen=True)
class ReportOutcome:
    report: PaymentReport
    created: bool  # False: a report was already open, so nothing was written or published


async def report_paid(
    *, uow: PortalUnitOfWork, session: Session, invoice_id: UUID, slip: Slip | None, now: datetime
) -> ReportOutcome:
    """Records "I've paid" once: the report, its slip, the audit row and the `payment.reported` event
    commit together; while a report is open, every further tap returns it and publishes nothing."""
    scope = session.scope
    # The invoice row stays locked until commit: a double submit waits here, then finds the report.
    if not session.access.allows_invoice(invoice_id) or not await uow.invoices.lock(scope, invoice_id):
        raise InvoiceNotFound("Invoice not found")
    [invoice] = await uow.invoices.invoices(scope, invoice_id)
    if invoice.open_report is not None:
        return ReportOutcome(invoice.open_report, created=False)
    report, reported = report_payment(invoice, scope=scope, report_id=uuid4(), at=now, slip=slip)
    if not await uow.invoices.add_report(scope, report):  # opened meanwhile, bypassing the lock
        [invoice] = await uow.invoices.invoices(scope, invoice_id)
        assert invoice.open_report is not None
        return ReportOutcome(invoice.open_report, created=False)
    if slip is not None:
        await uow.slips.add(scope, invoice, slip, now)
    customer = Actor.customer(scope.customer_id, session.customer.name)
    await uow.record(reported, about=invoice.subject(scope.tenant_id), actor=customer, at=now)
    return ReportOutcome(report, created=True)


async def staff_slip(*, uow: PortalUnitOfWork, staff: Principal, slip_id: UUID) -> Slip:
    """A slip of the staff member's tenant (and branches); any other looks absent."""
    found = await uow.slips.get(staff.tenant_id, slip_id)
    if found is None:
        raise SlipNotFound("Slip not found")
    slip, branch_id = found
    if branch_id is not None:
        staff.require_branch(branch_id, what="Slip")
    return slip
