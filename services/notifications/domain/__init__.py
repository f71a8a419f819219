"""Notifications' domain: customer notices and staff alerts (their states, the retry rule and the
facts they carry), webhook endpoints and deliveries (and the URL policy), and the upstream slices
they need. Pure: no I/O, no clock."""

from services.notifications.domain.alerts import Alert, AlertKind, AlertNotFound, AlertText
from services.notifications.domain.facts import (
    ChargeLine,
    DamageFacts,
    DocumentRef,
    NoticeDocument,
    NoticeFacts,
    PaymentFacts,
    Retention,
    ReturnFacts,
)
from services.notifications.domain.notices import (
    CUSTOMER_NOTICES,
    MAX_ERROR_CHARS,
    OPEN,
    Attachment,
    DeliveryFailed,
    Email,
    Notice,
    NoticeKind,
    NoticeNotOpen,
    NoticeStatus,
    OutgoingEmail,
    RetryPolicy,
    message_id_of,
)
from services.notifications.domain.reference import Customer, Tenant
from services.notifications.domain.webhooks import (
    WEBHOOK_EVENT_TYPES,
    DeliveryStatus,
    InvalidWebhook,
    UnsafeWebhookUrl,
    UrlPolicy,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookNotFound,
)

__all__ = [
    "CUSTOMER_NOTICES",
    "MAX_ERROR_CHARS",
    "OPEN",
    "WEBHOOK_EVENT_TYPES",
    "Alert",
    "AlertKind",
    "AlertNotFound",
    "AlertText",
    "Attachment",
    "ChargeLine",
    "Customer",
    "DamageFacts",
    "DeliveryFailed",
    "DeliveryStatus",
    "DocumentRef",
    "Email",
    "InvalidWebhook",
    "Notice",
    "NoticeDocument",
    "NoticeFacts",
    "NoticeKind",
    "NoticeNotOpen",
    "NoticeStatus",
    "OutgoingEmail",
    "PaymentFacts",
    "Retention",
    "RetryPolicy",
    "ReturnFacts",
    "Tenant",
    "UnsafeWebhookUrl",
    "UrlPolicy",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookNotFound",
    "message_id_of",
]
