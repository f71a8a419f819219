"""Staff alerts: one inbox line per source event, emailed once to the billing staff."""

from datetime import datetime
from typing import Protocol
from uuid import UUID, uuid4, uuid5

from services.notifications import messages
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import Alert, AlertText, Notice, Tenant
from shared.context import Trace
from shared.contracts.billing import InvoiceOverdue, PaymentReportReceived
from shared.contracts.deposits import DepositReturned, DepositReturnOverdue
from shared.contracts.documents import DocumentRenderFailed
from shared.contracts.envelope import EventContext
from shared.contracts.operations import EventDeadLettered

# Source ids of a second alert from one event: derived from the event's id, so it is raised once too.
_DUPLICATE_SLIP = UUID("8b2e6f10-4c3a-4d57-a1e9-2f7c0b5d9e63")


class SlipLink(Protocol):
    """Where staff open a customer's slip from an alert (`shared.contracts.slips.signed_slip_link`
    with the portal's URL and the signing secret bound)."""

    def __call__(self, slip_id: UUID, *, tenant_id: str) -> str: ...


async def raise_alert(
    *,
    uow: NotificationsUnitOfWork,
    text: AlertText,
    tenant_id: str,
    branch_id: str | None,
    source_event_id: UUID,
    now: datetime,
) -> Alert | None:
    """Adds one inbox alert per source event and queues one email of it to the billing staff (unless
    the business is known to have none; if its settings have not arrived, the email waits for
    them); None when the source event already raised its alert."""
    alert = Alert.of(
        text, id=uuid4(), tenant_id=tenant_id, branch_id=branch_id, source_event_id=source_event_id, now=now
    )
    if not await uow.alerts.add(alert):
        return None
    tenant = await uow.reference.tenant(tenant_id)
    if tenant is None or tenant.billing_staff_emails:
        await uow.notices.add(Notice.staff_alert(id=uuid4(), alert=alert, now=now, trace=Trace.current()))
    return alert


async def _alert_of_event(
    uow: NotificationsUnitOfWork, event: EventContext, text: AlertText, *, source_event_id: UUID | None = None
) -> Alert | None:
    """Raises the alert an event causes, in the event's tenant and branch; its source is the event
    unless a second alert of the same event names its own."""
    return await raise_alert(
        uow=uow,
        text=text,
        tenant_id=event.tenant_id,
        branch_id=event.branch_id,
        source_event_id=source_event_id or event.id,
        now=event.now,
    )


async def alert_return_overdue(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: DepositReturnOverdue
) -> Alert | None:
    text = messages.return_overdue_alert(
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
        job_closed_on=fact.job_closed_on,
        due_on=fact.due_on,
        held_amount=fact.held_amount,
    )
    return await _alert_of_event(uow, event, text)


async def alert_render_failed(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: DocumentRenderFailed
) -> Alert | None:
    text = messages.render_failed_alert(
        document_id=fact.document_id,
        kind=fact.kind.value,
        number=fact.number,
        version=fact.version,
        attempts=fact.attempts,
        error=fact.error,
    )
    return await _alert_of_event(uow, event, text)


async def alert_dead_lettered(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: EventDeadLettered
) -> Alert | None:
    text = messages.dead_letter_alert(
        consumer=fact.consumer,
        original_topic=fact.original_topic,
        partition=fact.partition,
        offset=fact.offset,
        original_event_id=fact.original_event_id,
        original_event_type=fact.original_event_type,
        error=fact.error,
    )
    return await _alert_of_event(uow, event, text)


async def _customer_name(uow: NotificationsUnitOfWork, tenant_id: str, customer_id: str) -> str:
    customer = await uow.reference.customer(tenant_id, customer_id)
    return customer.name if customer and customer.name else f"Customer {customer_id}"


async def alert_payment_reported(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: PaymentReportReceived, slip_link: SlipLink
) -> list[Alert]:
    """Tells staff a customer reported paying an invoice (amount, customer, a link to the slip),
    and, when the same slip was reported for other invoices, that it may be a duplicate. One of
    each per source event; returns the alerts raised now."""
    name = fact.customer_name or await _customer_name(uow, event.tenant_id, fact.customer_id)
    slip_url = slip_link(fact.slip_id, tenant_id=event.tenant_id) if fact.slip_id else None
    tenant = await uow.reference.tenant(event.tenant_id) or Tenant(event.tenant_id)
    texts = [
        (
            event.id,
            messages.payment_reported_alert(
                invoice_id=fact.invoice_id,
                invoice_number=fact.invoice_number,
                customer_name=name,
                amount=fact.amount,
                reported_at=fact.reported_at,
                timezone=tenant.timezone,
                slip_url=slip_url,
                slip_reference=fact.slip_reference,
            ),
        )
    ]
    if fact.same_slip_on:
        texts.append(
            (
                uuid5(_DUPLICATE_SLIP, str(event.id)),
                messages.duplicate_slip_alert(
                    invoice_id=fact.invoice_id,
                    invoice_number=fact.invoice_number,
                    customer_name=name,
                    slip_reference=fact.slip_reference,
                    other_invoices=fact.same_slip_on,
                    slip_url=slip_url,
                ),
            )
        )
    raised = []
    for source_event_id, text in texts:
        alert = await _alert_of_event(uow, event, text, source_event_id=source_event_id)
        if alert is not None:
            raised.append(alert)
    return raised


async def alert_retained_deposit(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: DepositReturned
) -> Alert | None:
    """A partial return or forfeit keeps money, which is taxable: staff are asked for a tax invoice.
    None for a full return, or when the event already raised its alert."""
    if fact.retained_amount <= 0:
        return None
    text = messages.retained_deposit_alert(
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
        receipt_number=fact.receipt_number,
        kind=fact.kind.value,
        retained_amount=fact.retained_amount,
        reason=fact.reason,
        returned_on=fact.returned_on,
    )
    return await _alert_of_event(uow, event, text)


async def alert_invoice_overdue(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: InvoiceOverdue
) -> Alert | None:
    text = messages.invoice_overdue_alert(
        invoice_id=fact.invoice_id,
        invoice_number=fact.invoice_number,
        customer_name=await _customer_name(uow, event.tenant_id, fact.customer_id),
        due_date=fact.due_date,
        balance=fact.balance,
    )
    return await _alert_of_event(uow, event, text)
