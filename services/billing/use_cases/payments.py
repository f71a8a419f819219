"""Payments on invoices (RC), their proofs, and pre-payments on jobs not yet started (PREREC)."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from services.billing.adapters.invoices import Proof
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import (
    Invoice,
    Payment,
    PaymentReport,
    Prepayment,
    ProofNotFound,
    ReportNotOnInvoice,
    UnknownJob,
    check_prepayment,
)
from services.billing.use_cases._common import audit, load_invoice, next_number, record, staff_ref
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts import billing as events
from shared.contracts.deposits import CollectionMethod
from shared.contracts.documents import DocumentKind
from shared.images import accept_image


async def _report_for(
    uow: BillingUnitOfWork, invoice: Invoice, report_id: UUID | None
) -> PaymentReport | None:
    if report_id is None:
        return None
    report = await uow.reports.get(invoice.tenant_id, report_id, for_update=True)
    if report is None:
        raise ReportNotOnInvoice("No such payment report", field="report_id")
    report.check_on(invoice.id)
    return report


async def record_payment(
    *,
    uow: BillingUnitOfWork,
    staff: Principal,
    invoice_id: UUID,
    amount: Decimal | None,
    method: CollectionMethod,
    reference: str,
    paid_on: date | None,
    report_id: UUID | None,
    now: datetime,
) -> Invoice:
    """Records money received on a sent invoice and issues its RC receipt; the amount defaults to
    the balance and never exceeds it. The invoice row stays locked until commit, so two payments at
    once queue and the second sees the first's balance. A payment against a customer's report
    closes that report in the same transaction."""
    invoice = await load_invoice(uow, staff, invoice_id, for_update=True)
    report = await _report_for(uow, invoice, report_id)
    tenant = await uow.reference.tenant(invoice.tenant_id)
    today = local_date(now, tenant.timezone)
    amount = invoice.balance if amount is None else amount
    paid_on = paid_on or today
    invoice.check_payment(amount, paid_on, today)
    payment = Payment(
        id=uuid4(),
        receipt_number=await next_number(
            uow, invoice.tenant_id, tenant, invoice.branch_id, DocumentKind.RECEIPT, now
        ),
        amount=amount,
        method=method,
        reference=reference,
        paid_on=paid_on,
        recorded_at=now,
        recorded_by=staff.actor,
        report_id=report_id,
    )
    invoice.record_payment(payment, today)
    await uow.invoices.add_payment(invoice, payment)
    await uow.invoices.save_state(invoice)
    assert invoice.number is not None
    fact = events.PaymentRecorded(
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        job_id=invoice.job_id,
        payment_id=payment.id,
        receipt_number=payment.receipt_number,
        amount=amount,
        method=method,
        reference=reference,
        paid_on=paid_on,
        recorded_by=staff_ref(staff.actor),
        paid_total=invoice.paid_total,
        balance=invoice.balance,
        status=invoice.status,
        report_id=report_id,
    )
    details = {
        "receipt": payment.receipt_number,
        "amount": str(amount),
        "method": method.value,
        "reference": reference,
        "paid_on": paid_on.isoformat(),
        "report_id": str(report_id) if report_id else None,
    }
    await record(
        uow,
        fact,
        tenant_id=invoice.tenant_id,
        branch_id=invoice.branch_id,
        subject_type="invoice",
        subject_id=invoice.id,
        actor=staff.actor,
        now=now,
        details=details,
    )
    if report is not None:
        report.record(payment.id, at=now, by=staff.actor)
        await uow.reports.save_closing(report)
        closed = events.PaymentReportClosed(
            report_id=report.id,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            customer_id=invoice.customer_id,
            outcome="recorded",
            payment_id=payment.id,
            closed_by=staff_ref(staff.actor),
        )
        await record(
            uow,
            closed,
            tenant_id=invoice.tenant_id,
            branch_id=invoice.branch_id,
            subject_type="payment_report",
            subject_id=report.id,
            key=invoice.id,
            actor=staff.actor,
            now=now,
            details={"outcome": "recorded", "receipt": payment.receipt_number},
        )
    return invoice


async def attach_proof(
    *,
    uow: BillingUnitOfWork,
    staff: Principal,
    invoice_id: UUID,
    payment_id: UUID,
    content: bytes,
    now: datetime,
) -> Invoice:
    """Keeps an image proving a payment (a slip or a photo of a cheque), accepted by its bytes."""
    invoice = await load_invoice(uow, staff, invoice_id, for_update=False)
    invoice.payment(payment_id)
    image = accept_image(content, field="file")
    sha256 = hashlib.sha256(image.content).hexdigest()
    await uow.invoices.save_proof(invoice.tenant_id, payment_id, image, sha256, now, staff.actor)
    await audit(
        uow,
        tenant_id=invoice.tenant_id,
        subject_type="invoice",
        subject_id=invoice.id,
        action="payment.proof_attached",
        actor=staff.actor,
        now=now,
        details={"payment_id": str(payment_id), "content_type": image.content_type, "sha256": sha256},
    )
    return await load_invoice(uow, staff, invoice_id, for_update=False)


async def payment_proof(
    *, uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, payment_id: UUID
) -> Proof:
    invoice = await load_invoice(uow, staff, invoice_id, for_update=False)
    invoice.payment(payment_id)
    proof = await uow.invoices.proof(invoice.tenant_id, payment_id)
    if proof is None:
        raise ProofNotFound("No proof was uploaded for this payment")
    return proof


async def record_prepayment(
    *,
    uow: BillingUnitOfWork,
    staff: Principal,
    job_id: str,
    branch_id: str | None,
    amount: Decimal,
    method: CollectionMethod,
    reference: str,
    paid_on: date | None,
    now: datetime,
) -> Prepayment:
    """Records money received for a job that has not started and issues its PREREC receipt. The
    amount includes VAT at the rate in effect on the payment date; the job's invoice shows it below
    its totals when sent."""
    job = await uow.reference.job(staff.tenant_id, job_id)
    if job is None:
        raise UnknownJob(f"No job {job_id} is known for this business", field="job_id")
    branch = job.branch_for(branch_id)
    staff.require_branch(branch, what="Job")
    tenant = await uow.reference.tenant(staff.tenant_id)
    today = local_date(now, tenant.timezone)
    paid_on = paid_on or today
    check_prepayment(job, paid_on=paid_on, today=today)
    vat = tenant.vat_on(paid_on, field="paid_on")
    prepayment = Prepayment(
        id=uuid4(),
        tenant_id=staff.tenant_id,
        branch_id=branch,
        customer_id=job.customer_id,
        job_id=job_id,
        receipt_number=await next_number(
            uow, staff.tenant_id, tenant, branch, DocumentKind.PREPAYMENT_RECEIPT, now
        ),
        amount=amount,
        vat=vat,
        vat_amount=vat.included_in(amount),
        method=method,
        reference=reference,
        paid_on=paid_on,
        recorded_at=now,
        recorded_by=staff.actor,
    )
    await uow.prepayments.add(prepayment)
    fact = events.PrepaymentRecorded(
        prepayment_id=prepayment.id,
        receipt_number=prepayment.receipt_number,
        customer_id=prepayment.customer_id,
        job_id=job_id,
        amount=amount,
        vat=events.VatBreakdown(rate=vat.rate, rounding=vat.rounding),
        vat_amount=prepayment.vat_amount,
        method=method,
        reference=reference,
        paid_on=paid_on,
        recorded_by=staff_ref(staff.actor),
    )
    details = {
        "receipt": prepayment.receipt_number,
        "job_id": job_id,
        "amount": str(amount),
        "vat_amount": str(prepayment.vat_amount),
        "method": method.value,
        "reference": reference,
    }
    await record(
        uow,
        fact,
        tenant_id=staff.tenant_id,
        branch_id=branch,
        subject_type="prepayment",
        subject_id=prepayment.id,
        actor=staff.actor,
        now=now,
        details=details,
    )
    return prepayment


async def list_prepayments(*, uow: BillingUnitOfWork, staff: Principal, job_id: str) -> list[Prepayment]:
    """A job's pre-payments in the staff member's branches, applied or not."""
    found = await uow.prepayments.on_job(staff.tenant_id, job_id)
    return [p for p in found if staff.can_see_branch(p.branch_id)]
