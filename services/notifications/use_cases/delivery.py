"""The sender's use case: compose a due notice, link its invoices in the portal, attach its
documents, hand it to the relay once."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from services.notifications import messages
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import (
    CUSTOMER_NOTICES,
    Attachment,
    Customer,
    DamageFacts,
    DeliveryFailed,
    Email,
    Notice,
    NoticeDocument,
    NoticeKind,
    OutgoingEmail,
    PaymentFacts,
    ReturnFacts,
    Tenant,
    message_id_of,
)
from services.notifications.use_cases.alerts import raise_alert
from services.notifications.use_cases.common import (
    NO_EMAIL,
    NO_STAFF_EMAIL,
    RECEIPT_VERSION,
    Delivery,
    one_line,
    usable_address,
)
from shared.context import Trace

# Source ids of "could not email" alerts: derived from the notice, so each failure alerts once.
_NOTICE_FAILED = UUID("0d4b1c52-3f7e-4a8e-9c61-5a2f7b9e1d34")


@dataclass(frozen=True)
class _Composed:
    email: OutgoingEmail
    language: str


async def send_next_notice(
    *, uow: NotificationsUnitOfWork, delivery: Delivery, now: datetime
) -> Notice | None:
    """Delivers the next due notice at most once: it is claimed under a row lock other workers
    skip, and marked sent in this transaction right after the relay accepts it. A failed attempt
    is retried with backoff; after the last one the notice fails and staff are alerted.
    None when nothing is due."""
    notice = await uow.notices.claim_due(now)
    if notice is None:
        return None
    with (notice.trace or Trace.current()).bound():
        await _deliver(uow, notice, delivery, now)
    return notice


async def _deliver(uow: NotificationsUnitOfWork, notice: Notice, delivery: Delivery, now: datetime) -> None:
    tenant = await uow.reference.tenant(notice.tenant_id)
    try:
        if tenant is None:  # an email without the business's name, contact and staff is a wrong email
            raise DeliveryFailed(f"The settings of business {notice.tenant_id} have not arrived yet")
        composed = await _compose(uow, notice, tenant, delivery, now)
        if composed is not None:
            await delivery.mailer.send(composed.email)
    except DeliveryFailed as error:
        gave_up = notice.record_failure(str(error), policy=delivery.policy, now=now)
        if gave_up and notice.kind in CUSTOMER_NOTICES:
            await _alert_failed_notice(uow, notice, now)
        await uow.notices.save(notice)
        return
    if composed is not None:
        notice.mark_sent(
            message_id=composed.email.message_id,
            recipients=composed.email.recipients,
            language=composed.language,
            subject=composed.email.subject,
            now=now,
        )
    await uow.notices.save(notice)


async def _compose(
    uow: NotificationsUnitOfWork, notice: Notice, tenant: Tenant, delivery: Delivery, now: datetime
) -> _Composed | None:
    """The email a notice sends, or None when it has nobody to go to (the notice is then skipped)."""
    if notice.kind is NoticeKind.STAFF_ALERT:
        return await _compose_staff_alert(uow, notice, tenant, delivery, now)
    return await _compose_customer_notice(uow, notice, tenant, delivery, now)


def _customer_text(
    notice: Notice, customer: Customer, tenant: Tenant, language: str, invoice_links: Mapping[str, str]
) -> Email:
    match notice.facts:
        case ReturnFacts():
            return messages.deposit_returned_email(
                notice.facts, customer=customer, tenant=tenant, language=language
            )
        case PaymentFacts():
            return messages.payment_receipt_email(
                notice.facts, customer=customer, tenant=tenant, language=language, invoice_links=invoice_links
            )
        case DamageFacts():
            return messages.damage_charges_email(
                notice.facts, customer=customer, tenant=tenant, language=language, invoice_links=invoice_links
            )
    raise TypeError(f"notice {notice.id} ({notice.kind}) has no facts to write from")


def invoice_link_key(notice_id: UUID, invoice_id: UUID) -> str:
    """The portal link's idempotency key: every attempt of a notice asks for the same link, so a
    retried email carries the link the portal issued first instead of a new one each time."""
    return f"notifications:notice:{notice_id}:invoice:{invoice_id}"


async def _invoice_links(notice: Notice, delivery: Delivery) -> dict[str, str]:
    """Each invoice the email names, by number, with its link in the portal."""
    if notice.facts is None or notice.customer_id is None:
        return {}
    return {
        number: await delivery.links.invoice_link(
            tenant_id=notice.tenant_id,
            customer_id=notice.customer_id,
            invoice_id=invoice_id,
            idempotency_key=invoice_link_key(notice.id, invoice_id),
        )
        for number, invoice_id in notice.facts.linked_invoices
    }


async def _compose_customer_notice(
    uow: NotificationsUnitOfWork, notice: Notice, tenant: Tenant, delivery: Delivery, now: datetime
) -> _Composed | None:
    assert notice.customer_id is not None
    customer = await uow.reference.customer(notice.tenant_id, notice.customer_id)
    if customer is None:
        raise DeliveryFailed(f"Customer {notice.customer_id} is not known to notifications yet")
    if not usable_address(customer.email):
        notice.skip(NO_EMAIL)
        return None
    language = messages.language_of(customer.preferred_language, tenant)
    text = _customer_text(notice, customer, tenant, language, await _invoice_links(notice, delivery))
    attachments = [
        await _attachment(uow, notice, document, language, delivery) for document in notice.documents
    ]
    email = OutgoingEmail(
        message_id=message_id_of(notice.id, delivery.message_id_domain),
        sender_name=one_line(tenant.business_name(language)) or "Mudjam",
        recipients=(customer.email,),
        reply_to=tenant.email if usable_address(tenant.email) else "",
        subject=one_line(text.subject),
        body=text.body,
        date=now,
        attachments=tuple(attachments),
    )
    return _Composed(email, language)


async def _attachment(
    uow: NotificationsUnitOfWork,
    notice: Notice,
    document: NoticeDocument,
    language: str,
    delivery: Delivery,
) -> Attachment:
    """A document's first issued version as PDF, in the email's language when it was rendered in
    it, else in the first language it was rendered in."""
    assert notice.customer_id is not None
    assert document.document_id is not None
    rendered = await uow.reference.rendered(
        notice.tenant_id, kind=document.kind.value, number=document.number, version=RECEIPT_VERSION
    )
    languages = rendered.languages if rendered else ()
    pdf = await delivery.pdfs.pdf(
        tenant_id=notice.tenant_id,
        customer_id=notice.customer_id,
        document_id=document.document_id,
        language=language if language in languages or not languages else languages[0],
        version=RECEIPT_VERSION,
    )
    return Attachment(messages.attachment_filename(document.number), "application/pdf", pdf)


async def _compose_staff_alert(
    uow: NotificationsUnitOfWork, notice: Notice, tenant: Tenant, delivery: Delivery, now: datetime
) -> _Composed | None:
    assert notice.alert_id is not None
    alert = await uow.alerts.get(notice.alert_id)
    recipients = tuple(a for a in tenant.billing_staff_emails if usable_address(a))
    if alert is None or not recipients:
        notice.skip(NO_STAFF_EMAIL)
        return None
    text = messages.staff_alert_email(alert, tenant)
    email = OutgoingEmail(
        message_id=message_id_of(notice.id, delivery.message_id_domain),
        sender_name="Mudjam alerts",
        recipients=recipients,
        reply_to="",
        subject=one_line(text.subject),
        body=text.body,
        date=now,
    )
    return _Composed(email, "en")


async def _alert_failed_notice(uow: NotificationsUnitOfWork, notice: Notice, now: datetime) -> None:
    customer = await uow.reference.customer(notice.tenant_id, notice.customer_id or "")
    text = messages.notice_failed_alert(
        receipt_number=notice.receipt_number,
        customer_name=customer.name if customer else notice.customer_id or "the customer",
        customer_id=notice.customer_id,
        attempts=notice.attempts,
        error=notice.last_error or "",
    )
    await raise_alert(
        uow=uow,
        text=text,
        tenant_id=notice.tenant_id,
        branch_id=notice.branch_id,
        source_event_id=uuid5(_NOTICE_FAILED, str(notice.id)),
        now=now,
    )
