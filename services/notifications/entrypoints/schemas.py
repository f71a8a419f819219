"""HTTP schemas, one per use, apart from domain objects."""

from datetime import datetime
from typing import Self
from uuid import UUID

from pydantic import BaseModel

from services.notifications.domain import Alert, AlertKind, Notice, NoticeDocument, NoticeKind, NoticeStatus
from shared.contracts.documents import DocumentKind


class AlertOut(BaseModel):
    id: UUID
    kind: AlertKind
    title: str
    body: str
    link: str | None
    branch_id: str | None
    created_at: datetime
    read: bool
    read_at: datetime | None

    @classmethod
    def of(cls, a: Alert) -> Self:
        return cls(
            id=a.id,
            kind=a.kind,
            title=a.title,
            body=a.body,
            link=a.link,
            branch_id=a.branch_id,
            created_at=a.created_at,
            read=a.read_at is not None,
            read_at=a.read_at,
        )


class InboxOut(BaseModel):
    items: list[AlertOut]
    total: int
    unread: int
    limit: int
    offset: int


class NoticeDocumentOut(BaseModel):
    kind: DocumentKind
    number: str
    document_id: UUID | None
    rendered: bool

    @classmethod
    def of(cls, d: NoticeDocument) -> Self:
        return cls(
            kind=d.kind, number=d.number, document_id=d.document_id, rendered=d.document_id is not None
        )


class NoticeOut(BaseModel):
    id: UUID
    kind: NoticeKind
    status: NoticeStatus
    branch_id: str | None
    customer_id: str | None
    receipt_number: str | None
    document_id: UUID | None
    documents: list[NoticeDocumentOut]
    alert_id: UUID | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    recipients: list[str]
    language: str | None
    subject: str | None
    message_id: str | None
    sent_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, n: Notice) -> Self:
        return cls(
            id=n.id,
            kind=n.kind,
            status=n.status,
            branch_id=n.branch_id,
            customer_id=n.customer_id,
            receipt_number=n.receipt_number,
            document_id=n.document_id,
            documents=[NoticeDocumentOut.of(d) for d in n.documents],
            alert_id=n.alert_id,
            attempts=n.attempts,
            next_attempt_at=n.next_attempt_at,
            last_error=n.last_error,
            recipients=list(n.recipients),
            language=n.language,
            subject=n.subject,
            message_id=n.message_id,
            sent_at=n.sent_at,
            created_at=n.created_at,
        )


class NoticePageOut(BaseModel):
    items: list[NoticeOut]
    total: int
    limit: int
    offset: int
