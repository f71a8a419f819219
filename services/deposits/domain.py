"""The deposit aggregate: its states, invariants and the facts it records. Pure: no I/O, no clock."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from shared.business_days import add_business_days
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind
from shared.db.stores import Actor
from shared.errors import Conflict, NotFound, RuleViolation
from shared.money import ZERO

RETURN_SLA_BUSINESS_DAYS = 5
HOLDING = frozenset({DepositStatus.PARTIALLY_HELD, DepositStatus.HELD})
COLLECTABLE = frozenset({DepositStatus.PENDING, DepositStatus.PARTIALLY_HELD})
STATUS_AFTER_RETURN = {
    ReturnKind.FULL: DepositStatus.RETURNED,
    ReturnKind.PARTIAL: DepositStatus.PARTIALLY_RETURNED,
    ReturnKind.FORFEIT: DepositStatus.FORFEITED,
}


class DepositNotFound(NotFound):
    code = "deposit_not_found"


class ReturnNotFound(NotFound):
    code = "return_not_found"


class DepositNotCollectable(Conflict):
    code = "deposit_not_collectable"


class DepositNotHeld(Conflict):
    code = "deposit_not_held"


class ReturnAlreadyVoided(Conflict):
    code = "return_already_voided"


class CollectionExceedsOutstanding(RuleViolation):
    code = "collection_exceeds_outstanding"


class ReturnAmountInvalid(RuleViolation):
    code = "return_amount_invalid"


class ReasonRequired(RuleViolation):
    code = "reason_required"


class RefundDetailsRequired(RuleViolation):
    code = "refund_details_required"


class DateInFuture(RuleViolation):
    code = "date_in_future"


@dataclass(frozen=True)
class Collection:
    id: UUID
    receipt_number: str
    amount: Decimal
    method: CollectionMethod
    reference: str
    collected_on: date
    collected_at: datetime
    collected_by: Actor


@dataclass
class DepositReturn:
    id: UUID
    receipt_number: str
    kind: ReturnKind
    held_amount: Decimal
    returned_amount: Decimal
    retained_amount: Decimal
    reason: str
    method: RefundMethod | None
    reference: str
    returned_on: date
    returned_at: datetime
    returned_by: Actor
    status_before: DepositStatus
    voided_at: datetime | None = None
    voided_by: Actor | None = None
    void_reason: str | None = None

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


@dataclass(frozen=True)
class ReturnTerms:
    """A return the rules accept, before it has a receipt number."""

    kind: ReturnKind
    returned_amount: Decimal
    retained_amount: Decimal
    reason: str
    method: RefundMethod | None
    reference: str


@dataclass
class Deposit:
    id: UUID
    tenant_id: str
    branch_id: str
    customer_id: str
    number: str
    amount_requested: Decimal
    requested_on: date
    status: DepositStatus
    created_at: datetime
    job_id: str | None = None
    quote_id: str | None = None
    job_closed_on: date | None = None
    overdue_alerted_at: datetime | None = None
    collections: list[Collection] = field(default_factory=list)
    returns: list[DepositReturn] = field(default_factory=list)

    @property
    def held_amount(self) -> Decimal:
        """Everything collected; a return settles it but does not change what was held."""
        return sum((c.amount for c in self.collections), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return self.amount_requested - self.held_amount

    @property
    def active_return(self) -> DepositReturn | None:
        return next((r for r in self.returns if not r.is_void), None)

    @property
    def return_due_on(self) -> date | None:
        if self.job_closed_on is None:
            return None
        return add_business_days(self.job_closed_on, RETURN_SLA_BUSINESS_DAYS)

    def return_overdue(self, today: date) -> bool:
        due = self.return_due_on
        return self.status in HOLDING and due is not None and today > due

    def check_collection(self, amount: Decimal, collected_on: date, today: date) -> None:
        if self.status not in COLLECTABLE:
            raise DepositNotCollectable(
                f"Deposit {self.number} is {self.status.value}; nothing is left to collect"
            )
        if amount > self.outstanding:
            raise CollectionExceedsOutstanding(
                f"Only {self.outstanding} is outstanding on deposit {self.number}", field="amount"
            )
        if collected_on > today:
            raise DateInFuture("The collection date cannot be in the future", field="collected_on")

    def collect(self, collection: Collection, today: date) -> None:
        self.check_collection(collection.amount, collection.collected_on, today)
        self.collections.append(collection)
        self.status = DepositStatus.HELD if self.outstanding == ZERO else DepositStatus.PARTIALLY_HELD

    def check_return(
        self,
        *,
        kind: ReturnKind,
        amount: Decimal | None,
        method: RefundMethod | None,
        reference: str,
        note: str,
        returned_on: date,
        today: date,
    ) -> ReturnTerms:
        """The named rules of a return (SPEC §3); returns the accepted terms."""
        if self.active_return is not None or self.status not in HOLDING:
            raise DepositNotHeld(
                f"Deposit {self.number} is {self.status.value}; only a held deposit can be returned"
            )
        held = self.held_amount
        returned = _returned_amount(kind, amount, held)
        if kind is not ReturnKind.FULL and not note:
            raise ReasonRequired(
                f"A {kind.value} return needs a note: the deduction reason the customer will read",
                field="note",
            )
        if kind is not ReturnKind.FORFEIT:
            if method is None:
                raise RefundDetailsRequired("Say how the refund was paid", field="method")
            if not reference:
                raise RefundDetailsRequired(
                    'Give the refund reference (bank slip number, or "Cash, in person")', field="reference"
                )
        if returned_on > today:
            raise DateInFuture("The return date cannot be in the future", field="returned_on")
        return ReturnTerms(kind, returned, held - returned, note, method, reference)

    def record_return(self, deposit_return: DepositReturn) -> None:
        self.returns.append(deposit_return)
        self.status = STATUS_AFTER_RETURN[deposit_return.kind]

    def void_return(self, return_id: UUID, *, reason: str, at: datetime, by: Actor) -> DepositReturn:
        deposit_return = next((r for r in self.returns if r.id == return_id), None)
        if deposit_return is None:
            raise ReturnNotFound("Return not found")
        if deposit_return.is_void:
            raise ReturnAlreadyVoided(f"{deposit_return.receipt_number} is already void")
        if not reason:
            raise ReasonRequired("Say why the return is voided", field="reason")
        deposit_return.voided_at, deposit_return.voided_by, deposit_return.void_reason = at, by, reason
        self.status = deposit_return.status_before
        return deposit_return


def _returned_amount(kind: ReturnKind, amount: Decimal | None, held: Decimal) -> Decimal:
    if kind is ReturnKind.FULL:
        if amount is not None and amount != held:
            raise ReturnAmountInvalid(f"A full return refunds the whole {held} held", field="amount")
        return held
    if kind is ReturnKind.FORFEIT:
        if amount is not None and amount != ZERO:
            raise ReturnAmountInvalid("A forfeit refunds nothing: the amount must be 0", field="amount")
        return ZERO
    if amount is None or not ZERO < amount < held:
        raise ReturnAmountInvalid(
            f"A partial return refunds more than 0 and less than the {held} held", field="amount"
        )
    return amount
