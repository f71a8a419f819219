"""Tax invoices (ใบกำกับภาษี): what they cover, their lines and totals, and the items Thai law
requires of them (Revenue Code s. 86/4). Pure."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from services.billing.domain.facts import CoveredByTaxInvoice, published
from services.billing.domain.invoices import AlreadyOnTaxInvoice, Invoice
from services.billing.domain.reference import BillingCustomer, BillingTenant, Retention
from services.billing.domain.vat import VatTerms
from shared.actors import Actor
from shared.contracts import billing as events
from shared.contracts.billing import InvoiceKind
from shared.contracts.deposits import ReturnKind, StaffRef
from shared.contracts.envelope import Subject
from shared.errors import NotFound, RuleViolation
from shared.money import ZERO

TAX_ID = re.compile(r"\d{13}")
BRANCH_NO = re.compile(r"\d{5}")
REQUIRED_ITEMS = {
    "seller.name": "the business's name (tenant settings)",
    "seller.address": "the business's address (tenant settings)",
    "seller.tax_id": "the business's 13-digit tax id (tenant settings)",
    "seller.branch_no": "the business's head office / branch number (tenant settings)",
    "buyer.name": "the customer's name",
    "buyer.address": "the customer's address",
    "buyer.tax_id": "the customer's 13-digit tax id",
    "buyer.branch_no": "the customer's head office / branch number (00000 = head office)",
}


class TaxInvoiceNotFound(NotFound):
    code = "tax_invoice_not_found"


class TaxInvoiceDetailsMissing(RuleViolation):
    code = "tax_invoice_details_missing"


class NothingToCover(RuleViolation):
    code = "nothing_to_cover"


class UnknownInvoice(RuleViolation):
    code = "unknown_invoice"


class UnknownRetention(RuleViolation):
    code = "unknown_retention"


class ItemsDoNotBelongTogether(RuleViolation):
    code = "items_do_not_belong_together"


@dataclass(frozen=True)
class TaxParty:
    name: str
    address: str
    tax_id: str
    branch_no: str


def seller_of(tenant: BillingTenant, branch_id: str | None) -> TaxParty:
    """The business as the issuing branch registered it: the branch's address and tax branch number
    when the tenant lists the branch, else the head office's. Thai first, the legal language."""
    branch = tenant.branches.get(branch_id or "")
    head_office = tenant.address_th or tenant.address_en
    return TaxParty(
        name=tenant.business_name_th or tenant.business_name_en,
        address=(branch.address_th or branch.address_en or head_office) if branch else head_office,
        tax_id=tenant.tax_id,
        branch_no=branch.tax_branch_no if branch else tenant.tax_branch_no,
    )


def buyer_of(customer: BillingCustomer | None) -> TaxParty:
    if customer is None:
        return TaxParty("", "", "", "")
    return TaxParty(customer.name, customer.address, customer.tax_id or "", customer.tax_branch_no or "")


def check_parties(seller: TaxParty, buyer: TaxParty) -> None:
    """Every item the law asks of seller and buyer, or one error naming all that are missing."""
    missing = [
        f"{role}.{item}"
        for role, party in (("seller", seller), ("buyer", buyer))
        for item, present in (
            ("name", bool(party.name.strip())),
            ("address", bool(party.address.strip())),
            ("tax_id", bool(TAX_ID.fullmatch(party.tax_id))),
            ("branch_no", bool(BRANCH_NO.fullmatch(party.branch_no))),
        )
        if not present
    ]
    if missing:
        needs = "; ".join(f"{item} ({REQUIRED_ITEMS[item]})" for item in missing)
        raise TaxInvoiceDetailsMissing(f"A tax invoice cannot be issued without {needs}", field=missing[0])


@dataclass(frozen=True)
class TaxInvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal  # before VAT
    amount: Decimal  # before VAT


@dataclass(frozen=True)
class CoveredInvoice:
    invoice_id: UUID
    number: str
    kind: InvoiceKind


@dataclass(frozen=True)
class CoveredRetention:
    deposit_id: UUID
    deposit_number: str
    return_receipt_number: str
    amount: Decimal  # VAT included


@dataclass(frozen=True)
class TaxInvoiceContent:
    """What one tax invoice states about the invoices and retained deposit amounts it covers."""

    customer_id: str
    branch_id: str | None
    job_id: str | None
    lines: list[TaxInvoiceLine]
    amount_before_vat: Decimal
    vat: VatTerms
    vat_amount: Decimal
    total: Decimal
    invoices: list[CoveredInvoice]
    retentions: list[CoveredRetention]


@dataclass(frozen=True)
class TaxInvoice:
    id: UUID
    tenant_id: str
    number: str
    issue_date: date
    seller: TaxParty
    buyer: TaxParty
    content: TaxInvoiceContent
    issued_at: datetime
    issued_by: Actor

    @classmethod
    def issue(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        number: str,
        issue_date: date,
        seller: TaxParty,
        buyer: TaxParty,
        content: TaxInvoiceContent,
        at: datetime,
        by: Actor,
    ) -> tuple["TaxInvoice", events.TaxInvoiceIssued]:
        """A tax invoice as issued: parties, lines and what it covers never change after."""
        tax_invoice = cls(id, tenant_id, number, issue_date, seller, buyer, content, at, by)
        issued = events.TaxInvoiceIssued(
            tax_invoice_id=id,
            number=number,
            customer_id=content.customer_id,
            job_id=content.job_id,
            issue_date=issue_date,
            seller=published(events.TaxParty, seller),
            buyer=published(events.TaxParty, buyer),
            lines=[published(events.TaxInvoiceLine, line) for line in content.lines],
            amount_before_vat=content.amount_before_vat,
            vat=published(events.VatBreakdown, content.vat),
            vat_amount=content.vat_amount,
            total=content.total,
            invoices=[published(events.CoveredInvoice, i) for i in content.invoices],
            retentions=[published(events.CoveredRetention, r) for r in content.retentions],
            issued_by=StaffRef.of(by),
        )
        return tax_invoice, issued

    @property
    def subject(self) -> Subject:
        return Subject("tax_invoice", self.id, self.tenant_id, self.content.branch_id)


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _invoice_lines(invoice: Invoice) -> list[TaxInvoiceLine]:
    lines = []
    for line in invoice.lines:
        description = line.description
        if line.duration is not None:
            per = f" {line.unit}" if line.unit else ""
            description = f"{description} ({_quantity(line.quantity)} × {_quantity(line.duration)}{per})"
        lines.append(TaxInvoiceLine(description, line.units, line.rate, line.amount))
    return lines


def _retention_line(retention: Retention, net: Decimal) -> TaxInvoiceLine:
    kind = (
        "เงินมัดจำที่ริบ / Forfeited deposit"
        if retention.kind is ReturnKind.FORFEIT
        else "เงินมัดจำที่หักไว้ / Amount retained from deposit"
    )
    reason = f": {retention.reason}" if retention.reason else ""
    description = f"{kind} {retention.deposit_number} ({retention.return_receipt_number}){reason}"
    return TaxInvoiceLine(description, Decimal(1), net, net)


def _one(values: Sequence[object], what: str, field: str) -> None:
    if len(set(values)) > 1:
        raise ItemsDoNotBelongTogether(f"One tax invoice covers items of one {what}", field=field)


def compose(
    tenant: BillingTenant, invoices: Sequence[Invoice], retentions: Sequence[Retention]
) -> TaxInvoiceContent:
    """The lines and totals of a tax invoice covering sent invoices and retained deposit amounts.
    Each item keeps the VAT it was charged with; retained amounts include their VAT."""
    if not invoices and not retentions:
        raise NothingToCover("Name at least one invoice or deposit return to cover", field="invoice_ids")
    for invoice in invoices:
        invoice.check_taxable()
    for retention in retentions:
        if retention.is_void:
            raise UnknownRetention(
                f"The return {retention.return_receipt_number} was voided", field="deposit_return_numbers"
            )
        if retention.tax_invoice_id is not None:
            raise AlreadyOnTaxInvoice(
                f"{retention.return_receipt_number} is already on tax invoice {retention.tax_invoice_number}"
            )
    field = "invoice_ids" if invoices else "deposit_return_numbers"
    retention_vat = [tenant.vat_on(r.returned_on, field="deposit_return_numbers") for r in retentions]
    _one([i.customer_id for i in invoices] + [r.customer_id for r in retentions], "customer", field)
    _one([i.branch_id for i in invoices] + [r.branch_id for r in retentions if r.branch_id], "branch", field)
    _one([i.vat.rate for i in invoices] + [v.rate for v in retention_vat], "VAT rate", field)

    lines = [line for invoice in invoices for line in _invoice_lines(invoice)]
    before_vat = sum((i.subtotal for i in invoices), ZERO)
    vat_amount = sum((i.vat_amount for i in invoices), ZERO)
    for retention, terms in zip(retentions, retention_vat, strict=True):
        vat = terms.included_in(retention.retained_amount)
        lines.append(_retention_line(retention, retention.retained_amount - vat))
        before_vat += retention.retained_amount - vat
        vat_amount += vat
    jobs = {i.job_id for i in invoices} | {r.job_id for r in retentions}
    first_branch = invoices[0].branch_id if invoices else retentions[0].branch_id
    return TaxInvoiceContent(
        customer_id=invoices[0].customer_id if invoices else retentions[0].customer_id,
        branch_id=first_branch,
        job_id=jobs.pop() if len(jobs) == 1 else None,
        lines=lines,
        amount_before_vat=before_vat,
        vat=invoices[0].vat if invoices else retention_vat[0],
        vat_amount=vat_amount,
        total=before_vat + vat_amount,
        invoices=[CoveredInvoice(i.id, i.number or "", i.kind) for i in invoices],
        retentions=[
            CoveredRetention(r.deposit_id, r.deposit_number, r.return_receipt_number, r.retained_amount)
            for r in retentions
        ],
    )


def cover(
    tax_invoice: TaxInvoice, invoices: Sequence[Invoice], retentions: Sequence[Retention]
) -> CoveredByTaxInvoice:
    """Each covered invoice and retention now names its tax invoice; none is covered twice. Returns
    what each covered invoice's audit trail records."""
    for invoice in invoices:
        invoice.tax_invoice_id, invoice.tax_invoice_number = tax_invoice.id, tax_invoice.number
    for retention in retentions:
        retention.tax_invoice_id, retention.tax_invoice_number = tax_invoice.id, tax_invoice.number
    return CoveredByTaxInvoice(tax_invoice=tax_invoice.number)
