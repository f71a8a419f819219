"""Tax invoices (TI) covering sent invoices and amounts retained from deposits."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from services.billing.adapters.reference import RetentionFilter
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import (
    Invoice,
    Retention,
    TaxInvoice,
    TaxInvoiceNotFound,
    UnknownInvoice,
    UnknownRetention,
    buyer_of,
    check_parties,
    compose,
    cover,
    seller_of,
)
from services.billing.use_cases._common import (
    audit,
    branches_of,
    load_invoice,
    next_number,
    record,
    staff_ref,
)
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts import billing as events
from shared.contracts.documents import DocumentKind


def _party(party: object) -> events.TaxParty:
    return events.TaxParty.model_validate(party, from_attributes=True)


async def _issue(
    uow: BillingUnitOfWork,
    staff: Principal,
    invoices: Sequence[Invoice],
    retentions: Sequence[Retention],
    now: datetime,
) -> TaxInvoice:
    tenant = await uow.reference.tenant(staff.tenant_id)
    content = compose(tenant, invoices, retentions)
    seller = seller_of(tenant, content.branch_id)
    buyer = buyer_of(await uow.reference.customer(staff.tenant_id, content.customer_id))
    check_parties(seller, buyer)
    tax_invoice = TaxInvoice(
        id=uuid4(),
        tenant_id=staff.tenant_id,
        number=await next_number(
            uow, staff.tenant_id, tenant, content.branch_id or "", DocumentKind.TAX_INVOICE, now
        ),
        issue_date=local_date(now, tenant.timezone),
        seller=seller,
        buyer=buyer,
        content=content,
        issued_at=now,
        issued_by=staff.actor,
    )
    cover(tax_invoice, invoices, retentions)
    await uow.tax_invoices.add(tax_invoice)
    for invoice in invoices:
        await uow.invoices.save_state(invoice)
        await audit(
            uow,
            tenant_id=staff.tenant_id,
            subject_type="invoice",
            subject_id=invoice.id,
            action="invoice.tax_invoice_issued",
            actor=staff.actor,
            now=now,
            details={"tax_invoice": tax_invoice.number},
        )
    for retention in retentions:
        await uow.reference.cover_retention(retention)
    fact = events.TaxInvoiceIssued(
        tax_invoice_id=tax_invoice.id,
        number=tax_invoice.number,
        customer_id=content.customer_id,
        job_id=content.job_id,
        issue_date=tax_invoice.issue_date,
        seller=_party(seller),
        buyer=_party(buyer),
        lines=[
            events.TaxInvoiceLine(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in content.lines
        ],
        amount_before_vat=content.amount_before_vat,
        vat=events.VatBreakdown(rate=content.vat.rate, rounding=content.vat.rounding),
        vat_amount=content.vat_amount,
        total=content.total,
        invoices=[
            events.CoveredInvoice(invoice_id=i.invoice_id, number=i.number, kind=i.kind)
            for i in content.invoices
        ],
        retentions=[
            events.CoveredRetention(
                deposit_id=r.deposit_id,
                deposit_number=r.deposit_number,
                return_receipt_number=r.return_receipt_number,
                amount=r.amount,
            )
            for r in content.retentions
        ],
        issued_by=staff_ref(staff.actor),
    )
    details = {
        "number": tax_invoice.number,
        "invoices": [i.number for i in content.invoices],
        "deposit_returns": [r.return_receipt_number for r in content.retentions],
        "total": str(content.total),
    }
    await record(
        uow,
        fact,
        tenant_id=staff.tenant_id,
        branch_id=content.branch_id,
        subject_type="tax_invoice",
        subject_id=tax_invoice.id,
        actor=staff.actor,
        now=now,
        details=details,
    )
    return tax_invoice


async def issue_tax_invoice_for_invoice(
    *, uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, now: datetime
) -> TaxInvoice:
    """A TI for one sent, partial or paid invoice, with every item Thai law asks for, once."""
    invoice = await load_invoice(uow, staff, invoice_id, for_update=True)
    return await _issue(uow, staff, [invoice], [], now)


async def issue_tax_invoice(
    *,
    uow: BillingUnitOfWork,
    staff: Principal,
    invoice_ids: Sequence[UUID],
    deposit_return_numbers: Sequence[str],
    now: datetime,
) -> TaxInvoice:
    """One TI covering invoices and amounts retained on deposit returns (forfeits and partial
    returns) of one customer; each item is covered once. Rows are locked invoices first, then
    retentions, each in id order."""
    wanted_invoices = list(dict.fromkeys(invoice_ids))
    invoices = [
        i
        for i in await uow.invoices.get_many(staff.tenant_id, wanted_invoices, for_update=True)
        if staff.can_see_branch(i.branch_id)
    ]
    if len(invoices) != len(wanted_invoices):
        found = {i.id for i in invoices}
        missing = ", ".join(str(i) for i in wanted_invoices if i not in found)
        raise UnknownInvoice(f"No such invoice: {missing}", field="invoice_ids")
    by_id = {i.id: i for i in invoices}
    invoices = [by_id[i] for i in wanted_invoices]
    wanted_returns = list(dict.fromkeys(deposit_return_numbers))
    retentions = [
        r
        for r in await uow.reference.retentions_numbered(staff.tenant_id, wanted_returns, for_update=True)
        if staff.can_see_branch(r.branch_id)
    ]
    if len(retentions) != len(wanted_returns):
        found_numbers = {r.return_receipt_number for r in retentions}
        missing = ", ".join(n for n in wanted_returns if n not in found_numbers)
        raise UnknownRetention(
            f"No amount was retained on deposit return {missing}", field="deposit_return_numbers"
        )
    by_number = {r.return_receipt_number: r for r in retentions}
    return await _issue(uow, staff, invoices, [by_number[n] for n in wanted_returns], now)


async def get_tax_invoice(*, uow: BillingUnitOfWork, staff: Principal, tax_invoice_id: UUID) -> TaxInvoice:
    tax_invoice = await uow.tax_invoices.get(staff.tenant_id, tax_invoice_id)
    if tax_invoice is None or not staff.can_see_branch(tax_invoice.content.branch_id):
        raise TaxInvoiceNotFound("Tax invoice not found")
    return tax_invoice


@dataclass(frozen=True)
class RetentionCriteria:
    awaiting_tax_invoice: bool | None = None
    customer_id: str | None = None
    limit: int = 50
    offset: int = 0


async def list_retentions(
    *, uow: BillingUnitOfWork, staff: Principal, criteria: RetentionCriteria
) -> tuple[list[Retention], int]:
    """Amounts kept from deposits on a return (voided returns left out), newest first."""
    return await uow.reference.search_retentions(
        RetentionFilter(
            tenant_id=staff.tenant_id,
            branches=branches_of(staff),
            awaiting_tax_invoice=criteria.awaiting_tax_invoice,
            customer_id=criteria.customer_id,
            limit=criteria.limit,
            offset=criteria.offset,
        )
    )
