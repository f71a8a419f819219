"""What billing's audit trail keeps beyond the events it publishes: a draft and its edits, a proof
of payment, an invoice's tax invoice. Their types are the actions staff read in an invoice's history.
Pure."""

from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel

from shared.contracts.billing import InvoiceKind
from shared.contracts.envelope import InternalFact
from shared.money import Money

PartT = TypeVar("PartT", bound=BaseModel)


class _InvoiceTotals(InternalFact):
    lines: int
    subtotal: Money
    vat_amount: Money
    total: Money


class InvoiceDrafted(_InvoiceTotals):
    event_type = "invoice.drafted"

    kind: InvoiceKind
    customer_id: str
    job_id: str | None


class InvoiceLinesEdited(_InvoiceTotals):
    event_type = "invoice.lines_edited"


class ProofAttached(InternalFact):
    event_type = "payment.proof_attached"

    payment_id: UUID
    content_type: str
    sha256: str


class CoveredByTaxInvoice(InternalFact):
    """Kept on each invoice a tax invoice covers (the tax invoice's own event is published)."""

    event_type = "invoice.tax_invoice_issued"

    tax_invoice: str


def published(part: type[PartT], value: object) -> PartT:
    """A domain value as the part of a published event with the same fields (a line, a party)."""
    return part.model_validate(value, from_attributes=True)
