"""The projection of events into the read model. Each handler runs inside the consumer's unit of
work, once per event, and keeps only what a customer may see: private notes, asset ids and internal
notes arrive on the upstream topics and are dropped here."""

from datetime import datetime
from decimal import Decimal

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import Equipment, Job, PaymentReport, ReportStatus
from shared.contracts import billing
from shared.contracts import deposits as deposit_events
from shared.contracts.documents import DocumentKind, DocumentRendered
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated
from shared.money import ZERO

DepositFact = (
    deposit_events.DepositRequested
    | deposit_events.DepositCollected
    | deposit_events.DepositReturned
    | deposit_events.DepositReturnVoided
)


async def apply_tenant(
    *, uow: PortalUnitOfWork, tenant_id: str, settings: TenantSettingsUpdated, as_of: datetime
) -> None:
    await uow.read_model.save_tenant(
        tenant_id,
        as_of,
        business_name_en=settings.business_name_en,
        business_name_th=settings.business_name_th,
        phone=settings.phone,
        email=settings.email,
        promptpay_id=settings.promptpay_id,
        default_language=settings.default_language,
        timezone=settings.timezone,
    )


async def apply_customer(
    *, uow: PortalUnitOfWork, tenant_id: str, customer: CustomerUpserted, as_of: datetime
) -> None:
    await uow.read_model.save_customer(
        tenant_id,
        customer.customer_id,
        name=customer.name,
        preferred_language=customer.preferred_language,
        as_of=as_of,
    )


async def apply_job(
    *, uow: PortalUnitOfWork, tenant_id: str, snapshot: JobStageChanged | JobClosed, as_of: datetime
) -> None:
    job = Job(
        job_id=snapshot.job_id,
        number=snapshot.job_number,
        stage=snapshot.stage,
        start_date=snapshot.start_date,
        end_date=snapshot.end_date,
        equipment=tuple(Equipment(e.name_en, e.name_th, e.quantity) for e in snapshot.equipment),
    )
    await uow.read_model.save_job(tenant_id, snapshot.customer_id, job, as_of)


async def _ensure_deposit(
    uow: PortalUnitOfWork, tenant_id: str, fact: DepositFact, amount_requested: Decimal, as_of: datetime
) -> None:
    await uow.read_model.ensure_deposit(
        tenant_id,
        fact.deposit_id,
        customer_id=fact.customer_id,
        job_id=fact.job_id,
        number=fact.deposit_number,
        status=fact.status,
        amount_requested=amount_requested,
        as_of=as_of,
    )


async def apply_deposit_requested(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: deposit_events.DepositRequested, as_of: datetime
) -> None:
    await _ensure_deposit(uow, tenant_id, fact, fact.amount, as_of)
    await uow.read_model.update_deposit(
        tenant_id, fact.deposit_id, amount_requested=fact.amount, requested_on=fact.requested_on
    )
    await uow.read_model.move_deposit(tenant_id, fact.deposit_id, fact.status, as_of)


async def apply_deposit_collected(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: deposit_events.DepositCollected, as_of: datetime
) -> None:
    await _ensure_deposit(uow, tenant_id, fact, fact.amount_requested, as_of)
    await uow.read_model.update_deposit(tenant_id, fact.deposit_id, amount_requested=fact.amount_requested)
    await uow.read_model.record_collected(tenant_id, fact.deposit_id, fact.total_collected)
    await uow.read_model.move_deposit(tenant_id, fact.deposit_id, fact.status, as_of)
    await uow.read_model.save_receipt(
        tenant_id,
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
    *, uow: PortalUnitOfWork, tenant_id: str, fact: deposit_events.DepositReturned, as_of: datetime
) -> None:
    await _ensure_deposit(uow, tenant_id, fact, fact.held_amount, as_of)
    void = await uow.read_model.save_receipt(
        tenant_id,
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
            tenant_id,
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
    await uow.read_model.move_deposit(tenant_id, fact.deposit_id, fact.status, as_of)


async def apply_return_voided(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: deposit_events.DepositReturnVoided, as_of: datetime
) -> None:
    await _ensure_deposit(uow, tenant_id, fact, ZERO, as_of)
    await uow.read_model.void_receipt(
        tenant_id,
        DocumentKind.DEPOSIT_RETURN_RECEIPT,
        fact.receipt_number,
        customer_id=fact.customer_id,
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
    )
    await uow.read_model.clear_return(tenant_id, fact.deposit_id, fact.return_id)
    await uow.read_model.move_deposit(tenant_id, fact.deposit_id, fact.status, as_of)


async def apply_document_rendered(*, uow: PortalUnitOfWork, tenant_id: str, fact: DocumentRendered) -> None:
    """The latest version of each document wins, whichever version arrives last."""
    await uow.read_model.save_document(
        tenant_id,
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
        },
    )


# Billing -------------------------------------------------------------------------------------------


async def apply_invoice_sent(
    *,
    uow: PortalUnitOfWork,
    tenant_id: str,
    branch_id: str | None,
    fact: billing.InvoiceSent,
    as_of: datetime,
) -> None:
    """The invoice as sent; a newer payment already heard of keeps its amounts."""
    await uow.invoices.save_sent(
        tenant_id,
        fact.invoice_id,
        customer_id=fact.customer_id,
        number=fact.number,
        header={
            "kind": fact.kind.value,
            "branch_id": branch_id,
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
        as_of=as_of,
    )


async def apply_payment_recorded(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: billing.PaymentRecorded, as_of: datetime
) -> None:
    await uow.invoices.save_amounts(
        tenant_id,
        fact.invoice_id,
        customer_id=fact.customer_id,
        number=fact.invoice_number,
        paid_total=fact.paid_total,
        balance=fact.balance,
        status=fact.status.value,
        as_of=as_of,
    )
    await uow.read_model.save_receipt(
        tenant_id,
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
            tenant_id,
            fact.report_id,
            invoice_id=fact.invoice_id,
            customer_id=fact.customer_id,
            status=ReportStatus.RECORDED,
            closed_at=as_of,
        )


async def apply_prepayment_recorded(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: billing.PrepaymentRecorded
) -> None:
    await uow.read_model.save_receipt(
        tenant_id,
        DocumentKind.PREPAYMENT_RECEIPT,
        fact.receipt_number,
        customer_id=fact.customer_id,
        issued_on=fact.paid_on,
        amount=fact.amount,
        method=fact.method.value,
        reference=fact.reference,
    )


async def apply_tax_invoice_issued(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: billing.TaxInvoiceIssued, as_of: datetime
) -> None:
    """Each invoice the tax invoice covers offers it as its own download (retained deposit amounts
    it covers show only among the documents)."""
    for covered in fact.invoices:
        await uow.invoices.save_tax_invoice(
            tenant_id,
            covered.invoice_id,
            customer_id=fact.customer_id,
            number=covered.number,
            tax_invoice_number=fact.number,
            as_of=as_of,
        )


async def apply_report_received(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: billing.PaymentReportReceived
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
    await uow.invoices.ensure_report(tenant_id, fact.customer_id, report)


async def apply_report_closed(
    *, uow: PortalUnitOfWork, tenant_id: str, fact: billing.PaymentReportClosed, as_of: datetime
) -> None:
    """Recorded (the payment shows) or dismissed (the customer may report again)."""
    await uow.invoices.close_report(
        tenant_id,
        fact.report_id,
        invoice_id=fact.invoice_id,
        customer_id=fact.customer_id,
        status=ReportStatus(fact.outcome),
        closed_at=as_of,
    )
