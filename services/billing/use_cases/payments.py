"""Payments on invoices (RC), their proofs, and pre-payments on jobs not yet started (PREREC)."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

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
from services.billing.use_cases.invoices import load_invoice, required_tenant
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts.deposits import CollectionMethod
from shared.contracts.documents import DocumentKind
from shared.db.proofs import StoredImage
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
    tenant = await required_tenant(uow, invoice.tenant_id)
    today = local_date(now, tenant.timezone)
    amount = invoice.balance if amount is None else amount
    paid_on = paid_on or today
    invoice.check_payment(amount, paid_on, today)
    sequence = tenant.numbering.sequence(DocumentKind.RECEIPT, branch_id=invoice.branch_id, now=now)
    payment = Payment(
        id=uuid4(),
        receipt_number=await uow.numbers.next(tenant_id=invoice.tenant_id, sequence=sequence),
        amount=amount,
        method=method,
        reference=reference,
        paid_on=paid_on,
        recorded_at=now,
        recorded_by=staff.actor,
        report_id=report_id,
    )
    recorded = invoice.record_payment(payment, today)
    await uow.invoices.add_payment(invoice, payment)
    await uow.invoices.save_state(invoice)
    await uow.record(recorded, about=invoice.subject, actor=staff.actor, at=now)
    if report is not None:
        closed = report.record(payment.id, at=now, by=staff.actor)
        await uow.reports.save_closing(report)
        await uow.record(closed, about=report.subject_on(invoice), actor=staff.actor, at=now)
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
    payment = invoice.payment(payment_id)
    image = accept_image(content, field="file")
    sha256 = hashlib.sha256(image.content).hexdigest()
    await uow.invoices.save_proof(invoice.tenant_id, payment_id, image, sha256, now, staff.actor)
    attached = payment.proof_attached(content_type=image.content_type, sha256=sha256)
    await uow.record(attached, about=invoice.subject, actor=staff.actor, at=now)
    return await load_invoice(uow, staff, invoice_id, for_update=False)


async def payment_proof(
    *, uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, payment_id: UUID
) -> StoredImage:
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
    tenant = await required_tenant(uow, staff.tenant_id)
    today = local_date(now, tenant.timezone)
    paid_on = paid_on or today
    check_prepayment(job, paid_on=paid_on, today=today)
    vat = tenant.vat_on(paid_on, field="paid_on")
    sequence = tenant.numbering.sequence(DocumentKind.PREPAYMENT_RECEIPT, branch_id=branch, now=now)
    prepayment, recorded = Prepayment.receive(
        id=uuid4(),
        job=job,
        branch_id=branch,
        receipt_number=await uow.numbers.next(tenant_id=staff.tenant_id, sequence=sequence),
        amount=amount,
        vat=vat,
        method=method,
        reference=reference,
        paid_on=paid_on,
        at=now,
        by=staff.actor,
    )
    await uow.prepayments.add(prepayment)
    await uow.record(recorded, about=prepayment.subject, actor=staff.actor, at=now)
    return prepayment


async def list_prepayments(*, uow: BillingUnitOfWork, staff: Principal, job_id: str) -> list[Prepayment]:
    """A job's pre-payments in the staff member's branches, applied or not."""
    found = await uow.prepayments.on_job(staff.tenant_id, job_id)
    return [p for p in found if staff.can_see_branch(p.branch_id)]
