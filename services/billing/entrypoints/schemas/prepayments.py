"""Pre-payments on jobs (PREREC)."""

from datetime import date, datetime
from typing import Self
from uuid import UUID

from pydantic import BaseModel, Field

from services.billing.domain import Prepayment
from services.billing.entrypoints.schemas.common import In, StaffOut, VatOut
from shared.contracts.deposits import CollectionMethod
from shared.contracts.types import Id, IsoDate, Text
from shared.money import Money, PositiveMoney


class PrepaymentIn(In):
    amount: PositiveMoney = Field(description="VAT included")
    method: CollectionMethod
    reference: Text = ""
    paid_on: IsoDate | None = Field(None, description="Defaults to today; not in the future")
    branch_id: Id | None = Field(None, description="Only for a job the operations system gave no branch")


class PrepaymentOut(BaseModel):
    id: UUID
    receipt_number: str
    job_id: str
    customer_id: str
    branch_id: str
    amount: Money = Field(description="VAT included")
    vat: VatOut
    vat_amount: Money
    method: CollectionMethod
    reference: str
    paid_on: date
    recorded_at: datetime
    recorded_by: StaffOut
    invoice_id: UUID | None = Field(description="The invoice that shows it, once sent")
    invoice_number: str | None

    @classmethod
    def of(cls, p: Prepayment) -> Self:
        return cls(**{**p.__dict__, "vat": VatOut.of(p.vat), "recorded_by": StaffOut.of(p.recorded_by)})


class PrepaymentListOut(BaseModel):
    items: list[PrepaymentOut]
