"""Events billing publishes on `mudjam.billing.v1` (key: the invoice id; a pre-payment's or a tax
invoice's own id for those)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.deposits import CollectionMethod, StaffRef
from shared.contracts.envelope import EventPayload
from shared.contracts.types import Id, Text
from shared.money import Money


class InvoiceKind(StrEnum):
    STANDARD = "standard"
    DAMAGE = "damage"  # damage beyond a forfeited deposit, on the job


class InvoiceStatus(StrEnum):
    """Stored states; `overdue` is derived (past the due date with a balance), never stored."""

    DRAFT = "draft"
    SENT = "sent"
    PARTIAL = "partial"
    PAID = "paid"


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class InvoiceLine(_Part):
    description: Text
    quantity: Decimal
    duration: Decimal | None = None  # e.g. 14 (days); None for items sold or charged once
    unit: Text = ""  # what the duration counts: "day", "week", "month"
    rate: Money
    amount: Money  # quantity × duration × rate, half-up to the satang


class AppliedPrepayment(_Part):
    prepayment_id: UUID
    receipt_number: str
    amount: Money
    paid_on: date


class VatBreakdown(_Part):
    rate: Annotated[Decimal, Field(ge=0, lt=1)]  # 0.07
    rounding: Literal["satang", "baht"]


class InvoiceSent(EventPayload):
    event_type = "invoice.sent.v1"

    invoice_id: UUID
    number: str
    kind: InvoiceKind
    customer_id: Id
    job_id: Id | None = None
    issue_date: date
    due_date: date
    lines: list[InvoiceLine]
    subtotal: Money
    vat: VatBreakdown
    vat_amount: Money
    total: Money
    prepayments: list[AppliedPrepayment]  # below the totals; they reduce the balance due
    paid_total: Money  # applied pre-payments and payments together
    balance: Money  # total - paid_total
    related_deposit_number: str | None = None  # a damage invoice's forfeited deposit
    sent_by: StaffRef


class PaymentRecorded(EventPayload):
    event_type = "invoice.payment_recorded.v1"

    invoice_id: UUID
    invoice_number: str
    customer_id: Id
    job_id: Id | None = None
    payment_id: UUID
    receipt_number: str  # RC-YYYY-NNNN
    amount: Money
    method: CollectionMethod
    reference: Text
    paid_on: date
    recorded_by: StaffRef
    paid_total: Money  # applied pre-payments and payments together
    balance: Money  # total - paid_total
    status: InvoiceStatus
    report_id: UUID | None = None  # the customer's "I've paid" report this payment closes


class PrepaymentRecorded(EventPayload):
    event_type = "prepayment.recorded.v1"

    prepayment_id: UUID
    receipt_number: str  # PREREC-YYYY-NNNN
    customer_id: Id
    job_id: Id
    amount: Money  # VAT included: pre-payments are VATable
    vat: VatBreakdown
    vat_amount: Money
    method: CollectionMethod
    reference: Text
    paid_on: date
    recorded_by: StaffRef


class InvoiceOverdue(EventPayload):
    event_type = "invoice.overdue.v1"

    invoice_id: UUID
    invoice_number: str
    customer_id: Id
    due_date: date
    balance: Money


class TaxParty(_Part):
    """A seller or buyer as a tax invoice must name them (Revenue Code s. 86/4)."""

    name: Text
    address: Text
    tax_id: Annotated[str, Field(pattern=r"^\d{13}$")]
    branch_no: Annotated[str, Field(pattern=r"^\d{5}$", description="00000 = head office")]


class TaxInvoiceLine(_Part):
    description: Text
    quantity: Decimal
    unit_price: Money  # before VAT
    amount: Money  # before VAT


class CoveredInvoice(_Part):
    invoice_id: UUID
    number: str
    kind: InvoiceKind


class CoveredRetention(_Part):
    """A retained or forfeited deposit amount the tax invoice covers (VAT included in it)."""

    deposit_id: UUID
    deposit_number: str
    return_receipt_number: str  # the DEPRR
    amount: Money


class TaxInvoiceIssued(EventPayload):
    event_type = "tax_invoice.issued.v1"

    tax_invoice_id: UUID
    number: str  # TI-YYYY-NNNN
    customer_id: Id
    job_id: Id | None = None
    issue_date: date
    seller: TaxParty
    buyer: TaxParty
    lines: list[TaxInvoiceLine]
    amount_before_vat: Money
    vat: VatBreakdown
    vat_amount: Money
    total: Money
    invoices: list[CoveredInvoice]
    retentions: list[CoveredRetention]
    issued_by: StaffRef


class PaymentReportReceived(EventPayload):
    """Billing took the customer's "I've paid" as a report awaiting reconciliation."""

    event_type = "payment_report.received.v1"

    report_id: UUID
    invoice_id: UUID
    invoice_number: str
    customer_id: Id
    customer_name: Text = ""  # as billing knows the customer, so staff alerts can say who
    amount: Money
    reported_at: datetime
    slip_id: UUID | None = None
    slip_reference: str | None = None  # the bank's transaction reference read from the slip's QR
    same_slip_on: list[str] = []  # other invoices reported with the same slip reference


class PaymentReportClosed(EventPayload):
    event_type = "payment_report.closed.v1"

    report_id: UUID
    invoice_id: UUID
    invoice_number: str
    customer_id: Id
    outcome: Literal["recorded", "dismissed"]
    reason: Text = ""
    payment_id: UUID | None = None
    closed_by: StaffRef
