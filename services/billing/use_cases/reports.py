"""Customers' "I've paid" reports: taken from the portal, listed for reconciliation, dismissed by
staff or closed by the payment they record. A report never changes an invoice's status."""

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.billing.adapters.reports import ReportFilter
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import PaymentReport, ReportNotFound, ReportStatus, duplicate_slip_invoices
from shared.actors import Actor
from shared.auth import Principal
from shared.contracts.envelope import EventContext
from shared.contracts.portal import PaymentReported

log = logging.getLogger(__name__)


async def take_payment_report(*, uow: BillingUnitOfWork, event: EventContext, fact: PaymentReported) -> bool:
    """An open report on the customer's sent invoice, once per report id, naming the other invoices
    already reported with the same slip reference (a possible duplicate slip)."""
    tenant_id = event.tenant_id
    invoice = await uow.invoices.get(tenant_id, fact.invoice_id, for_update=True)
    if invoice is None or not invoice.can_be_reported_by(fact.customer_id):
        log.warning("payment report %s names no sent invoice of its customer; ignored", fact.report_id)
        return False
    same_slip_on: list[str] = []
    if fact.slip_reference:
        await uow.reports.lock_slip_reference(tenant_id, fact.slip_reference)
        same_slip_on = duplicate_slip_invoices(
            invoice.id, await uow.reports.reported_with_slip(tenant_id, fact.slip_reference)
        )
    names = await uow.reference.customer_names(tenant_id, {invoice.customer_id})
    customer_name = names.get(invoice.customer_id, "")
    report, received = PaymentReport.take(
        fact, invoice=invoice, customer_name=customer_name, same_slip_on=same_slip_on, at=event.now
    )
    if not await uow.reports.add(report):
        return False
    customer = Actor.customer(invoice.customer_id, customer_name)
    await uow.record(received, about=report.subject_on(invoice), actor=customer, at=event.now)
    return True


async def dismiss_report(
    *, uow: BillingUnitOfWork, staff: Principal, report_id: UUID, reason: str, now: datetime
) -> PaymentReport:
    """Closes an open report without a payment (not received, a duplicate slip...), with the reason."""
    found = await uow.reports.get(staff.tenant_id, report_id)
    # Locks in the order recording a payment takes them: the invoice, then its report.
    invoice = await uow.invoices.get(staff.tenant_id, found.invoice_id, for_update=True) if found else None
    if invoice is None or not staff.can_see_branch(invoice.branch_id):
        raise ReportNotFound("Payment report not found")
    report = await uow.reports.get(staff.tenant_id, report_id, for_update=True)
    assert report is not None
    closed = report.dismiss(reason, at=now, by=staff.actor)
    await uow.reports.save_closing(report)
    await uow.record(closed, about=report.subject_on(invoice), actor=staff.actor, at=now)
    return report


@dataclass(frozen=True)
class ReportCriteria:
    status: ReportStatus | None = None
    invoice_id: UUID | None = None
    limit: int = 50
    offset: int = 0


async def list_reports(
    *, uow: BillingUnitOfWork, staff: Principal, criteria: ReportCriteria
) -> tuple[list[PaymentReport], int]:
    """Reports on invoices of the staff member's branches, newest first."""
    return await uow.reports.search(
        ReportFilter(
            tenant_id=staff.tenant_id,
            branches=staff.branch_scope,
            status=criteria.status,
            invoice_id=criteria.invoice_id,
            limit=criteria.limit,
            offset=criteria.offset,
        )
    )
