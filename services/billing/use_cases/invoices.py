"""Invoices: drafted, edited and sent by staff; announced overdue once; read with their state."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from services.billing.adapters.invoices import InvoiceFilter
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import (
    BillingTenant,
    Invoice,
    InvoiceNotFound,
    LineSpec,
    PaymentReport,
    UnknownCustomer,
    check_job_of,
    damage_basis,
    price_lines,
)
from shared.actors import SYSTEM
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.documents import DocumentKind
from shared.errors import BusinessSettingsPending


async def required_tenant(uow: BillingUnitOfWork, tenant_id: str) -> BillingTenant:
    """The tenant's settings, for a command that prices, numbers or dates a document."""
    tenant = await uow.reference.tenant(tenant_id)
    if tenant is None:
        raise BusinessSettingsPending("billing")
    return tenant


async def load_invoice(
    uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, *, for_update: bool
) -> Invoice:
    """The invoice if it is in the staff member's tenant and branches; else it does not exist."""
    invoice = await uow.invoices.get(staff.tenant_id, invoice_id, for_update=for_update)
    if invoice is None or not staff.can_see_branch(invoice.branch_id):
        raise InvoiceNotFound("Invoice not found")
    return invoice


async def create_invoice(
    *,
    uow: BillingUnitOfWork,
    staff: Principal,
    branch_id: str,
    customer_id: str,
    job_id: str | None,
    kind: InvoiceKind,
    related_deposit_id: UUID | None,
    payment_terms_days: int | None,
    lines: Sequence[LineSpec],
    now: datetime,
) -> Invoice:
    """A draft invoice (no number yet) for a customer the operations system published; its VAT is
    the rate in effect today until it is sent."""
    staff.require_branch(branch_id)
    tenant_id = staff.tenant_id
    if await uow.reference.customer(tenant_id, customer_id) is None:
        raise UnknownCustomer(f"No customer {customer_id} is known for this business", field="customer_id")
    if job_id is not None:
        check_job_of(await uow.reference.job(tenant_id, job_id), job_id=job_id, customer_id=customer_id)
    forfeit = damage_basis(
        kind,
        job_id=job_id,
        customer_id=customer_id,
        related_deposit_id=related_deposit_id,
        retained_from_deposit=await uow.reference.retentions_of_deposit(tenant_id, related_deposit_id)
        if related_deposit_id
        else [],
    )
    tenant = await required_tenant(uow, tenant_id)
    invoice, drafted = Invoice.draft(
        id=uuid4(),
        tenant_id=tenant_id,
        branch_id=branch_id,
        customer_id=customer_id,
        kind=kind,
        job_id=job_id,
        forfeit=forfeit,
        payment_terms_days=payment_terms_days,
        lines=price_lines(lines),
        vat=tenant.vat_on(local_date(now, tenant.timezone)),
        at=now,
        by=staff.actor,
    )
    await uow.invoices.add(invoice)
    await uow.record(drafted, about=invoice.subject, actor=staff.actor, at=now)
    return invoice


async def edit_lines(
    *, uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, lines: Sequence[LineSpec], now: datetime
) -> Invoice:
    """Replaces a draft's lines and prices it again."""
    invoice = await load_invoice(uow, staff, invoice_id, for_update=True)
    tenant = await required_tenant(uow, invoice.tenant_id)
    edited = invoice.edit_lines(price_lines(lines), tenant.vat_on(local_date(now, tenant.timezone)))
    await uow.invoices.save_lines(invoice)
    await uow.invoices.save_state(invoice)
    await uow.record(edited, about=invoice.subject, actor=staff.actor, at=now)
    return invoice


async def send_invoice(
    *,
    uow: BillingUnitOfWork,
    staff: Principal,
    invoice_id: UUID,
    payment_terms_days: int | None,
    now: datetime,
) -> Invoice:
    """Issues a draft: INV number, issue date today, due date after the payment terms, VAT at the
    rate of the issue date, and the job's unapplied pre-payments below the totals."""
    invoice = await load_invoice(uow, staff, invoice_id, for_update=True)
    tenant = await required_tenant(uow, invoice.tenant_id)
    today = local_date(now, tenant.timezone)
    invoice.price(invoice.lines, tenant.vat_on(today))
    invoice.check_sendable()
    unapplied = (
        await uow.prepayments.on_job(invoice.tenant_id, invoice.job_id, unapplied_for_update=True)
        if invoice.job_id
        else []
    )
    terms = next(
        t
        for t in (payment_terms_days, invoice.payment_terms_days, tenant.payment_terms_days)
        if t is not None
    )
    sequence = tenant.numbering.sequence(DocumentKind.INVOICE, branch_id=invoice.branch_id, now=now)
    sent = invoice.send(
        number=await uow.numbers.next(tenant_id=invoice.tenant_id, sequence=sequence),
        issue_date=today,
        terms_days=terms,
        prepayments=invoice.prepayments_to_apply([p.applied for p in unapplied]),
        at=now,
        by=staff.actor,
    )
    await uow.invoices.save_state(invoice)
    await uow.prepayments.apply(invoice)
    await uow.record(sent, about=invoice.subject, actor=staff.actor, at=now)
    return invoice


async def flag_overdue_invoice(
    *, uow: BillingUnitOfWork, tenant_id: str, invoice_id: UUID, now: datetime
) -> bool:
    """Announces once that an invoice is past its due date with a balance."""
    invoice = await uow.invoices.get(tenant_id, invoice_id, for_update=True)
    if invoice is None:
        return False
    tenant = await uow.reference.tenant(tenant_id) or BillingTenant()
    overdue = invoice.flag_overdue(today=local_date(now, tenant.timezone), at=now)
    if overdue is None:
        return False
    await uow.invoices.save_state(invoice)
    await uow.record(overdue, about=invoice.subject, actor=SYSTEM, at=now)
    return True


# Queries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceView:
    """An invoice as staff read it: with today's overdue flag, the customer's reports and history."""

    invoice: Invoice
    overdue: bool
    customer_name: str | None
    reports: list[PaymentReport]
    audit: list[dict[str, Any]]


async def get_invoice(
    *, uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, now: datetime
) -> InvoiceView:
    invoice = await load_invoice(uow, staff, invoice_id, for_update=False)
    tenant = await uow.reference.tenant(invoice.tenant_id) or BillingTenant()
    names = await uow.reference.customer_names(invoice.tenant_id, {invoice.customer_id})
    return InvoiceView(
        invoice=invoice,
        overdue=invoice.is_overdue(local_date(now, tenant.timezone)),
        customer_name=names.get(invoice.customer_id),
        reports=await uow.reports.on_invoice(invoice.tenant_id, invoice.id),
        audit=await uow.audit.history(
            tenant_id=invoice.tenant_id, subject_type=invoice.subject.type, subject_id=str(invoice.id)
        ),
    )


@dataclass(frozen=True)
class InvoiceCriteria:
    status: InvoiceStatus | None = None
    customer_id: str | None = None
    job_id: str | None = None
    branch_id: str | None = None
    overdue: bool | None = None
    limit: int = 50
    offset: int = 0


async def list_invoices(
    *, uow: BillingUnitOfWork, staff: Principal, criteria: InvoiceCriteria, now: datetime
) -> tuple[list[InvoiceView], int]:
    """The invoices of the staff member's branches that match, newest first, each with its overdue
    flag as of today in the tenant's time zone."""
    tenant = await uow.reference.tenant(staff.tenant_id) or BillingTenant()
    today = local_date(now, tenant.timezone)
    found, total = await uow.invoices.search(
        InvoiceFilter(
            tenant_id=staff.tenant_id,
            branches=staff.branch_scope,
            status=criteria.status,
            customer_id=criteria.customer_id,
            job_id=criteria.job_id,
            branch_id=criteria.branch_id,
            overdue=criteria.overdue,
            overdue_on=today,
            limit=criteria.limit,
            offset=criteria.offset,
        )
    )
    names = await uow.reference.customer_names(staff.tenant_id, {i.customer_id for i in found})
    views = [InvoiceView(i, i.is_overdue(today), names.get(i.customer_id), [], []) for i in found]
    return views, total
