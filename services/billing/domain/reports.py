"""A customer's "I've paid": a report awaiting reconciliation, never a payment. Staff record the
real payment (which closes it) or dismiss it. Pure."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from uuid import UUID

from services.billing.domain.invoices import Invoice
from shared.actors import Actor
from shared.contracts.billing import PaymentReportClosed, PaymentReportReceived
from shared.contracts.deposits import StaffRef
from shared.contracts.envelope import Subject
from shared.contracts.portal import PaymentReported
from shared.errors import Conflict, NotFound, RuleViolation


class ReportStatus(StrEnum):
    OPEN = "open"
    RECORDED = "recorded"
    DISMISSED = "dismissed"


class ReportNotFound(NotFound):
    code = "report_not_found"


class ReportNotOnInvoice(RuleViolation):
    code = "report_not_on_invoice"


class ReportClosed(Conflict):
    code = "report_closed"


@dataclass(frozen=True)
class Slip:
    slip_id: UUID
    content_type: str
    size_bytes: int
    sha256: str


@dataclass
class PaymentReport:
    id: UUID
    tenant_id: str
    invoice_id: UUID
    invoice_number: str
    customer_id: str
    amount: Decimal
    reported_at: datetime
    received_at: datetime
    slip: Slip | None = None
    slip_reference: str | None = None
    same_slip_on: list[str] = field(default_factory=list)  # other invoices reported with this slip
    status: ReportStatus = ReportStatus.OPEN
    closed_at: datetime | None = None
    closed_by: Actor | None = None
    reason: str = ""
    payment_id: UUID | None = None

    @classmethod
    def take(
        cls,
        reported: PaymentReported,
        *,
        invoice: Invoice,
        customer_name: str,
        same_slip_on: list[str],
        at: datetime,
    ) -> tuple["PaymentReport", PaymentReportReceived]:
        """The customer's report on their sent invoice, open until staff close it."""
        slip = reported.slip
        report = cls(
            id=reported.report_id,
            tenant_id=invoice.tenant_id,
            invoice_id=invoice.id,
            invoice_number=invoice.number or reported.invoice_number,
            customer_id=invoice.customer_id,
            amount=reported.amount,
            reported_at=reported.reported_at,
            received_at=at,
            slip=Slip(slip.slip_id, slip.content_type, slip.size_bytes, slip.sha256) if slip else None,
            slip_reference=reported.slip_reference,
            same_slip_on=same_slip_on,
        )
        received = PaymentReportReceived(
            report_id=report.id,
            invoice_id=invoice.id,
            invoice_number=report.invoice_number,
            customer_id=invoice.customer_id,
            customer_name=customer_name,
            amount=report.amount,
            reported_at=report.reported_at,
            slip_id=slip.slip_id if slip else None,
            slip_reference=report.slip_reference,
            same_slip_on=same_slip_on,
        )
        return report, received

    def subject_on(self, invoice: Invoice) -> Subject:
        """A report's events are ordered with its invoice's: the invoice's branch and key."""
        return Subject("payment_report", self.id, self.tenant_id, invoice.branch_id, stream=invoice.id)

    def check_open(self, *, field: str | None = None) -> None:
        if self.status is not ReportStatus.OPEN:
            raise ReportClosed(f"This payment report is already {self.status.value}", field=field)

    def _close(self, status: ReportStatus, *, at: datetime, by: Actor, field: str | None) -> None:
        self.check_open(field=field)
        self.status, self.closed_at, self.closed_by = status, at, by

    def check_on(self, invoice_id: UUID) -> None:
        if self.invoice_id != invoice_id:
            raise ReportNotOnInvoice("The payment report is on another invoice", field="report_id")
        self.check_open(field="report_id")

    def record(self, payment_id: UUID, *, at: datetime, by: Actor) -> PaymentReportClosed:
        """The payment staff recorded against this report closes it."""
        self._close(ReportStatus.RECORDED, at=at, by=by, field="report_id")
        self.payment_id = payment_id
        return self._closed("recorded", by)

    def dismiss(self, reason: str, *, at: datetime, by: Actor) -> PaymentReportClosed:
        self._close(ReportStatus.DISMISSED, at=at, by=by, field=None)
        self.reason = reason
        return self._closed("dismissed", by)

    def _closed(self, outcome: Literal["recorded", "dismissed"], by: Actor) -> PaymentReportClosed:
        return PaymentReportClosed(
            report_id=self.id,
            invoice_id=self.invoice_id,
            invoice_number=self.invoice_number,
            customer_id=self.customer_id,
            outcome=outcome,
            reason=self.reason,
            payment_id=self.payment_id,
            closed_by=StaffRef.of(by),
        )


def duplicate_slip_invoices(invoice_id: UUID, reported_with_same_slip: list[tuple[UUID, str]]) -> list[str]:
    """The other invoices already reported with the same slip reference: a possible duplicate slip."""
    return sorted({number for other, number in reported_with_same_slip if other != invoice_id})
