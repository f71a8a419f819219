"""The projection of deposits', documents' and billing's events into the read model. Each use case
runs inside the consumer's unit of work, once per event, and keeps only what a customer may see;
`event.time` orders the snapshots, so an older event never overwrites a newer one."""

from decimal import Decimal

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import PaymentReport, ReportStatus
from shared.contracts import billing
from shared.contracts import deposits as deposit_events
from shared.contracts.documents import DocumentKind, DocumentRendered
from shared.contracts.envelope import EventContext
from shared.money import ZERO

DepositFact = (
    deposit_events.DepositRequested
    | deposit_events.DepositCollected
    | deposit_events.DepositReturned
    | deposit_events.DepositReturnVoided
)


async def _ensure_deposit(
    uow: PortalUnitOfWork, event: EventContext, fact: DepositFact, amount_requested: Decimal
) -> None:
    await uow.read_model.ensure_deposit(
        event.tenant_id,
        fact.deposit_id,
        customer_id=fact.customer_id,
        job_id=fact.job_id,
        number=fact.deposit_number,
        status=fact.status,
        amount_requested=amount_requested,
        as_of=event.time,
    )


async def apply_deposit_requested(
    *, uow: PortalUnitOfWork, event: EventContext, fact: deposit_events.DepositRequested
) -> None:
    await _ensure_deposit(uow, event, fact, fact.amount)
    await uow.read_model.update_deposit(
        event.tenant_id, fact.deposit_id, amount_requested=fact.amount, requested_on=fact.requested_on
    )
    await uow.read_model.move_deposit(event.tenant_id, fact.deposit_id, fact.status, event.time)


async def apply_deposit_collected(
    *, uow: PortalUnitOfWork, event: EventContext, fact: deposit_events.DepositCollected
) -> None:
    await _ensure_deposit(uow, event, fact, fact.amount_requested)
    await uow.read_model.update_deposit(
        event.tenant_id, fact.deposit_id, amount_requested=fact.amount_requested
    )
    await uow.read_model.record_collected(event.tenant_id, fact.deposit_id, fact.total_collected)
    await uow.read_model.move_deposit(event.tenant_id, fact.deposit_id, fact.status, event.time)
    await uow.read_model.save_receipt(
        event.tenant_id,
        DocumentKind.DEPOSIT_RECEIPT,
        fact.receipt_number,
        customer_id=fact.customer_id,
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
        issued_on=fact.collected_on,
        amount=fact.amount,
        method=fact.method.value,
        reference=fact.reference,
    )


async def apply_deposit_returned(
    *, uow: PortalUnitOfWork, event: EventContext, fact: deposit_events.DepositReturned
) -> None:
    await _ensure_deposit(uow, event, fact, fact.held_amount)
    void = await uow.read_model.save_receipt(
        event.tenant_id,
        DocumentKind.DEPOSIT_RETURN_RECEIPT,
        fact.receipt_number,
        customer_id=fact.customer_id,
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
        issued_on=fact.returned_on,
        amount=fact.returned_amount,
        method=fact.method.value if fact.method else None,
        reference=fact.reference,
        retained_amount=fact.retained_amount,
        reason=fact.reason,
    )
    if not void:  # a void that arrived first wins: the return is not live
        await uow.read_model.update_deposit(
            event.tenant_id,
            fact.deposit_id,
            return_id=fact.return_id,
            return_receipt_number=fact.receipt_number,
            return_kind=fact.kind.value,
            returned_amount=fact.returned_amount,
            retained_amount=fact.retained_amount,
            return_reason=fact.reason,
            returned_on=fact.returned_on,
            return_method=fact.method.value if fact.method else None,
            return_reference=fact.reference,
        )
    await uow.read_model.move_deposit(event.tenant_id, fact.deposit_id, fact.status, event.time)


async def apply_return_voided(
    *, uow: PortalUnitOfWork, event: EventContext, fact: deposit_events.DepositReturnVoided
) -> None:
    await _ensure_deposit(uow, event, fact, ZERO)
    await uow.read_model.void_receipt(
        event.tenant_id,
        DocumentKind.DEPOSIT_RETURN_RECEIPT,
        fact.receipt_number,
        customer_id=fact.customer_id,
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
    )
    await uow.read_model.clear_return(event.tenant_id, fact.deposit_id, fact.return_id)
    await uow.read_model.move_deposit(event.tenant_id, fact.deposit_id, fact.status, event.time)


async def apply_document_rendered(
    *, uow: PortalUnitOfWork, event: EventContext, fact: DocumentRendered
) -> None:
    """The latest version of each document wins, whichever version arrives last. It keeps the job it
    belongs to (for the job's page) and its page count in each language (its page images)."""
    await uow.read_model.save_document(
        event.tenant_id,
        {
            "document_id": fact.document_id,
            "customer_id": fact.customer_id,
            "kind": fact.kind.value,
            "number": fact.number,
            "version": fact.version,
            "status": fact.status,
            "issued_on": fact.issued_on,
            "amount": fact.amount,
            "reference": fact.reference,
            "related_number": fact.related_number,
            "languages": sorted({f.language for f in fact.files}),
            "job_id": fact.job_id,
            "pages": {f.language: f.pages for f in fact.files if f.pages},
        },
    )


# Billing -------------------------------------------------------------------------------------------


async def apply_invoice_sent(
    *, uow: PortalUnitOfWork, event: EventContext, fact: billing.InvoiceSent
) -> None:
    """The invoice as sent; a newer payment already heard of keeps its amounts."""
    await uow.invoices.save_sent(
        event.tenant_id,
        fact.invoice_id,
        customer_id=fact.customer_id,
        number=fact.number,
        header={
            "kind": fact.kind.value,
            "branch_id": event.branch_id,
            "job_id": fact.job_id,
            "issue_date": fact.issue_date,
            "due_date": fact.due_date,
            "total": fact.total,
            "prepayments": [
                {
                    "receipt_number": p.receipt_number,
                    "amount": str(p.amount),
                    "paid_on": p.paid_on.isoformat(),
                }
                for p in fact.prepayments
            ],
        },
        amounts={
            "paid_total": fact.paid_total,
            "balance": fact.balance,
            # The event names no status; this is the one billing stores for these amounts.
            "status": (
                billing.InvoiceStatus.PAID if fact.balance <= ZERO else billing.InvoiceStatus.SENT
            ).value,
        },
        as_of=event.time,
    )


async def apply_payment_recorded(
    *, uow: PortalUnitOfWork, event: EventContext, fact: billing.PaymentRecorded
) -> None:
    await uow.invoices.save_amounts(
        event.tenant_id,
        fact.invoice_id,
        customer_id=fact.customer_id,
        number=fact.invoice_number,
        paid_total=fact.paid_total,
        balance=fact.balance,
        status=fact.status.value,
        as_of=event.time,
    )
    await uow.read_model.save_receipt(
        event.tenant_id,
        DocumentKind.RECEIPT,
        fact.receipt_number,
        customer_id=fact.customer_id,
        invoice_id=fact.invoice_id,
        invoice_number=fact.invoice_number,
        issued_on=fact.paid_on,
        amount=fact.amount,
        method=fact.method.value,
        reference=fact.reference,
    )
    if fact.report_id is not None:
        await uow.invoices.close_report(
            event.tenant_id,
            fact.report_id,
            invoice_id=fact.invoice_id,
            customer_id=fact.customer_id,
            status=ReportStatus.RECORDED,
            closed_at=event.time,
        )


async def apply_prepayment_recorded(
    *, uow: PortalUnitOfWork, event: EventContext, fact: billing.PrepaymentRecorded
) -> None:
    await uow.read_model.save_receipt(
        event.tenant_id,
        DocumentKind.PREPAYMENT_RECEIPT,
        fact.receipt_number,
        customer_id=fact.customer_id,
        issued_on=fact.paid_on,
        amount=fact.amount,
        method=fact.method.value,
        reference=fact.reference,
    )


async def apply_tax_invoice_issued(
    *, uow: PortalUnitOfWork, event: EventContext, fact: billing.TaxInvoiceIssued
) -> None:
    """Each invoice the tax invoice covers offers it as its own download (retained deposit amounts
    it covers show only among the documents)."""
    for covered in fact.invoices:
        await uow.invoices.save_tax_invoice(
            event.tenant_id,
            covered.invoice_id,
            customer_id=fact.customer_id,
            number=covered.number,
            tax_invoice_number=fact.number,
            as_of=event.time,
        )


async def apply_report_received(
    *, uow: PortalUnitOfWork, event: EventContext, fact: billing.PaymentReportReceived
) -> None:
    """Billing took a report: normally the portal's own, already here; kept if it is not."""
    report = PaymentReport(
        report_id=fact.report_id,
        invoice_id=fact.invoice_id,
        status=ReportStatus.OPEN,
        amount=fact.amount,
        reported_at=fact.reported_at,
        slip_id=fact.slip_id,
        slip_reference=fact.slip_reference,
    )
    await uow.invoices.ensure_report(event.tenant_id, fact.customer_id, report)


async def apply_report_closed(
    *, uow: PortalUnitOfWork, event: EventContext, fact: billing.PaymentReportClosed
) -> None:
    """Recorded (the payment shows) or dismissed (the customer may report again)."""
    await uow.invoices.close_report(
        event.tenant_id,
        fact.report_id,
        invoice_id=fact.invoice_id,
        customer_id=fact.customer_id,
        status=ReportStatus(fact.outcome),
        closed_at=event.time,
    )


async def forget_read_model(*, uow: PortalUnitOfWork, consumer: str) -> None:
    """The first step of a rebuild from the topics, in one transaction: the projected tables empty
    and the consumer's record of applied events gone, so every event applies again."""
    await uow.read_model.clear()
    await uow.processed.forget(consumer)
