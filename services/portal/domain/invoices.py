"""The customer's invoices: what is still due, the badge they see, and their "I've paid" reports.
Overdue is worked out from the business date at the moment of asking, never stored, so the portal
and billing agree at any moment. Pure: no I/O, no clock."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from services.portal.domain.reference import CustomerScope
from shared.contracts.envelope import Subject
from shared.contracts.portal import PaymentReported, SlipRef
from shared.errors import Conflict, NotFound
from shared.money import ZERO


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"


class NothingToPay(Conflict):
    code = "nothing_to_pay"


class SlipNotFound(NotFound):
    code = "slip_not_found"


class InvoiceBadge(StrEnum):
    """What the customer reads on an invoice (names in `shared.labels.INVOICE_STATUSES`)."""

    UNPAID = "unpaid"
    PARTIAL = "partial"
    PAID = "paid"
    OVERDUE = "overdue"


class ReportStatus(StrEnum):
    OPEN = "open"  # waiting for staff to check it
    RECORDED = "recorded"  # staff recorded the payment
    DISMISSED = "dismissed"  # staff could not match it; the customer may report again


@dataclass(frozen=True)
class Slip:
    """A payment slip screenshot, already accepted as an image by its bytes."""

    slip_id: UUID
    content: bytes
    content_type: str
    reference: str | None = None  # the bank's transaction reference, read from the slip's QR

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size_bytes(self) -> int:
        return len(self.content)

    @property
    def ref(self) -> SlipRef:
        """What the `payment.reported` event says of the slip: never its bytes."""
        return SlipRef(
            slip_id=self.slip_id,
            content_type=self.content_type,
            size_bytes=self.size_bytes,
            sha256=self.sha256,
        )


@dataclass(frozen=True)
class PaymentReport:
    """The customer's "I've paid": a hand-off to staff, never a confirmation of payment."""

    report_id: UUID
    invoice_id: UUID
    status: ReportStatus
    amount: Decimal | None = None
    reported_at: datetime | None = None
    slip_id: UUID | None = None
    slip_reference: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is ReportStatus.OPEN


@dataclass(frozen=True)
class AppliedPrepayment:
    receipt_number: str
    amount: Decimal
    paid_on: date


@dataclass(frozen=True)
class Invoice:
    invoice_id: UUID
    number: str
    kind: str
    issue_date: date
    due_date: date
    total: Decimal
    balance: Decimal
    document_id: UUID
    pdf_ready: bool = False
    prepayments: tuple[AppliedPrepayment, ...] = ()
    tax_invoice_number: str | None = None
    tax_invoice_document_id: UUID | None = None
    tax_invoice_ready: bool = False
    latest_report: PaymentReport | None = None
    job_id: str | None = None
    branch_id: str | None = None

    def subject(self, tenant_id: str) -> Subject:
        """What the customer's actions on the invoice are about (the invoice keeps no tenant: every
        read of it is already scoped by one)."""
        return Subject("invoice", self.invoice_id, tenant_id, self.branch_id)

    @property
    def paid(self) -> Decimal:
        """Everything paid towards it so far, pre-payments included."""
        return max(self.total - self.balance, ZERO)

    @property
    def is_outstanding(self) -> bool:
        return self.balance > ZERO

    def is_overdue(self, today: date) -> bool:
        """Past its due date in the business's time zone with something still to pay."""
        return self.is_outstanding and today > self.due_date

    def badge(self, today: date) -> InvoiceBadge:
        if not self.is_outstanding:
            return InvoiceBadge.PAID
        if self.is_overdue(today):
            return InvoiceBadge.OVERDUE
        if self.paid > ZERO:
            return InvoiceBadge.PARTIAL
        return InvoiceBadge.UNPAID

    @property
    def open_report(self) -> PaymentReport | None:
        report = self.latest_report
        return report if report is not None and report.is_open else None

    @property
    def report_dismissed(self) -> bool:
        """Staff could not match the last report: the customer is told and may report again."""
        report = self.latest_report
        return self.is_outstanding and report is not None and report.status is ReportStatus.DISMISSED

    @property
    def payable(self) -> bool:
        """Pay (the QR and I've paid) shows while something is due and no report waits to be checked."""
        return self.is_outstanding and self.open_report is None


def outstanding(invoices: Iterable[Invoice]) -> list[Invoice]:
    """Invoices with a balance due, the one due soonest first."""
    return sorted((i for i in invoices if i.is_outstanding), key=lambda i: (i.due_date, i.number))


def report_payment(
    invoice: Invoice, *, scope: CustomerScope, report_id: UUID, at: datetime, slip: Slip | None
) -> tuple[PaymentReport, PaymentReported]:
    """A new report of paying the balance due, and the `payment.reported` event handing it to staff.
    The caller has made sure none is open: there is at most one open report per invoice, however
    often the customer taps."""
    if not invoice.is_outstanding:
        raise NothingToPay(f"Invoice {invoice.number} has nothing left to pay")
    report = PaymentReport(
        report_id=report_id,
        invoice_id=invoice.invoice_id,
        status=ReportStatus.OPEN,
        amount=invoice.balance,
        reported_at=at,
        slip_id=slip.slip_id if slip else None,
        slip_reference=slip.reference if slip else None,
    )
    reported = PaymentReported(
        report_id=report_id,
        invoice_id=invoice.invoice_id,
        invoice_number=invoice.number,
        customer_id=scope.customer_id,
        amount=invoice.balance,
        reported_at=at,
        slip=slip.ref if slip else None,
        slip_reference=report.slip_reference,
    )
    return report, reported
