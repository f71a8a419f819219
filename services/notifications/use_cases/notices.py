"""Customer notices: the facts that open them and the rendered documents that complete them."""

from uuid import UUID, uuid4

from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import (
    ChargeLine,
    DamageFacts,
    DocumentRef,
    Notice,
    NoticeFacts,
    NoticeKind,
    PaymentFacts,
    Retention,
    ReturnFacts,
)
from services.notifications.use_cases.common import (
    ATTACHABLE_KINDS,
    NO_EMAIL,
    RECEIPT_VERSION,
    usable_address,
)
from shared.context import Trace
from shared.contracts.billing import InvoiceKind, PaymentRecorded, PrepaymentRecorded, TaxInvoiceIssued
from shared.contracts.deposits import DepositReturned, DepositReturnVoided
from shared.contracts.documents import DocumentRendered
from shared.contracts.envelope import EventContext


def _return_facts(fact: DepositReturned) -> ReturnFacts:
    return ReturnFacts(
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
        receipt_number=fact.receipt_number,
        kind=fact.kind.value,
        held_amount=fact.held_amount,
        returned_amount=fact.returned_amount,
        retained_amount=fact.retained_amount,
        reason=fact.reason,
        method=fact.method.value if fact.method else None,
        reference=fact.reference,
        returned_on=fact.returned_on,
    )


async def _open_customer_notice(
    uow: NotificationsUnitOfWork,
    event: EventContext,
    *,
    kind: NoticeKind,
    customer_id: str,
    number: str,
    facts: NoticeFacts,
) -> Notice | None:
    """Opens the customer's one notice of this kind about `number`, attaching the documents already
    rendered; it waits for the rest. None when the notice already exists."""
    tenant_id = event.tenant_id
    await uow.notices.lock_numbers(tenant_id, [number, *(ref.number for ref in facts.documents)])
    if await uow.notices.for_receipt(tenant_id, kind, number):
        return None
    rendered: dict[DocumentRef, UUID] = {}
    for ref in facts.documents:
        found = await uow.reference.rendered(
            tenant_id, kind=ref.kind.value, number=ref.number, version=RECEIPT_VERSION
        )
        if found is not None:
            rendered[ref] = found.document_id
    notice = Notice.to_customer(
        id=uuid4(),
        tenant_id=tenant_id,
        branch_id=event.branch_id,
        kind=kind,
        customer_id=customer_id,
        number=number,
        facts=facts,
        rendered=rendered,
        now=event.now,
        trace=Trace.current(),
    )
    customer = await uow.reference.customer(tenant_id, customer_id)
    if customer is not None and not usable_address(customer.email):
        notice.skip(NO_EMAIL)
    await uow.notices.add(notice)
    return notice


async def record_deposit_returned(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: DepositReturned
) -> Notice | None:
    """Opens the customer's one "deposit returned" notice for this receipt; it waits for the DEPRR
    PDF unless that was announced first. None when the notice already exists."""
    return await _open_customer_notice(
        uow,
        event,
        kind=NoticeKind.DEPOSIT_RETURNED,
        customer_id=fact.customer_id,
        number=fact.receipt_number,
        facts=_return_facts(fact),
    )


async def record_payment_recorded(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: PaymentRecorded
) -> Notice | None:
    """Opens the customer's one email of this RC receipt; it waits for the receipt's PDF."""
    facts = PaymentFacts(
        receipt_number=fact.receipt_number,
        prepayment=False,
        amount=fact.amount,
        method=fact.method.value,
        reference=fact.reference,
        paid_on=fact.paid_on,
        invoice_number=fact.invoice_number,
        balance=fact.balance,
        job_id=fact.job_id,
        invoice_id=fact.invoice_id,
    )
    return await _open_customer_notice(
        uow,
        event,
        kind=NoticeKind.PAYMENT_RECEIPT,
        customer_id=fact.customer_id,
        number=fact.receipt_number,
        facts=facts,
    )


async def record_prepayment_recorded(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: PrepaymentRecorded
) -> Notice | None:
    """Opens the customer's one email of this PREREC receipt; it waits for the receipt's PDF."""
    facts = PaymentFacts(
        receipt_number=fact.receipt_number,
        prepayment=True,
        amount=fact.amount,
        method=fact.method.value,
        reference=fact.reference,
        paid_on=fact.paid_on,
        job_id=fact.job_id,
        vat_amount=fact.vat_amount,
    )
    return await _open_customer_notice(
        uow,
        event,
        kind=NoticeKind.PREPAYMENT_RECEIPT,
        customer_id=fact.customer_id,
        number=fact.receipt_number,
        facts=facts,
    )


async def record_tax_invoice_issued(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: TaxInvoiceIssued
) -> Notice | None:
    """A tax invoice on damage invoices or retained deposits opens the customer's one email with
    the damage invoices, the tax invoice and the DEPRRs, sent once every one of them is rendered.
    None for any other tax invoice, or when the notice already exists."""
    damage_invoices: dict[str, UUID] = {}
    for covered in fact.invoices:
        if covered.kind is InvoiceKind.DAMAGE:
            damage_invoices.setdefault(covered.number, covered.invoice_id)
    if not damage_invoices and not fact.retentions:
        return None
    facts = DamageFacts(
        tax_invoice_number=fact.number,
        issue_date=fact.issue_date,
        job_id=fact.job_id,
        damage_invoice_numbers=tuple(damage_invoices),
        damage_invoice_ids=tuple(damage_invoices.values()),
        retentions=tuple(
            Retention(r.deposit_number, r.return_receipt_number, r.amount) for r in fact.retentions
        ),
        lines=tuple(ChargeLine(line.description, line.amount) for line in fact.lines),
        amount_before_vat=fact.amount_before_vat,
        vat_rate=fact.vat.rate,
        vat_amount=fact.vat_amount,
        total=fact.total,
    )
    return await _open_customer_notice(
        uow,
        event,
        kind=NoticeKind.DAMAGE_CHARGES,
        customer_id=fact.customer_id,
        number=fact.number,
        facts=facts,
    )


async def record_document_rendered(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: DocumentRendered
) -> list[Notice]:
    """Remembers an issued document a notice may attach, and hands it to every notice waiting for
    it; those that have all their documents now become due. Returns the notices it updated."""
    if fact.kind not in ATTACHABLE_KINDS:
        return []
    await uow.notices.lock_numbers(event.tenant_id, [fact.number])
    await uow.reference.save_rendered(
        event.tenant_id,
        kind=fact.kind.value,
        number=fact.number,
        version=fact.version,
        document_id=fact.document_id,
        status=fact.status,
        languages=[f.language for f in fact.files],
    )
    if fact.status != "issued" or fact.version != RECEIPT_VERSION:
        return []
    document = DocumentRef(fact.kind, fact.number)
    updated = []
    for notice in await uow.notices.waiting_for(event.tenant_id, document):
        if notice.attach(document, fact.document_id, event.now):
            await uow.notices.save(notice)
            updated.append(notice)
    return updated


async def cancel_voided_return_notice(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: DepositReturnVoided
) -> bool:
    """A return voided before its email went out is not announced; one already sent stays sent."""
    await uow.notices.lock_numbers(event.tenant_id, [fact.receipt_number])
    notice = await uow.notices.for_receipt(
        event.tenant_id, NoticeKind.DEPOSIT_RETURNED, fact.receipt_number, for_update=True
    )
    if notice is None or not notice.cancel(f"The return {fact.receipt_number} was voided: {fact.reason}"):
        return False
    await uow.notices.save(notice)
    return True
