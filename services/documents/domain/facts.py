"""What a document states: the facts of the event it renders, and the business and customer as
the document prints them. Pure."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from services.documents.domain.billing_facts import (
    InvoiceFacts,
    PaymentReceiptFacts,
    PrepaymentReceiptFacts,
    TaxInvoiceFacts,
)
from shared.clock import local_date
from shared.contracts import deposits as deposit_events
from shared.contracts.deposits import CollectionMethod, RefundMethod, ReturnKind
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Language
from shared.money import Money

# The facts a document states, as they arrived in the event. Kept on the job so any version can be
# rendered again, years later, exactly as issued.


class _Facts(BaseModel):
    model_config = ConfigDict(frozen=True)

    deposit_id: UUID
    deposit_number: str
    customer_id: str


class DepositRequestFacts(_Facts):
    kind: Literal[DocumentKind.DEPOSIT_REQUEST] = DocumentKind.DEPOSIT_REQUEST
    amount: Money
    requested_on: date

    @property
    def number(self) -> str:
        return self.deposit_number

    def issued_on(self, timezone: str) -> date:  # noqa: ARG002 (same signature for every kind)
        return self.requested_on

    @property
    def amount_stated(self) -> Decimal:
        return self.amount

    @property
    def reference(self) -> str:
        return ""

    @property
    def related_number(self) -> str | None:
        return None


class DepositReceiptFacts(_Facts):
    kind: Literal[DocumentKind.DEPOSIT_RECEIPT] = DocumentKind.DEPOSIT_RECEIPT
    receipt_number: str
    amount: Money
    method: CollectionMethod
    payment_reference: str
    collected_on: date
    collected_at: datetime
    collected_by: str
    amount_requested: Money
    total_collected: Money

    @property
    def number(self) -> str:
        return self.receipt_number

    def issued_on(self, timezone: str) -> date:
        return local_date(self.collected_at, timezone)

    @property
    def amount_stated(self) -> Decimal:
        return self.amount

    @property
    def reference(self) -> str:
        return self.payment_reference

    @property
    def related_number(self) -> str | None:
        return self.deposit_number


class VoidFacts(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: str
    voided_at: datetime
    voided_by: str


class DepositReturnFacts(_Facts):
    kind: Literal[DocumentKind.DEPOSIT_RETURN_RECEIPT] = DocumentKind.DEPOSIT_RETURN_RECEIPT
    receipt_number: str
    collection_receipt_numbers: list[str]
    return_kind: ReturnKind
    held_amount: Money
    returned_amount: Money
    retained_amount: Money
    reason: str
    method: RefundMethod | None
    refund_reference: str
    returned_on: date
    returned_at: datetime
    returned_by: str
    void: VoidFacts | None = None

    @property
    def number(self) -> str:
        return self.receipt_number

    def issued_on(self, timezone: str) -> date:  # noqa: ARG002 (same signature for every kind)
        return self.returned_on  # the void version keeps the original receipt's date

    @property
    def amount_stated(self) -> Decimal:
        return self.returned_amount

    @property
    def reference(self) -> str:
        return self.refund_reference

    @property
    def related_number(self) -> str | None:
        return self.deposit_number


DocumentFacts = Annotated[
    DepositRequestFacts
    | DepositReceiptFacts
    | DepositReturnFacts
    | InvoiceFacts
    | PaymentReceiptFacts
    | PrepaymentReceiptFacts
    | TaxInvoiceFacts,
    Field(discriminator="kind"),
]
FACTS: TypeAdapter[DocumentFacts] = TypeAdapter(DocumentFacts)


def version_status(facts: DocumentFacts) -> Literal["issued", "void"]:
    return "void" if isinstance(facts, DepositReturnFacts) and facts.void else "issued"


def request_facts(event: deposit_events.DepositRequested) -> DepositRequestFacts:
    return DepositRequestFacts(
        deposit_id=event.deposit_id,
        deposit_number=event.deposit_number,
        customer_id=event.customer_id,
        amount=event.amount,
        requested_on=event.requested_on,
    )


def receipt_facts(event: deposit_events.DepositCollected) -> DepositReceiptFacts:
    return DepositReceiptFacts(
        deposit_id=event.deposit_id,
        deposit_number=event.deposit_number,
        customer_id=event.customer_id,
        receipt_number=event.receipt_number,
        amount=event.amount,
        method=event.method,
        payment_reference=event.reference,
        collected_on=event.collected_on,
        collected_at=event.collected_at,
        collected_by=event.collected_by.name,
        amount_requested=event.amount_requested,
        total_collected=event.total_collected,
    )


def return_facts(event: deposit_events.DepositReturned) -> DepositReturnFacts:
    return DepositReturnFacts(
        deposit_id=event.deposit_id,
        deposit_number=event.deposit_number,
        customer_id=event.customer_id,
        receipt_number=event.receipt_number,
        collection_receipt_numbers=list(event.collection_receipt_numbers),
        return_kind=event.kind,
        held_amount=event.held_amount,
        returned_amount=event.returned_amount,
        retained_amount=event.retained_amount,
        reason=event.reason,
        method=event.method,
        refund_reference=event.reference,
        returned_on=event.returned_on,
        returned_at=event.returned_at,
        returned_by=event.returned_by.name,
    )


def voided_return_facts(
    original: DepositReturnFacts, event: deposit_events.DepositReturnVoided
) -> DepositReturnFacts:
    """The same receipt, same number and date, now marked void with the reason."""
    void = VoidFacts(reason=event.reason, voided_at=event.voided_at, voided_by=event.voided_by.name)
    return original.model_copy(update={"void": void})


VOID_VERSION = 2


# What a document prints besides its facts: the upstream slices this service keeps ---------------


@dataclass(frozen=True)
class BranchProfile:
    branch_id: str
    code: str
    name_en: str
    name_th: str
    tax_branch_no: str = "00000"
    address_en: str = ""
    address_th: str = ""
    phone: str = ""


@dataclass(frozen=True)
class TenantProfile:
    """The rental business as its documents print it."""

    tenant_id: str
    business_name_en: str
    business_name_th: str
    address_en: str
    address_th: str
    tax_id: str
    tax_branch_no: str = "00000"
    phone: str = ""
    email: str = ""
    promptpay_id: str = ""
    timezone: str = "Asia/Bangkok"
    default_language: Language = "th"
    branches: tuple[BranchProfile, ...] = ()

    def branch(self, branch_id: str | None) -> BranchProfile | None:
        return next((b for b in self.branches if b.branch_id == branch_id), None)


@dataclass(frozen=True)
class CustomerProfile:
    """The customer as documents print them; private notes are never kept."""

    customer_id: str
    name: str
    customer_type: Literal["individual", "company"] = "individual"
    address: str = ""
    tax_id: str | None = None
    tax_branch_no: str | None = None
    preferred_language: Language = "th"
