"""Customers' payment reports as staff see them."""

from datetime import datetime
from typing import Self
from uuid import UUID

from pydantic import BaseModel

from services.billing.domain import PaymentReport, ReportStatus
from services.billing.entrypoints.schemas.common import In, StaffOut
from shared.contracts.types import RequiredText
from shared.money import Money


class DismissIn(In):
    reason: RequiredText


class SlipOut(BaseModel):
    slip_id: UUID
    content_type: str
    size_bytes: int
    sha256: str


class ReportOut(BaseModel):
    id: UUID
    invoice_id: UUID
    invoice_number: str
    customer_id: str
    amount: Money
    reported_at: datetime
    received_at: datetime
    slip: SlipOut | None
    slip_reference: str | None
    same_slip_on: list[str]
    possible_duplicate_slip: bool
    status: ReportStatus
    closed_at: datetime | None
    closed_by: StaffOut | None
    reason: str
    payment_id: UUID | None

    @classmethod
    def of(cls, r: PaymentReport) -> Self:
        return cls(
            **{
                **r.__dict__,
                "slip": SlipOut(**r.slip.__dict__) if r.slip else None,
                "closed_by": StaffOut.of(r.closed_by),
                "possible_duplicate_slip": bool(r.same_slip_on),
            }
        )


class ReportPageOut(BaseModel):
    items: list[ReportOut]
    total: int
    limit: int
    offset: int
