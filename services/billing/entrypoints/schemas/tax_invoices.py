"""Tax invoices and the retained deposit amounts they may cover."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, Field

from services.billing.domain import Retention, TaxInvoice
from services.billing.entrypoints.schemas.common import In, StaffOut, VatOut
from shared.contracts.billing import InvoiceKind
from shared.contracts.deposits import ReturnKind
from shared.contracts.types import Id
from shared.money import Money

MAX_COVERED = 50


class TaxInvoiceIn(In):
    invoice_ids: Annotated[list[UUID], Field(max_length=MAX_COVERED)] = []
    deposit_return_numbers: Annotated[list[Id], Field(max_length=MAX_COVERED)] = Field(
        [], description="DEPRR numbers of returns that retained an amount (forfeits, partial returns)"
    )


class TaxPartyOut(BaseModel):
    name: str
    address: str
    tax_id: str
    branch_no: str = Field(description="00000 = head office")


class TaxInvoiceLineOut(BaseModel):
    description: str
    quantity: Decimal
    unit_price: Money = Field(description="Before VAT")
    amount: Money = Field(description="Before VAT")


class CoveredInvoiceOut(BaseModel):
    invoice_id: UUID
    number: str
    kind: InvoiceKind


class CoveredRetentionOut(BaseModel):
    deposit_id: UUID
    deposit_number: str
    return_receipt_number: str
    amount: Money


class TaxInvoiceOut(BaseModel):
    id: UUID
    number: str
    title: str = "ใบกำกับภาษี / Tax Invoice"
    issue_date: date
    customer_id: str
    branch_id: str | None
    job_id: str | None
    seller: TaxPartyOut
    buyer: TaxPartyOut
    lines: list[TaxInvoiceLineOut]
    amount_before_vat: Money
    vat: VatOut
    vat_amount: Money
    total: Money
    invoices: list[CoveredInvoiceOut]
    retentions: list[CoveredRetentionOut]
    issued_at: datetime
    issued_by: StaffOut

    @classmethod
    def of(cls, ti: TaxInvoice) -> Self:
        c = ti.content
        return cls(
            id=ti.id,
            number=ti.number,
            issue_date=ti.issue_date,
            customer_id=c.customer_id,
            branch_id=c.branch_id,
            job_id=c.job_id,
            seller=TaxPartyOut(**ti.seller.__dict__),
            buyer=TaxPartyOut(**ti.buyer.__dict__),
            lines=[TaxInvoiceLineOut(**line.__dict__) for line in c.lines],
            amount_before_vat=c.amount_before_vat,
            vat=VatOut.of(c.vat),
            vat_amount=c.vat_amount,
            total=c.total,
            invoices=[CoveredInvoiceOut(**i.__dict__) for i in c.invoices],
            retentions=[CoveredRetentionOut(**r.__dict__) for r in c.retentions],
            issued_at=ti.issued_at,
            issued_by=StaffOut(user_id=ti.issued_by.user_id, name=ti.issued_by.name),
        )


class RetentionOut(BaseModel):
    return_id: UUID
    deposit_id: UUID
    deposit_number: str
    return_receipt_number: str
    customer_id: str
    branch_id: str | None
    job_id: str | None
    kind: ReturnKind
    retained_amount: Money = Field(description="VAT included")
    reason: str
    returned_on: date
    awaiting_tax_invoice: bool
    tax_invoice_id: UUID | None
    tax_invoice_number: str | None

    @classmethod
    def of(cls, r: Retention) -> Self:
        fields = {k: v for k, v in r.__dict__.items() if k in cls.model_fields}
        return cls(**fields, awaiting_tax_invoice=r.awaiting_tax_invoice)


class RetentionPageOut(BaseModel):
    items: list[RetentionOut]
    total: int
    limit: int
    offset: int
