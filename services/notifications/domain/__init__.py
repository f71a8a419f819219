"""Notifications' domain: customer notices and staff alerts (their states, the retry rule and the
facts they carry) and the upstream slices they need. Pure: no I/O, no clock."""

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

__all__ = [
    "CUSTOMER_NOTICES",
    "MAX_ERROR_CHARS",
    "OPEN",
    "Alert",
    "AlertKind",
    "AlertNotFound",
    "AlertText",
    "Attachment",
    "ChargeLine",
    "Customer",
    "DamageFacts",
    "DeliveryFailed",
    "DocumentRef",
    "Email",
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
    "message_id_of",
]
