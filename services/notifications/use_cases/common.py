"""What every use case shares: the delivery setup (relay, PDFs, portal links, retry rule), what a
usable address is, and the version of a document a customer is sent."""

import re
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from services.notifications.adapters.mail import Mailer
from services.notifications.adapters.repository import Scope
from services.notifications.domain import RetryPolicy
from shared.auth import Principal
from shared.contracts.documents import DocumentKind

# The customer is sent each document as first issued; a later version is a re-render (a void one).
RECEIPT_VERSION = 1
NO_EMAIL = "The customer has no usable email address"
NO_STAFF_EMAIL = "The business has no billing staff email addresses"
# The documents a notice may attach; other kinds' renders are not kept.
ATTACHABLE_KINDS = frozenset(
    {
        DocumentKind.DEPOSIT_RETURN_RECEIPT,
        DocumentKind.RECEIPT,
        DocumentKind.PREPAYMENT_RECEIPT,
        DocumentKind.INVOICE,
        DocumentKind.TAX_INVOICE,
    }
)
# Deliberately plain: one address, no spaces or angle brackets (relays reject anything fancier).
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


class ReceiptPdfSource(Protocol):
    async def pdf(
        self,
        *,
        tenant_id: str,
        customer_id: str,
        document_id: UUID,
        language: str,
        version: int,
    ) -> bytes: ...


class InvoiceLinkSource(Protocol):
    async def invoice_link(
        self, *, tenant_id: str, customer_id: str, invoice_id: UUID, idempotency_key: str
    ) -> str:
        """The URL of a portal link that opens only this invoice; the same key gives the same link.
        Raises DeliveryFailed when there is none to give yet."""


@dataclass(frozen=True)
class Delivery:
    """How notices go out: the relay, where the documents' PDFs and the invoices' portal links come
    from, and the retry rule."""

    mailer: Mailer
    pdfs: ReceiptPdfSource
    links: InvoiceLinkSource
    policy: RetryPolicy
    message_id_domain: str


def staff_scope(staff: Principal) -> Scope:
    return Scope(staff.tenant_id, staff.branch_scope)


def usable_address(address: str) -> bool:
    return bool(_ADDRESS.fullmatch(address))


def one_line(value: str) -> str:
    return " ".join(value.split())
