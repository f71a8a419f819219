"""What a billing document states: the invoice, the receipts (RC, PREREC) and the tax invoice, as
their events stated them. Pure.

An invoice is rendered again after every payment: version 1 is the invoice as sent, version n + 1
the same invoice with its first n payments and the balance after the last one.
"""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from shared.contracts import billing as billing_events
from shared.contracts.billing import InvoiceKind
from shared.contracts.deposits import CollectionMethod
from shared.contracts.documents import DocumentKind
from shared.money import ZERO, Money


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


class _BillingFacts(_Fact):
    customer_id: str
    job_id: str | None = None


# Invoice -----------------------------------------------------------------------------------------


class InvoiceLineFacts(_Fact):
    description: str
    quantity: Decimal
    duration: Decimal | None = None
    unit: str = ""
    rate: Money
    amount: Money


class AppliedPrepaymentFacts(_Fact):
    receipt_number: str  # PREREC
    amount: Money
    paid_on: date


class InvoicePaymentFacts(_Fact):
    payment_id: UUID
    receipt_number: str  # RC
    amount: Money
    method: CollectionMethod
    reference: str
    paid_on: date


class InvoiceFacts(_BillingFacts):
    kind: Literal[DocumentKind.INVOICE] = DocumentKind.INVOICE
    invoice_id: UUID
    invoice_number: str
    invoice_kind: InvoiceKind
    issue_date: date
    due_date: date
    lines: list[InvoiceLineFacts]
    subtotal: Money
    vat_rate: Decimal
    vat_amount: Money
    total: Money
    prepayments: list[AppliedPrepaymentFacts]  # below the totals, as sent
    payments: list[InvoicePaymentFacts] = []  # recorded after it was sent, in billing's order
    paid_total: Money
    balance: Money
    related_deposit_number: str | None = None  # a damage invoice's forfeited deposit

    @property
    def number(self) -> str:
        return self.invoice_number

    @property
    def version(self) -> int:
        """1 as sent, then one more per payment recorded on it (its document's versions follow the
        payments too, one version after the latest scheduled: an operator's re-render takes one)."""
        return 1 + len(self.payments)

    @property
    def is_paid(self) -> bool:
        return self.balance <= ZERO

    def has_payment(self, payment_id: UUID) -> bool:
        return any(p.payment_id == payment_id for p in self.payments)

    def issued_on(self, timezone: str) -> date:  # noqa: ARG002 (same signature for every kind)
        return self.issue_date  # every version keeps the invoice's date

    @property
    def amount_stated(self) -> Decimal:
        return self.total

    @property
    def reference(self) -> str:
        return ""

    @property
    def related_number(self) -> str | None:
        return self.related_deposit_number or self.job_id


def invoice_facts(event: billing_events.InvoiceSent) -> InvoiceFacts:
    return InvoiceFacts(
        customer_id=event.customer_id,
        job_id=event.job_id,
        invoice_id=event.invoice_id,
        invoice_number=event.number,
        invoice_kind=event.kind,
        issue_date=event.issue_date,
        due_date=event.due_date,
        lines=[
            InvoiceLineFacts(
                description=line.description,
                quantity=line.quantity,
                duration=line.duration,
                unit=line.unit,
                rate=line.rate,
                amount=line.amount,
            )
            for line in event.lines
        ],
        subtotal=event.subtotal,
        vat_rate=event.vat.rate,
        vat_amount=event.vat_amount,
        total=event.total,
        prepayments=[
            AppliedPrepaymentFacts(receipt_number=p.receipt_number, amount=p.amount, paid_on=p.paid_on)
            for p in event.prepayments
        ],
        paid_total=event.paid_total,
        balance=event.balance,
        related_deposit_number=event.related_deposit_number,
    )


def invoice_with_payment(latest: InvoiceFacts, event: billing_events.PaymentRecorded) -> InvoiceFacts:
    """The invoice as last rendered, with one more payment and the balance billing states after it."""
    payment = InvoicePaymentFacts(
        payment_id=event.payment_id,
        receipt_number=event.receipt_number,
        amount=event.amount,
        method=event.method,
        reference=event.reference,
        paid_on=event.paid_on,
    )
    return latest.model_copy(
        update={
            "payments": [*latest.payments, payment],
            "paid_total": event.paid_total,
            "balance": event.balance,
        }
    )


# Receipts ----------------------------------------------------------------------------------------


class _ReceiptFacts(_BillingFacts):
    receipt_number: str
    amount: Money
    method: CollectionMethod
    payment_reference: str
    paid_on: date  # the receipt's date: the day the money was received
    recorded_by: str

    @property
    def number(self) -> str:
        return self.receipt_number

    def issued_on(self, timezone: str) -> date:  # noqa: ARG002 (same signature for every kind)
        return self.paid_on

    @property
    def amount_stated(self) -> Decimal:
        return self.amount

    @property
    def reference(self) -> str:
        return self.payment_reference


class PaymentReceiptFacts(_ReceiptFacts):
    """RC: a payment on an invoice."""

    kind: Literal[DocumentKind.RECEIPT] = DocumentKind.RECEIPT
    payment_id: UUID
    invoice_id: UUID
    invoice_number: str
    paid_total: Money  # on the invoice, this payment included
    balance: Money  # left on the invoice after it

    @property
    def related_number(self) -> str | None:
        return self.invoice_number


class PrepaymentReceiptFacts(_ReceiptFacts):
    """PREREC: a payment before the job starts; VAT included, deducted on the final invoice."""

    kind: Literal[DocumentKind.PREPAYMENT_RECEIPT] = DocumentKind.PREPAYMENT_RECEIPT
    prepayment_id: UUID
    job_id: str
    vat_rate: Decimal
    vat_amount: Money

    @property
    def related_number(self) -> str | None:
        return self.job_id


def payment_receipt_facts(event: billing_events.PaymentRecorded) -> PaymentReceiptFacts:
    return PaymentReceiptFacts(
        customer_id=event.customer_id,
        job_id=event.job_id,
        receipt_number=event.receipt_number,
        amount=event.amount,
        method=event.method,
        payment_reference=event.reference,
        paid_on=event.paid_on,
        recorded_by=event.recorded_by.name,
        payment_id=event.payment_id,
        invoice_id=event.invoice_id,
        invoice_number=event.invoice_number,
        paid_total=event.paid_total,
        balance=event.balance,
    )


def prepayment_receipt_facts(event: billing_events.PrepaymentRecorded) -> PrepaymentReceiptFacts:
    return PrepaymentReceiptFacts(
        customer_id=event.customer_id,
        job_id=event.job_id,
        receipt_number=event.receipt_number,
        amount=event.amount,
        method=event.method,
        payment_reference=event.reference,
        paid_on=event.paid_on,
        recorded_by=event.recorded_by.name,
        prepayment_id=event.prepayment_id,
        vat_rate=event.vat.rate,
        vat_amount=event.vat_amount,
    )


# Tax invoice -------------------------------------------------------------------------------------


class TaxPartyFacts(_Fact):
    name: str
    address: str
    tax_id: str
    branch_no: str  # 00000 = head office


class TaxInvoiceLineFacts(_Fact):
    description: str
    quantity: Decimal
    unit_price: Money
    amount: Money


class CoveredInvoiceFacts(_Fact):
    number: str
    kind: InvoiceKind


class CoveredRetentionFacts(_Fact):
    deposit_number: str
    return_receipt_number: str
    amount: Money


class TaxInvoiceFacts(_BillingFacts):
    kind: Literal[DocumentKind.TAX_INVOICE] = DocumentKind.TAX_INVOICE
    tax_invoice_id: UUID
    tax_invoice_number: str
    issue_date: date
    seller: TaxPartyFacts
    buyer: TaxPartyFacts
    lines: list[TaxInvoiceLineFacts]
    amount_before_vat: Money
    vat_rate: Decimal
    vat_amount: Money
    total: Money
    invoices: list[CoveredInvoiceFacts]
    retentions: list[CoveredRetentionFacts]
    issued_by: str

    @property
    def number(self) -> str:
        return self.tax_invoice_number

    def issued_on(self, timezone: str) -> date:  # noqa: ARG002 (same signature for every kind)
        return self.issue_date

    @property
    def amount_stated(self) -> Decimal:
        return self.total

    @property
    def reference(self) -> str:
        return ""

    @property
    def related_number(self) -> str | None:
        """The first document it covers: an invoice, else the deposit whose retention it taxes."""
        if self.invoices:
            return self.invoices[0].number
        return self.retentions[0].deposit_number if self.retentions else None


def _party(party: billing_events.TaxParty) -> TaxPartyFacts:
    return TaxPartyFacts(
        name=party.name, address=party.address, tax_id=party.tax_id, branch_no=party.branch_no
    )


def tax_invoice_facts(event: billing_events.TaxInvoiceIssued) -> TaxInvoiceFacts:
    return TaxInvoiceFacts(
        customer_id=event.customer_id,
        job_id=event.job_id,
        tax_invoice_id=event.tax_invoice_id,
        tax_invoice_number=event.number,
        issue_date=event.issue_date,
        seller=_party(event.seller),
        buyer=_party(event.buyer),
        lines=[
            TaxInvoiceLineFacts(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in event.lines
        ],
        amount_before_vat=event.amount_before_vat,
        vat_rate=event.vat.rate,
        vat_amount=event.vat_amount,
        total=event.total,
        invoices=[CoveredInvoiceFacts(number=i.number, kind=i.kind) for i in event.invoices],
        retentions=[
            CoveredRetentionFacts(
                deposit_number=r.deposit_number,
                return_receipt_number=r.return_receipt_number,
                amount=r.amount,
            )
            for r in event.retentions
        ],
        issued_by=event.issued_by.name,
    )
