"""Invoices and their payments: what staff send, what they read."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import BaseModel, Field

from services.billing.domain import Invoice, LineSpec, Payment
from services.billing.entrypoints.schemas.common import In, StaffOut, VatOut
from services.billing.entrypoints.schemas.reports import ReportOut
from services.billing.use_cases import InvoiceView
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.deposits import CollectionMethod
from shared.contracts.types import Id, IsoDate, RequiredText, ShortText, Text
from shared.money import Money, NonNegativeMoney, PositiveMoney, decimal_schemas, plain_decimal

# Quantities and durations: positive, at most 3 decimals, at most 100,000 (days, hours, units).
Quantity = Annotated[
    Decimal,
    plain_decimal(3, "a quantity such as 1 or 2.5"),
    Field(gt=0, le=100_000, max_digits=9, decimal_places=3, allow_inf_nan=False),
    *decimal_schemas(
        pattern=r"^([1-9][0-9]{0,4}(\.[0-9]{1,3})?|100000(\.0{1,3})?|0\.(00[1-9]|0[1-9][0-9]?|[1-9][0-9]{0,2}))$",
        places=3,
        exclusiveMinimum=0,
        maximum=100_000,
    ),
]
PaymentTerms = Annotated[int, Field(ge=0, le=365, description="Days from the issue date to the due date")]
MAX_LINES = 200


class LineIn(In):
    description: RequiredText
    quantity: Quantity
    duration: Quantity | None = Field(None, description="e.g. 14 (days); none for items charged once")
    unit: ShortText = Field("", description='What the duration counts: "day"...')
    rate: NonNegativeMoney = Field(description="Price per unit (per unit of duration), before VAT")

    def spec(self) -> LineSpec:
        return LineSpec(self.description, self.quantity, self.rate, self.duration, self.unit)


Lines = Annotated[list[LineIn], Field(min_length=1, max_length=MAX_LINES)]


class InvoiceCreateIn(In):
    customer_id: Id
    branch_id: Id
    job_id: Id | None = None
    kind: InvoiceKind = InvoiceKind.STANDARD
    related_deposit_id: UUID | None = Field(
        None, description="A damage invoice names the deposit forfeited on its job"
    )
    payment_terms_days: PaymentTerms | None = Field(None, description="Defaults to the tenant's terms")
    lines: Lines


class LinesIn(In):
    lines: Lines


class SendIn(In):
    payment_terms_days: PaymentTerms | None = Field(None, description="Overrides the invoice's terms")


class PaymentIn(In):
    amount: PositiveMoney | None = Field(None, description="Defaults to the balance; never above it")
    method: CollectionMethod
    reference: Text = ""
    paid_on: IsoDate | None = Field(None, description="Defaults to today; not in the future")
    report_id: UUID | None = Field(None, description="The customer's payment report this payment settles")


class LineOut(BaseModel):
    description: str
    quantity: Decimal
    duration: Decimal | None
    unit: str
    rate: Money
    amount: Money


class AppliedPrepaymentOut(BaseModel):
    prepayment_id: UUID
    receipt_number: str
    amount: Money
    paid_on: date


class PaymentOut(BaseModel):
    id: UUID
    receipt_number: str
    amount: Money
    method: CollectionMethod
    reference: str
    paid_on: date
    recorded_at: datetime
    recorded_by: StaffOut
    report_id: UUID | None
    has_proof: bool

    @classmethod
    def of(cls, p: Payment) -> Self:
        return cls(**{**p.__dict__, "recorded_by": StaffOut.of(p.recorded_by)})


class AuditEntryOut(BaseModel):
    action: str
    actor_id: str
    actor_name: str
    at: datetime
    details: dict[str, Any]


class InvoiceSummaryOut(BaseModel):
    id: UUID
    number: str | None = Field(description="INV number, given when the invoice is sent")
    kind: InvoiceKind
    status: InvoiceStatus
    overdue: bool = Field(description="Past the due date (tenant's time zone) with a balance, as of now")
    tenant_id: str
    branch_id: str
    customer_id: str
    customer_name: str | None
    job_id: str | None
    issue_date: date | None
    due_date: date | None
    subtotal: Money
    vat_amount: Money
    total: Money
    prepaid_total: Money = Field(description="Pre-payments (PREREC) applied below the totals")
    payments_total: Money = Field(description="Payments (RC) recorded on the invoice")
    paid_total: Money = Field(description="Pre-payments and payments together")
    balance: Money = Field(description="total - paid_total")
    tax_invoice_number: str | None
    created_at: datetime

    @classmethod
    def of(cls, view: InvoiceView) -> Self:
        i = view.invoice
        return cls(**cls._fields(i), overdue=view.overdue, customer_name=view.customer_name)

    @classmethod
    def _fields(cls, i: Invoice) -> dict[str, Any]:
        return {
            "id": i.id,
            "number": i.number,
            "kind": i.kind,
            "status": i.status,
            "tenant_id": i.tenant_id,
            "branch_id": i.branch_id,
            "customer_id": i.customer_id,
            "job_id": i.job_id,
            "issue_date": i.issue_date,
            "due_date": i.due_date,
            "subtotal": i.subtotal,
            "vat_amount": i.vat_amount,
            "total": i.total,
            "prepaid_total": i.prepaid_total,
            "payments_total": i.payments_total,
            "paid_total": i.paid_total,
            "balance": i.balance,
            "tax_invoice_number": i.tax_invoice_number,
            "created_at": i.created_at,
        }


class InvoiceOut(InvoiceSummaryOut):
    related_deposit_id: UUID | None
    related_deposit_number: str | None
    payment_terms_days: int | None
    lines: list[LineOut]
    vat: VatOut
    prepayments: list[AppliedPrepaymentOut] = Field(description="Below the totals; they reduce the balance")
    payments: list[PaymentOut]
    reports: list[ReportOut] = Field(description="The customer's \"I've paid\" reports on this invoice")
    tax_invoice_id: UUID | None
    sent_at: datetime | None
    sent_by: StaffOut | None
    audit: list[AuditEntryOut]

    @classmethod
    def of(cls, view: InvoiceView) -> Self:
        i = view.invoice
        return cls(
            **cls._fields(i),
            overdue=view.overdue,
            customer_name=view.customer_name,
            related_deposit_id=i.related_deposit_id,
            related_deposit_number=i.related_deposit_number,
            payment_terms_days=i.payment_terms_days,
            lines=[LineOut(**line.__dict__) for line in i.lines],
            vat=VatOut.of(i.vat),
            prepayments=[AppliedPrepaymentOut(**p.__dict__) for p in i.prepayments],
            payments=[PaymentOut.of(p) for p in i.payments],
            reports=[ReportOut.of(r) for r in view.reports],
            tax_invoice_id=i.tax_invoice_id,
            sent_at=i.sent_at,
            sent_by=StaffOut.of(i.sent_by),
            audit=[AuditEntryOut(**entry) for entry in view.audit],
        )


class InvoicePageOut(BaseModel):
    items: list[InvoiceSummaryOut]
    total: int
    limit: int
    offset: int
