"""Notices: one outgoing email each (to a customer, or a staff alert to the billing staff), its
states and delivery log, the retry rule, and the email it composes to. Pure: no I/O, no clock."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from services.notifications.domain.alerts import Alert
from services.notifications.domain.facts import DocumentRef, NoticeDocument, NoticeFacts, ReturnFacts
from shared.context import Trace
from shared.errors import Conflict

MAX_ERROR_CHARS = 1000


class NoticeKind(StrEnum):
    DEPOSIT_RETURNED = "deposit_returned"  # the DEPRR
    PAYMENT_RECEIPT = "payment_receipt"  # an RC for a payment on an invoice
    PREPAYMENT_RECEIPT = "prepayment_receipt"  # a PREREC for a payment before the job starts
    DAMAGE_CHARGES = "damage_charges"  # a tax invoice with the damage invoices and DEPRRs it covers
    STAFF_ALERT = "staff_alert"


# Every notice to a customer; a staff alert's email goes to the business's billing staff instead.
CUSTOMER_NOTICES = frozenset(set(NoticeKind) - {NoticeKind.STAFF_ALERT})


class NoticeStatus(StrEnum):
    WAITING_FOR_DOCUMENT = "waiting_for_document"  # an attachment is not rendered yet
    PENDING = "pending"  # due for (another) delivery attempt at next_attempt_at
    SENT = "sent"
    FAILED = "failed"  # gave up after the bounded attempts; staff were alerted
    SKIPPED = "skipped"  # nobody to send it to (no email address)
    CANCELLED = "cancelled"  # what it announced was undone before it went out (a voided return)


OPEN = frozenset({NoticeStatus.WAITING_FOR_DOCUMENT, NoticeStatus.PENDING})


class NoticeNotOpen(Conflict):
    code = "notice_not_open"


class DeliveryFailed(Exception):
    """A delivery attempt failed for a reason that may pass: the relay, the PDF, a missing slice."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with a ceiling, and a bounded number of attempts."""

    max_attempts: int = 6
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)

    def delay_after(self, attempts: int) -> timedelta:
        return min(self.first_delay * 2 ** max(attempts - 1, 0), self.max_delay)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Email:
    """A composed message, before any transport sees it."""

    subject: str
    body: str


@dataclass(frozen=True)
class OutgoingEmail:
    message_id: str
    sender_name: str
    recipients: tuple[str, ...]
    reply_to: str
    subject: str
    body: str
    date: datetime
    attachments: tuple[Attachment, ...] = ()


def message_id_of(notice_id: UUID, domain: str) -> str:
    """Deterministic, so a resend after a crash carries the same id and mail systems can drop it."""
    return f"<{notice_id.hex}.notice@{domain}>"


@dataclass
class Notice:
    """One outgoing email and its delivery log: waiting_for_document → pending → sent | failed,
    or skipped / cancelled. A customer notice waits until every document it attaches is rendered."""

    id: UUID
    tenant_id: str
    branch_id: str | None
    kind: NoticeKind
    status: NoticeStatus
    created_at: datetime
    customer_id: str | None = None
    receipt_number: str | None = None  # the number the notice is about: DEPRR, RC, PREREC or TI
    documents: tuple[NoticeDocument, ...] = ()
    alert_id: UUID | None = None
    facts: NoticeFacts | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    message_id: str | None = None
    recipients: tuple[str, ...] = ()
    language: str | None = None
    subject: str | None = None
    trace: Trace | None = None  # the request chain that caused the notice

    @classmethod
    def to_customer(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        branch_id: str | None,
        kind: NoticeKind,
        customer_id: str,
        number: str,
        facts: NoticeFacts,
        rendered: Mapping[DocumentRef, UUID],
        now: datetime,
        trace: Trace | None = None,
    ) -> "Notice":
        """A customer's email about `number`; it waits until every document the facts name is
        rendered (`rendered`: those already are)."""
        notice = cls(
            id=id,
            tenant_id=tenant_id,
            branch_id=branch_id,
            kind=kind,
            status=NoticeStatus.WAITING_FOR_DOCUMENT,
            created_at=now,
            customer_id=customer_id,
            receipt_number=number,
            documents=tuple(NoticeDocument(ref.kind, ref.number) for ref in facts.documents),
            facts=facts,
            trace=trace,
        )
        for ref, document_id in rendered.items():
            notice.attach(ref, document_id, now)
        return notice

    @classmethod
    def deposit_returned(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        branch_id: str | None,
        customer_id: str,
        facts: ReturnFacts,
        document_id: UUID | None,
        now: datetime,
        trace: Trace | None = None,
    ) -> "Notice":
        """The customer's "deposit returned" email; it waits until its DEPRR PDF is rendered."""
        [deprr] = facts.documents
        return cls.to_customer(
            id=id,
            tenant_id=tenant_id,
            branch_id=branch_id,
            kind=NoticeKind.DEPOSIT_RETURNED,
            customer_id=customer_id,
            number=facts.receipt_number,
            facts=facts,
            rendered={deprr: document_id} if document_id else {},
            now=now,
            trace=trace,
        )

    @classmethod
    def staff_alert(cls, *, id: UUID, alert: Alert, now: datetime, trace: Trace | None = None) -> "Notice":
        return cls(
            id=id,
            tenant_id=alert.tenant_id,
            branch_id=alert.branch_id,
            kind=NoticeKind.STAFF_ALERT,
            status=NoticeStatus.PENDING,
            created_at=now,
            alert_id=alert.id,
            next_attempt_at=now,
            trace=trace,
        )

    @property
    def document_id(self) -> UUID | None:
        """The id of the document the notice is about (the DEPRR, RC, PREREC or TI)."""
        return next((d.document_id for d in self.documents if d.number == self.receipt_number), None)

    @property
    def missing_documents(self) -> tuple[DocumentRef, ...]:
        return tuple(d.ref for d in self.documents if d.document_id is None)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def _require(self, *statuses: NoticeStatus) -> None:
        if self.status not in statuses:
            raise NoticeNotOpen(f"Notice {self.id} is {self.status.value}")

    def attach(self, ref: DocumentRef, document_id: UUID, now: datetime) -> bool:
        """Records a rendered document the notice waits for; the last one makes it due.
        False when the notice does not attach that document or already has it."""
        self._require(NoticeStatus.WAITING_FOR_DOCUMENT)
        if ref not in self.missing_documents:
            return False
        self.documents = tuple(
            replace(d, document_id=document_id) if d.ref == ref else d for d in self.documents
        )
        if not self.missing_documents:
            self.status = NoticeStatus.PENDING
            self.next_attempt_at = now
        return True

    def mark_sent(
        self, *, message_id: str, recipients: tuple[str, ...], language: str, subject: str, now: datetime
    ) -> None:
        self._require(NoticeStatus.PENDING)
        self.attempts += 1
        self.status = NoticeStatus.SENT
        self.sent_at = now
        self.message_id, self.recipients, self.language, self.subject = (
            message_id,
            recipients,
            language,
            subject,
        )
        self.next_attempt_at = None
        self.last_error = None

    def record_failure(self, error: str, *, policy: RetryPolicy, now: datetime) -> bool:
        """Counts a failed attempt and schedules the next; True when it gave up (now failed)."""
        self._require(NoticeStatus.PENDING)
        self.attempts += 1
        self.last_error = error[:MAX_ERROR_CHARS]
        if self.attempts >= policy.max_attempts:
            self.status = NoticeStatus.FAILED
            self.next_attempt_at = None
            return True
        self.next_attempt_at = now + policy.delay_after(self.attempts)
        return False

    def skip(self, reason: str) -> None:
        self._require(*OPEN)
        self.status = NoticeStatus.SKIPPED
        self.last_error = reason
        self.next_attempt_at = None

    def cancel(self, reason: str) -> bool:
        """A notice not yet sent is withdrawn; False when it already went out (or ended)."""
        if not self.is_open:
            return False
        self.status = NoticeStatus.CANCELLED
        self.last_error = reason
        self.next_attempt_at = None
        return True
