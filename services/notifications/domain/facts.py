"""The facts a customer notice states, and the documents it attaches. Pure: no I/O, no clock."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from shared.contracts.documents import DocumentKind


@dataclass(frozen=True)
class DocumentRef:
    """A customer document by its kind and number."""

    kind: DocumentKind
    number: str


@dataclass(frozen=True)
class NoticeDocument:
    """A document a notice attaches; `document_id` is set once its first issued version is rendered."""

    kind: DocumentKind
    number: str
    document_id: UUID | None = None

    @property
    def ref(self) -> DocumentRef:
        return DocumentRef(self.kind, self.number)


@dataclass(frozen=True)
class ReturnFacts:
    """What the customer is told about a deposit return (the deposit.returned.v1 facts)."""

    deposit_id: UUID
    deposit_number: str
    receipt_number: str
    kind: str  # full | partial | forfeit
    held_amount: Decimal
    returned_amount: Decimal
    retained_amount: Decimal
    reason: str
    method: str | None
    reference: str
    returned_on: date

    @property
    def documents(self) -> tuple[DocumentRef, ...]:
        return (DocumentRef(DocumentKind.DEPOSIT_RETURN_RECEIPT, self.receipt_number),)


@dataclass(frozen=True)
class PaymentFacts:
    """What a receipt email says: an RC for a payment on an invoice, or a PREREC for a payment
    before the job starts (VAT included)."""

    receipt_number: str
    prepayment: bool
    amount: Decimal
    method: str
    reference: str
    paid_on: date
    invoice_number: str | None = None  # RC
    balance: Decimal | None = None  # RC: what is left to pay on the invoice after this payment
    job_id: str | None = None
    vat_amount: Decimal | None = None  # PREREC

    @property
    def documents(self) -> tuple[DocumentRef, ...]:
        kind = DocumentKind.PREPAYMENT_RECEIPT if self.prepayment else DocumentKind.RECEIPT
        return (DocumentRef(kind, self.receipt_number),)


@dataclass(frozen=True)
class ChargeLine:
    description: str
    amount: Decimal  # before VAT


@dataclass(frozen=True)
class Retention:
    deposit_number: str
    return_receipt_number: str  # the DEPRR
    amount: Decimal  # VAT included


@dataclass(frozen=True)
class DamageFacts:
    """A tax invoice covering damage invoices and/or retained deposits: the customer gets the
    damage invoices, the tax invoice and the DEPRRs together (SPEC §3)."""

    tax_invoice_number: str
    issue_date: date
    job_id: str | None
    damage_invoice_numbers: tuple[str, ...]
    retentions: tuple[Retention, ...]
    lines: tuple[ChargeLine, ...]
    amount_before_vat: Decimal
    vat_rate: Decimal
    vat_amount: Decimal
    total: Decimal

    @property
    def documents(self) -> tuple[DocumentRef, ...]:
        refs = [
            *(DocumentRef(DocumentKind.INVOICE, number) for number in self.damage_invoice_numbers),
            DocumentRef(DocumentKind.TAX_INVOICE, self.tax_invoice_number),
            *(
                DocumentRef(DocumentKind.DEPOSIT_RETURN_RECEIPT, r.return_receipt_number)
                for r in self.retentions
            ),
        ]
        return tuple(dict.fromkeys(refs))


NoticeFacts = ReturnFacts | PaymentFacts | DamageFacts
