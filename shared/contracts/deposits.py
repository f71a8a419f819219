"""Events the deposits service publishes on `mudjam.deposits.v1` (key: deposit id)."""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from shared.actors import Actor
from shared.contracts.envelope import EventPayload
from shared.contracts.types import Id, Text
from shared.money import Money


class CollectionMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    PROMPTPAY = "promptpay"
    CREDIT_CARD = "credit_card"
    CHEQUE = "cheque"
    OTHER = "other"


class RefundMethod(StrEnum):
    """Only these four refund a deposit."""

    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    PROMPTPAY = "promptpay"
    OTHER = "other"


class ReturnKind(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    FORFEIT = "forfeit"


class DepositStatus(StrEnum):
    PENDING = "pending"
    PARTIALLY_HELD = "partially_held"
    HELD = "held"
    RETURNED = "returned"
    PARTIALLY_RETURNED = "partially_returned"
    FORFEITED = "forfeited"


class StaffRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    user_id: str
    name: str

    @classmethod
    def of(cls, actor: Actor) -> "StaffRef":
        return cls(user_id=actor.user_id, name=actor.name)


class _DepositFact(EventPayload):
    deposit_id: UUID
    deposit_number: str
    customer_id: Id
    job_id: Id | None = None
    status: DepositStatus


class DepositRequested(_DepositFact):
    event_type = "deposit.requested.v1"

    quote_id: Id | None = None
    amount: Money
    requested_on: date
    requested_by: StaffRef | None = None


class DepositCollected(_DepositFact):
    event_type = "deposit.collected.v1"

    collection_id: UUID
    receipt_number: str
    amount: Money
    method: CollectionMethod
    reference: Text
    collected_on: date
    collected_at: datetime
    collected_by: StaffRef
    amount_requested: Money
    total_collected: Money


class DepositReturned(_DepositFact):
    event_type = "deposit.returned.v1"

    return_id: UUID
    receipt_number: str
    collection_receipt_numbers: list[str]
    kind: ReturnKind
    held_amount: Money
    returned_amount: Money
    retained_amount: Money
    reason: Text  # the deduction reason; the customer sees it
    method: RefundMethod | None
    reference: Text
    returned_on: date
    returned_at: datetime
    returned_by: StaffRef


class DepositReturnVoided(_DepositFact):
    event_type = "deposit.return_voided.v1"

    return_id: UUID
    receipt_number: str
    reason: Text
    voided_at: datetime
    voided_by: StaffRef


class DepositReturnOverdue(_DepositFact):
    event_type = "deposit.return_overdue.v1"

    job_closed_on: date
    due_on: date
    held_amount: Money
