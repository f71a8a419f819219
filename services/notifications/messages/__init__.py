"""What every notice and alert says: the customer's emails in their language (Thai or English) and
the staff alert texts. Pure: no I/O, no clock."""

from services.notifications.messages.customer_emails import (
    attachment_filename,
    damage_charges_email,
    deposit_returned_email,
    language_of,
    payment_receipt_email,
)
from services.notifications.messages.staff_alerts import (
    dead_letter_alert,
    duplicate_slip_alert,
    invoice_overdue_alert,
    notice_failed_alert,
    payment_reported_alert,
    render_failed_alert,
    retained_deposit_alert,
    return_overdue_alert,
    staff_alert_email,
)

__all__ = [
    "attachment_filename",
    "damage_charges_email",
    "dead_letter_alert",
    "deposit_returned_email",
    "duplicate_slip_alert",
    "invoice_overdue_alert",
    "language_of",
    "notice_failed_alert",
    "payment_receipt_email",
    "payment_reported_alert",
    "render_failed_alert",
    "retained_deposit_alert",
    "return_overdue_alert",
    "staff_alert_email",
]
