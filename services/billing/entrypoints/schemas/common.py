"""What the billing schemas share: strict input, staff and VAT as shown."""

from decimal import Decimal
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict

from services.billing.domain import VatTerms
from shared.actors import Actor


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StaffOut(BaseModel):
    user_id: str
    name: str

    @classmethod
    def of(cls, actor: Actor | None) -> "StaffOut | None":
        return cls(user_id=actor.user_id, name=actor.name) if actor else None


class VatOut(BaseModel):
    rate: Decimal
    rounding: Literal["satang", "baht"]

    @classmethod
    def of(cls, vat: VatTerms) -> Self:
        return cls(rate=vat.rate, rounding=vat.rounding)
