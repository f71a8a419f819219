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

    @property
    def linked_invoices(self) -> tuple[tuple[str, UUID], ...]:
        return ()


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
    invoice_id: UUID | None = None  # RC; None in notices stored before emails linked the invoice

    @property
    def documents(self) -> tuple[DocumentRef, ...]:
        kind = DocumentKind.PREPAYMENT_RECEIPT if self.prepayment else DocumentKind.RECEIPT
        return (DocumentRef(kind, self.receipt_number),)

    @property
    def linked_invoices(self) -> tuple[tuple[str, UUID], ...]:
        """The invoice the email links to in the portal (number, id): the one an RC pays."""
        if self.prepayment or self.invoice_number is None or self.invoice_id is None:
            return ()
        return ((self.invoice_number, self.invoice_id),)


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
    # The ids of the damage invoices, in the order of their numbers; empty in notices stored before
    # emails linked the invoices.
    damage_invoice_ids: tuple[UUID, ...] = ()

    def __post_init__(self) -> None:
        if self.damage_invoice_ids and len(self.damage_invoice_ids) != len(self.damage_invoice_numbers):
            raise ValueError("damage_invoice_ids must align with damage_invoice_numbers")

    @property
    def linked_invoices(self) -> tuple[tuple[str, UUID], ...]:
        """The invoices the email links to in the portal (number, id): the damage invoices to pay."""
        return tuple(zip(self.damage_invoice_numbers, self.damage_invoice_ids, strict=False))

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
