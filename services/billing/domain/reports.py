"""A customer's "I've paid": a report awaiting reconciliation, never a payment. Staff record the
real payment (which closes it) or dismiss it. Pure."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from shared.db.stores import Actor
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

    def record(self, payment_id: UUID, *, at: datetime, by: Actor) -> None:
        """The payment staff recorded against this report closes it."""
        self._close(ReportStatus.RECORDED, at=at, by=by, field="report_id")
        self.payment_id = payment_id

    def dismiss(self, reason: str, *, at: datetime, by: Actor) -> None:
        self._close(ReportStatus.DISMISSED, at=at, by=by, field=None)
        self.reason = reason


def duplicate_slip_invoices(invoice_id: UUID, reported_with_same_slip: list[tuple[UUID, str]]) -> list[str]:
    """The other invoices already reported with the same slip reference: a possible duplicate slip."""
    return sorted({number for other, number in reported_with_same_slip if other != invoice_id})
