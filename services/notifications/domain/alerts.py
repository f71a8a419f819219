"""Staff alerts: one line in the inbox per source event. Pure: no I/O, no clock."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from shared.errors import NotFound


class AlertKind(StrEnum):
    DEPOSIT_RETURN_OVERDUE = "deposit_return_overdue"
    DOCUMENT_RENDER_FAILED = "document_render_failed"
    EVENT_DEAD_LETTERED = "event_dead_lettered"
    NOTICE_FAILED = "notice_failed"
    PAYMENT_REPORTED = "payment_reported"
    DUPLICATE_SLIP = "duplicate_slip"
    TAX_INVOICE_DUE = "tax_invoice_due"  # a retained deposit amount is taxable
    INVOICE_OVERDUE = "invoice_overdue"


class AlertNotFound(NotFound):
    code = "alert_not_found"


@dataclass(frozen=True)
class AlertText:
    kind: AlertKind
    title: str
    body: str
    link: str | None


@dataclass
class Alert:
    """A line in the staff inbox. One per source event, however often that event is replayed."""

    id: UUID
    tenant_id: str
    branch_id: str | None  # None: every branch's staff see it
    kind: AlertKind
    title: str
    body: str
    link: str | None
    created_at: datetime
    source_event_id: UUID
    read_at: datetime | None = None

    @classmethod
    def of(
        cls,
        text: AlertText,
        *,
        id: UUID,
        tenant_id: str,
        branch_id: str | None,
        source_event_id: UUID,
        now: datetime,
    ) -> "Alert":
        return cls(
            id=id,
            tenant_id=tenant_id,
            branch_id=branch_id,
            kind=text.kind,
            title=text.title,
            body=text.body,
            link=text.link,
            created_at=now,
            source_event_id=source_event_id,
        )

    def mark_read(self, now: datetime) -> None:
        """Idempotent: the first read time stays."""
        if self.read_at is None:
            self.read_at = now
