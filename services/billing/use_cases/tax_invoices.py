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
from services.billing.use_cases.invoices import load_invoice, required_tenant
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts.documents import DocumentKind


async def _issue(
    uow: BillingUnitOfWork,
    staff: Principal,
    invoices: Sequence[Invoice],
    retentions: Sequence[Retention],
    now: datetime,
) -> TaxInvoice:
    tenant = await required_tenant(uow, staff.tenant_id)
    content = compose(tenant, invoices, retentions)
    seller = seller_of(tenant, content.branch_id)
    buyer = buyer_of(await uow.reference.customer(staff.tenant_id, content.customer_id))
    check_parties(seller, buyer)
    sequence = tenant.numbering.sequence(DocumentKind.TAX_INVOICE, branch_id=content.branch_id, now=now)
    tax_invoice, issued = TaxInvoice.issue(
        id=uuid4(),
        tenant_id=staff.tenant_id,
        number=await uow.numbers.next(tenant_id=staff.tenant_id, sequence=sequence),
        issue_date=local_date(now, tenant.timezone),
        seller=seller,
        buyer=buyer,
        content=content,
        at=now,
        by=staff.actor,
    )
    covered = cover(tax_invoice, invoices, retentions)
    await uow.tax_invoices.add(tax_invoice)
    for invoice in invoices:
        await uow.invoices.save_state(invoice)
        await uow.record(covered, about=invoice.subject, actor=staff.actor, at=now)
    for retention in retentions:
        await uow.reference.cover_retention(retention)
    await uow.record(issued, about=tax_invoice.subject, actor=staff.actor, at=now)
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
            branches=staff.branch_scope,
            awaiting_tax_invoice=criteria.awaiting_tax_invoice,
            customer_id=criteria.customer_id,
            limit=criteria.limit,
            offset=criteria.offset,
        )
    )
