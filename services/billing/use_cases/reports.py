"""Customers' "I've paid" reports: taken from the portal, listed for reconciliation, dismissed by
staff or closed by the payment they record. A report never changes an invoice's status."""

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.billing.adapters.reports import ReportFilter
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import (
    PaymentReport,
    ReportNotFound,
    ReportStatus,
    Slip,
    duplicate_slip_invoices,
)
from services.billing.use_cases._common import branches_of, record, staff_ref
from shared.auth import Principal
from shared.contracts import billing as events
from shared.contracts.billing import InvoiceStatus
from shared.contracts.portal import PaymentReported
from shared.db import Actor

log = logging.getLogger(__name__)


async def take_payment_report(
    *, uow: BillingUnitOfWork, tenant_id: str, reported: PaymentReported, now: datetime
) -> bool:
    """An open report on the customer's sent invoice, once per report id, naming the other invoices
    already reported with the same slip reference (a possible duplicate slip)."""
    invoice = await uow.invoices.get(tenant_id, reported.invoice_id, for_update=True)
    if (
        invoice is None
        or invoice.customer_id != reported.customer_id
        or invoice.status is InvoiceStatus.DRAFT
    ):
        log.warning("payment report %s names no sent invoice of its customer; ignored", reported.report_id)
        return False
    same_slip_on: list[str] = []
    if reported.slip_reference:
        await uow.reports.lock_slip_reference(tenant_id, reported.slip_reference)
        same_slip_on = duplicate_slip_invoices(
            invoice.id, await uow.reports.reported_with_slip(tenant_id, reported.slip_reference)
        )
    slip = reported.slip
    report = PaymentReport(
        id=reported.report_id,
        tenant_id=tenant_id,
        invoice_id=invoice.id,
        invoice_number=invoice.number or reported.invoice_number,
        customer_id=invoice.customer_id,
        amount=reported.amount,
        reported_at=reported.reported_at,
        received_at=now,
        slip=Slip(slip.slip_id, slip.content_type, slip.size_bytes, slip.sha256) if slip else None,
        slip_reference=reported.slip_reference,
        same_slip_on=same_slip_on,
    )
    if not await uow.reports.add(report):
        return False
    names = await uow.reference.customer_names(tenant_id, {invoice.customer_id})
    fact = events.PaymentReportReceived(
        report_id=report.id,
        invoice_id=invoice.id,
        invoice_number=report.invoice_number,
        customer_id=invoice.customer_id,
        customer_name=names.get(invoice.customer_id, ""),
        amount=report.amount,
        reported_at=report.reported_at,
        slip_id=slip.slip_id if slip else None,
        slip_reference=report.slip_reference,
        same_slip_on=same_slip_on,
    )
    customer = Actor(f"customer:{invoice.customer_id}", names.get(invoice.customer_id, "Customer"))
    details = {
        "amount": str(report.amount),
        "slip_reference": report.slip_reference,
        "same_slip_on": same_slip_on,
    }
    await record(
        uow,
        fact,
        tenant_id=tenant_id,
        branch_id=invoice.branch_id,
        subject_type="payment_report",
        subject_id=report.id,
        key=invoice.id,
        actor=customer,
        now=now,
        details=details,
    )
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
    report.dismiss(reason, at=now, by=staff.actor)
    await uow.reports.save_closing(report)
    fact = events.PaymentReportClosed(
        report_id=report.id,
        invoice_id=invoice.id,
        invoice_number=report.invoice_number,
        customer_id=report.customer_id,
        outcome="dismissed",
        reason=reason,
        closed_by=staff_ref(staff.actor),
    )
    await record(
        uow,
        fact,
        tenant_id=staff.tenant_id,
        branch_id=invoice.branch_id,
        subject_type="payment_report",
        subject_id=report.id,
        key=invoice.id,
        actor=staff.actor,
        now=now,
        details={"outcome": "dismissed", "reason": reason},
    )
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
            branches=branches_of(staff),
            status=criteria.status,
            invoice_id=criteria.invoice_id,
            limit=criteria.limit,
            offset=criteria.offset,
        )
    )
