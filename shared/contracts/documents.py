"""Events the documents service publishes on `mudjam.documents.v1` (key: document id)."""

from datetime import date
from enum import StrEnum
from typing import Literal
from uuid import UUID, uuid5

from pydantic import BaseModel, ConfigDict

from shared.contracts.envelope import EventPayload
from shared.contracts.types import Id, Language
from shared.money import Money


class DocumentKind(StrEnum):
    DEPOSIT_REQUEST = "deposit_request"
    DEPOSIT_RECEIPT = "deposit_receipt"
    DEPOSIT_RETURN_RECEIPT = "deposit_return_receipt"
    INVOICE = "invoice"
    RECEIPT = "receipt"  # RC: a payment on an invoice
    PREPAYMENT_RECEIPT = "prepayment_receipt"  # PREREC: a payment before the job starts
    TAX_INVOICE = "tax_invoice"
    SIGNED_QUOTE = "signed_quote"  # from the operations system, stored as signed
    DELIVERY_MANIFEST = "delivery_manifest"  # from the operations system, stored as signed
    JOB_REPORT = "job_report"  # the AI job report's customer version, rendered here


# Documents the operations system produces; Mudjam stores them byte for byte.
UPSTREAM_KINDS = frozenset({DocumentKind.SIGNED_QUOTE, DocumentKind.DELIVERY_MANIFEST})


RECEIPT_KINDS = frozenset(
    {
        DocumentKind.RECEIPT,
        DocumentKind.PREPAYMENT_RECEIPT,
        DocumentKind.DEPOSIT_RECEIPT,
        DocumentKind.DEPOSIT_RETURN_RECEIPT,
    }
)
_DOCUMENT_NAMESPACE = UUID("6f1d2a4e-8a57-4c1e-9d0b-3b1e6a7c5d20")


def document_id(tenant_id: str, kind: DocumentKind, number: str) -> UUID:
    """A document's id follows from its number, so every service names the same document alike."""
    return uuid5(_DOCUMENT_NAMESPACE, f"{tenant_id}/{kind.value}/{number}")


class DocumentFile(BaseModel):
    model_config = ConfigDict(frozen=True)
    language: Language  # the language printed first; the other follows beneath
    storage_key: str
    sha256: str
    size_bytes: int
    pages: int | None = None  # None: announced before page counts were


class DocumentRendered(EventPayload):
    event_type = "document.rendered.v1"

    document_id: UUID
    kind: DocumentKind
    number: str
    version: int
    status: Literal["issued", "void"]
    customer_id: Id
    issued_on: date
    amount: Money
    reference: str
    related_number: str | None = None
    job_id: Id | None = None
    files: list[DocumentFile]
    render_ms: int


class DocumentRenderFailed(EventPayload):
    event_type = "document.render_failed.v1"

    document_id: UUID
    kind: DocumentKind
    number: str
    version: int
    attempts: int
    error: str
