"""Notification use cases. Each runs inside the caller's unit of work and never commits: a notice or
alert, the event that caused it and its delivery state commit together or not at all."""

from services.notifications.use_cases.alerts import (
    SlipLink,
    alert_dead_lettered,
    alert_invoice_overdue,
    alert_payment_reported,
    alert_render_failed,
    alert_retained_deposit,
    alert_return_overdue,
    raise_alert,
)
from services.notifications.use_cases.common import (
    ATTACHABLE_KINDS,
    NO_EMAIL,
    NO_STAFF_EMAIL,
    RECEIPT_VERSION,
    Delivery,
    InvoiceLinkSource,
    ReceiptPdfSource,
    usable_address,
)
from services.notifications.use_cases.delivery import send_next_notice
from services.notifications.use_cases.notices import (
    cancel_voided_return_notice,
    record_deposit_returned,
    record_document_rendered,
    record_payment_recorded,
    record_prepayment_recorded,
    record_tax_invoice_issued,
)
from services.notifications.use_cases.staff import delivery_log, inbox, mark_alert_read
from services.notifications.use_cases.upstream import apply_customer, apply_tenant_settings
from services.notifications.use_cases.webhooks import (
    UrlCheck,
    WebhookDelivering,
    WebhookPoster,
    deliver_next_webhook,
    disable_webhook,
    list_webhooks,
    queue_webhooks,
    register_webhook,
    webhook_deliveries,
)

__all__ = [
    "ATTACHABLE_KINDS",
    "NO_EMAIL",
    "NO_STAFF_EMAIL",
    "RECEIPT_VERSION",
    "Delivery",
    "InvoiceLinkSource",
    "ReceiptPdfSource",
    "SlipLink",
    "UrlCheck",
    "WebhookDelivering",
    "WebhookPoster",
    "alert_dead_lettered",
    "alert_invoice_overdue",
    "alert_payment_reported",
    "alert_render_failed",
    "alert_retained_deposit",
    "alert_return_overdue",
    "apply_customer",
    "apply_tenant_settings",
    "cancel_voided_return_notice",
    "deliver_next_webhook",
    "delivery_log",
    "disable_webhook",
    "inbox",
    "list_webhooks",
    "mark_alert_read",
    "queue_webhooks",
    "raise_alert",
    "record_deposit_returned",
    "record_document_rendered",
    "record_payment_recorded",
    "record_prepayment_recorded",
    "record_tax_invoice_issued",
    "register_webhook",
    "send_next_notice",
    "usable_address",
    "webhook_deliveries",
]
