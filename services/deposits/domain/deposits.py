"""The deposit aggregate: its states, invariants and the events it causes. Pure: no I/O, no clock."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.deposits.domain.reference import Job
from shared.actors import SYSTEM, Actor
from shared.business_days import add_business_days
from shared.contracts import deposits as events
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind, StaffRef
from shared.contracts.envelope import InternalFact, Subject
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


class CollectionNotFound(NotFound):
    code = "collection_not_found"


class ProofNotFound(NotFound):
    code = "proof_not_found"


class DepositNotCollectable(Conflict):
    code = "deposit_not_collectable"


class DepositNotHeld(Conflict):
    code = "deposit_not_held"


class ReturnAlreadyVoided(Conflict):
    code = "return_already_voided"


class JobNotClosed(Conflict):
    code = "job_not_closed"


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


class CollectionProofAttached(InternalFact):
    """An image proving a collection (a transfer slip, a photo of the cash or cheque) was kept."""

    event_type = "deposit.collection_proof_attached"

    collection_id: UUID
    receipt_number: str
    content_type: str
    size_bytes: int
    sha256: str


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
    has_proof: bool = False


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

    @classmethod
    def request(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        branch_id: str,
        customer_id: str,
        number: str,
        amount: Decimal,
        requested_on: date,
        job_id: str | None,
        quote_id: str | None,
        job_closed_on: date | None,
        at: datetime,
        by: Actor,
    ) -> tuple["Deposit", events.DepositRequested]:
        """A pending deposit: the customer is asked to pay it."""
        deposit = cls(
            id=id,
            tenant_id=tenant_id,
            branch_id=branch_id,
            customer_id=customer_id,
            number=number,
            amount_requested=amount,
            requested_on=requested_on,
            status=DepositStatus.PENDING,
            created_at=at,
            job_id=job_id,
            quote_id=quote_id,
            job_closed_on=job_closed_on,
        )
        requested = events.DepositRequested(
            **deposit._fact_fields(),
            quote_id=quote_id,
            amount=amount,
            requested_on=requested_on,
            requested_by=None if by is SYSTEM else StaffRef.of(by),
        )
        return deposit, requested

    @property
    def subject(self) -> Subject:
        return Subject("deposit", self.id, self.tenant_id, self.branch_id)

    def _fact_fields(self) -> dict[str, Any]:
        """What every deposit event says about the deposit."""
        return {
            "deposit_id": self.id,
            "deposit_number": self.number,
            "customer_id": self.customer_id,
            "job_id": self.job_id,
            "status": self.status,
        }

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

    def collect(self, collection: Collection, today: date) -> events.DepositCollected:
        self.check_collection(collection.amount, collection.collected_on, today)
        self.collections.append(collection)
        self.status = DepositStatus.HELD if self.outstanding == ZERO else DepositStatus.PARTIALLY_HELD
        return events.DepositCollected(
            **self._fact_fields(),
            collection_id=collection.id,
            receipt_number=collection.receipt_number,
            amount=collection.amount,
            method=collection.method,
            reference=collection.reference,
            collected_on=collection.collected_on,
            collected_at=collection.collected_at,
            collected_by=StaffRef.of(collection.collected_by),
            amount_requested=self.amount_requested,
            total_collected=self.held_amount,
        )

    def collection(self, collection_id: UUID) -> Collection:
        found = next((c for c in self.collections if c.id == collection_id), None)
        if found is None:
            raise CollectionNotFound("Collection not found")
        return found

    def attach_collection_proof(
        self, collection_id: UUID, *, content_type: str, size_bytes: int, sha256: str
    ) -> CollectionProofAttached:
        """A proof of one of the deposit's collections; a later one replaces it, the audit keeps both."""
        collection = self.collection(collection_id)
        self.collections = [replace(c, has_proof=True) if c is collection else c for c in self.collections]
        return CollectionProofAttached(
            collection_id=collection.id,
            receipt_number=collection.receipt_number,
            content_type=content_type,
            size_bytes=size_bytes,
            sha256=sha256,
        )

    def check_job_allows_return(self, job: Job | None) -> None:
        """A deposit on a job is returned once the job has closed and its equipment was inspected
        (seed 001), or once the job is cancelled: it never ran, so its deposit is refunded."""
        if self.job_id is None:
            return
        if job is None:
            raise JobNotClosed(
                f"The stage of job {self.job_id} is not known yet; return its deposit once the job has closed"
            )
        if not job.allows_return:
            raise JobNotClosed(
                f"Job {job.name} is {job.stage_in_words}; return its deposit once the job has closed"
            )

    def check_return(
        self,
        *,
        job: Job | None,
        kind: ReturnKind,
        amount: Decimal | None,
        method: RefundMethod | None,
        reference: str,
        note: str,
        returned_on: date,
        today: date,
    ) -> ReturnTerms:
        """The named rules of a return (SPEC §3); returns the accepted terms. `job` is the deposit's
        job as deposits knows it (None when it has not heard of it, or the deposit has no job)."""
        if self.active_return is not None or self.status not in HOLDING:
            raise DepositNotHeld(
                f"Deposit {self.number} is {self.status.value}; only a held deposit can be returned"
            )
        self.check_job_allows_return(job)
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

    def record_return(self, deposit_return: DepositReturn) -> events.DepositReturned:
        self.returns.append(deposit_return)
        self.status = STATUS_AFTER_RETURN[deposit_return.kind]
        r = deposit_return
        return events.DepositReturned(
            **self._fact_fields(),
            return_id=r.id,
            receipt_number=r.receipt_number,
            collection_receipt_numbers=[c.receipt_number for c in self.collections],
            kind=r.kind,
            held_amount=r.held_amount,
            returned_amount=r.returned_amount,
            retained_amount=r.retained_amount,
            reason=r.reason,
            method=r.method,
            reference=r.reference,
            returned_on=r.returned_on,
            returned_at=r.returned_at,
            returned_by=StaffRef.of(r.returned_by),
        )

    def void_return(
        self, return_id: UUID, *, reason: str, at: datetime, by: Actor
    ) -> tuple[DepositReturn, events.DepositReturnVoided]:
        deposit_return = next((r for r in self.returns if r.id == return_id), None)
        if deposit_return is None:
            raise ReturnNotFound("Return not found")
        if deposit_return.is_void:
            raise ReturnAlreadyVoided(f"{deposit_return.receipt_number} is already void")
        if not reason:
            raise ReasonRequired("Say why the return is voided", field="reason")
        deposit_return.voided_at, deposit_return.voided_by, deposit_return.void_reason = at, by, reason
        self.status = deposit_return.status_before
        voided = events.DepositReturnVoided(
            **self._fact_fields(),
            return_id=deposit_return.id,
            receipt_number=deposit_return.receipt_number,
            reason=reason,
            voided_at=at,
            voided_by=StaffRef.of(by),
        )
        return deposit_return, voided

    def flag_overdue_return(self, *, today: date, at: datetime) -> events.DepositReturnOverdue | None:
        """Once, when the deposit is still held past its return deadline."""
        if self.overdue_alerted_at is not None or not self.return_overdue(today):
            return None
        assert self.job_closed_on is not None
        assert self.return_due_on is not None
        self.overdue_alerted_at = at
        return events.DepositReturnOverdue(
            **self._fact_fields(),
            job_closed_on=self.job_closed_on,
            due_on=self.return_due_on,
            held_amount=self.held_amount,
        )


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
