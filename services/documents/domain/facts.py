"""What a document states: the facts of the event it renders, and which event makes which document.
Pure."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from services.documents.domain.billing_facts import (
    InvoiceFacts,
    PaymentReceiptFacts,
    PrepaymentReceiptFacts,
    TaxInvoiceFacts,
    invoice_facts,
    payment_receipt_facts,
    prepayment_receipt_facts,
    tax_invoice_facts,
)
from services.documents.domain.report_facts import JobReportFacts
from shared.clock import local_date
from shared.contracts import billing as billing_events
from shared.contracts import deposits as deposit_events
from shared.contracts.deposits import CollectionMethod, RefundMethod, ReturnKind
from shared.contracts.documents import DocumentKind
from shared.contracts.envelope import EventPayload
from shared.money import Money

# The facts a document states, as they arrived in the event. Kept on the job so any version can be
# rendered again, years later, exactly as issued.


class _Facts(BaseModel):
    model_config = ConfigDict(frozen=True)

    deposit_id: UUID
    deposit_number: str
    customer_id: str
    job_id: str | None = None  # None in facts stored before documents kept the job


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
    | TaxInvoiceFacts
    | JobReportFacts,
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
        job_id=event.job_id,
        amount=event.amount,
        requested_on=event.requested_on,
    )


def receipt_facts(event: deposit_events.DepositCollected) -> DepositReceiptFacts:
    return DepositReceiptFacts(
        deposit_id=event.deposit_id,
        deposit_number=event.deposit_number,
        customer_id=event.customer_id,
        job_id=event.job_id,
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
        job_id=event.job_id,
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


# The events that each issue a document, as its version 1, and the facts it states. A void and a
# payment's new invoice version build on what was scheduled before (`voided_return_facts`,
# `invoice_with_payment`).
DOCUMENT_OF_EVENT: dict[type[EventPayload], Callable[[Any], DocumentFacts]] = {
    deposit_events.DepositRequested: request_facts,
    deposit_events.DepositCollected: receipt_facts,
    deposit_events.DepositReturned: return_facts,
    billing_events.InvoiceSent: invoice_facts,
    billing_events.PaymentRecorded: payment_receipt_facts,
    billing_events.PrepaymentRecorded: prepayment_receipt_facts,
    billing_events.TaxInvoiceIssued: tax_invoice_facts,
}
