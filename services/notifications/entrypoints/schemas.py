"""HTTP schemas, one per use, apart from domain objects."""

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, Field

from services.notifications.domain import Alert, AlertKind, Notice, NoticeDocument, NoticeKind, NoticeStatus
from services.notifications.domain.webhooks import (
    MAX_DESCRIPTION_CHARS,
    MAX_URL_CHARS,
    WEBHOOK_EVENT_TYPES,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
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


# Published as the schema says, checked by the domain (whose refusal names the field).
SubscribableEventType = Annotated[str, Field(json_schema_extra={"enum": sorted(WEBHOOK_EVENT_TYPES)})]


class WebhookIn(BaseModel):
    url: str = Field(
        max_length=MAX_URL_CHARS,
        pattern=r"^https?://[^\s/?#]+([/?][^\s#]*)?$",
        description="Where deliveries are POSTed (https in production); its host must resolve to "
        "public addresses (private ones only where the service allows them, in dev)",
    )
    event_types: list[SubscribableEventType] = Field(
        min_length=1,
        max_length=100,
        description='Published event types, e.g. "deposit.returned.v1"',
        examples=[["deposit.returned.v1"]],
    )
    description: str | None = Field(None, max_length=MAX_DESCRIPTION_CHARS)


class WebhookOut(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    created_at: datetime
    created_by: str
    disabled_at: datetime | None

    @classmethod
    def of(cls, e: WebhookEndpoint) -> Self:
        return cls(
            id=e.id,
            url=e.url,
            event_types=list(e.event_types),
            description=e.description,
            enabled=e.enabled,
            created_at=e.created_at,
            created_by=e.created_by,
            disabled_at=e.disabled_at,
        )


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(
        description="`whsec_` and the key's base64: verify signatures with it. Shown only now."
    )

    @classmethod
    def created(cls, e: WebhookEndpoint) -> Self:
        return cls(**WebhookOut.of(e).model_dump(), secret=e.secret)


class WebhookListOut(BaseModel):
    items: list[WebhookOut]


class WebhookDeliveryOut(BaseModel):
    id: UUID
    event_id: UUID = Field(description="Also the `webhook-id` header of every attempt")
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, d: WebhookDelivery) -> Self:
        return cls(
            id=d.id,
            event_id=d.event_id,
            event_type=d.event_type,
            status=d.status,
            attempts=d.attempts,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            created_at=d.created_at,
            last_attempt_at=d.last_attempt_at,
            next_attempt_at=d.next_attempt_at,
            delivered_at=d.delivered_at,
        )


class WebhookDeliveryPageOut(BaseModel):
    items: list[WebhookDeliveryOut]
    total: int
    limit: int
    offset: int
