"""What staff read: the alert texts (in English) and their email. Pure: no I/O, no clock."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from services.notifications.domain import (
    Alert,
    AlertKind,
    AlertText,
    Email,
    Tenant,
)
from shared.labels import DOCUMENT_KINDS, RETURN_KINDS, label
from shared.money import format_thb
from shared.thai import format_date


def staff_alert_email(alert: Alert, tenant: Tenant) -> Email:
    business = tenant.business_name("en")
    footer = f"— Mudjam staff alerts for {business}" if business else "— Mudjam staff alerts"
    link = f"\n\n{alert.link}" if alert.link and alert.link not in alert.body else ""
    return Email(subject=alert.title, body=f"{alert.body}{link}\n\n{footer}\n")


def return_overdue_alert(
    *, deposit_id: UUID, deposit_number: str, job_closed_on: date, due_on: date, held_amount: Decimal
) -> AlertText:
    return AlertText(
        kind=AlertKind.DEPOSIT_RETURN_OVERDUE,
        title=f"Deposit {deposit_number} return overdue — due {format_date(due_on, 'en')}",
        body=f"The job closed on {format_date(job_closed_on, 'en')} and {format_thb(held_amount)} is still "
        f"held. Deposits should be returned within 5 business days of the job closing.",
        link=f"/v1/deposits/{deposit_id}",
    )


def render_failed_alert(
    *, document_id: UUID, kind: str, number: str, version: int, attempts: int, error: str
) -> AlertText:
    return AlertText(
        kind=AlertKind.DOCUMENT_RENDER_FAILED,
        title=f"Could not render {number}",
        body=f"The {label(DOCUMENT_KINDS, kind, 'en')} {number} (version {version}) could not be rendered "
        f"after {attempts} attempts. Error: {error}",
        link=f"/v1/documents/{document_id}",
    )


def dead_letter_alert(
    *,
    consumer: str,
    original_topic: str,
    partition: int,
    offset: int,
    original_event_id: str | None,
    original_event_type: str | None,
    error: str,
) -> AlertText:
    what = (
        f"The event {original_event_type} {original_event_id}"
        if original_event_type
        else "An unreadable message"
    )
    return AlertText(
        kind=AlertKind.EVENT_DEAD_LETTERED,
        title=f"An event could not be processed by {consumer}",
        # The consumer dead-letters an unprocessable event at once and others after their retries,
        # and the dead-letter event does not say which: the text holds for both.
        body=f"{what} on {original_topic} (partition {partition}, offset {offset}) could not be "
        f"applied and was moved to the dead-letter topic; the consumer has moved on. Reason: {error}",
        link=None,
    )


def notice_failed_alert(
    *, receipt_number: str | None, customer_name: str, customer_id: str | None, attempts: int, error: str
) -> AlertText:
    return AlertText(
        kind=AlertKind.NOTICE_FAILED,
        title=f"Could not email {receipt_number or 'a notice'} to {customer_name}",
        body=f"The email to the customer failed {attempts} times and will not be retried. "
        f"Last error: {error} Please send it another way.",
        link=f"/v1/notices?customer_id={customer_id}" if customer_id else "/v1/notices",
    )


def _moment(at: datetime, timezone: str) -> str:
    """The moment on the business's clock, naming the clock ("Bangkok time")."""
    local = at.astimezone(ZoneInfo(timezone))
    place = timezone.rsplit("/", 1)[-1].replace("_", " ")
    return f"{format_date(local.date(), 'en')} at {local:%H:%M} ({place} time)"


def payment_reported_alert(
    *,
    invoice_id: UUID,
    invoice_number: str,
    customer_name: str,
    amount: Decimal,
    reported_at: datetime,
    timezone: str,
    slip_url: str | None,
    slip_reference: str | None,
) -> AlertText:
    lines = [
        f"{customer_name} reported paying {format_thb(amount)} for {invoice_number} "
        f"on {_moment(reported_at, timezone)}.",
        "Check the bank account, then record the payment against the report, or dismiss it with a reason. "
        "The invoice stays unpaid until a payment is recorded.",
    ]
    if slip_url:
        lines.append(f"Slip: {slip_url}")
    else:
        lines.append("No slip was attached.")
    if slip_reference:
        lines.append(f"Slip reference: {slip_reference}")
    return AlertText(
        kind=AlertKind.PAYMENT_REPORTED,
        title=f"Customer reported payment for {invoice_number}",
        body="\n".join(lines),
        link=slip_url or f"/v1/invoices/{invoice_id}",
    )


def duplicate_slip_alert(
    *,
    invoice_id: UUID,
    invoice_number: str,
    customer_name: str,
    slip_reference: str | None,
    other_invoices: list[str],
    slip_url: str | None,
) -> AlertText:
    reference = f" (reference {slip_reference})" if slip_reference else ""
    lines = [
        f"The slip {customer_name} reported for {invoice_number}{reference} was also reported for "
        f"{', '.join(other_invoices)}.",
        "One transfer can pay only once: check the bank account before recording any of these payments.",
    ]
    if slip_url:
        lines.append(f"Slip: {slip_url}")
    return AlertText(
        kind=AlertKind.DUPLICATE_SLIP,
        title=f"Possible duplicate slip on {invoice_number}",
        body="\n".join(lines),
        link=slip_url or f"/v1/invoices/{invoice_id}",
    )


def retained_deposit_alert(
    *,
    deposit_id: UUID,
    deposit_number: str,
    receipt_number: str,
    kind: str,
    retained_amount: Decimal,
    reason: str,
    returned_on: date,
) -> AlertText:
    how = label(RETURN_KINDS, kind, "en").lower()
    lines = [
        f"{format_thb(retained_amount)} of deposit {deposit_number} was retained ({how}, "
        f"{receipt_number}, {format_date(returned_on, 'en')}). Reason: {reason or '—'}",
        "A retained deposit amount is taxable (VAT included in it): issue a tax invoice covering it.",
    ]
    if kind == "forfeit":
        lines.append(
            "If the damage exceeds the deposit, also issue a damage invoice for the excess on the job."
        )
    return AlertText(
        kind=AlertKind.TAX_INVOICE_DUE,
        title=f"Issue a tax invoice for {format_thb(retained_amount)} retained on {deposit_number}",
        body="\n".join(lines),
        link=f"/v1/deposits/{deposit_id}",
    )


def invoice_overdue_alert(
    *, invoice_id: UUID, invoice_number: str, customer_name: str, due_date: date, balance: Decimal
) -> AlertText:
    due = format_date(due_date, "en")
    return AlertText(
        kind=AlertKind.INVOICE_OVERDUE,
        title=f"{invoice_number} is overdue — {format_thb(balance)} due on {due}",
        body=f"{customer_name} has not paid the balance of {format_thb(balance)} on {invoice_number}, "
        f"which was due on {due}. The customer's portal shows it as Overdue.",
        link=f"/v1/invoices/{invoice_id}",
    )
