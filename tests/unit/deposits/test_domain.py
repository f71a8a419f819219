"""The deposit aggregate's rules (SPEC §3), without a database."""

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from services.deposits.domain import (
    Collection,
    CollectionExceedsOutstanding,
    CollectionNotFound,
    Deposit,
    DepositNotCollectable,
    DepositNotHeld,
    DepositReturn,
    Job,
    JobNotClosed,
    ReasonRequired,
    RefundDetailsRequired,
    ReturnAlreadyVoided,
    ReturnAmountInvalid,
)
from shared.actors import Actor
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
TODAY = date(2026, 11, 23)
STAFF = Actor("u1", "Nok")


def _deposit(amount: str = "20000", job_id: str | None = None) -> Deposit:
    return Deposit(
        id=uuid4(),
        tenant_id="t1",
        branch_id="bkk",
        customer_id="c1",
        number="DEP-2026-0001",
        amount_requested=Decimal(amount),
        requested_on=TODAY,
        status=DepositStatus.PENDING,
        created_at=NOW,
        job_id=job_id,
    )


def _collect(deposit: Deposit, amount: str) -> None:
    collection = Collection(
        uuid4(), "DEPR-2026-0001", Decimal(amount), CollectionMethod.CASH, "", TODAY, NOW, STAFF
    )
    deposit.collect(collection, TODAY)


def _held(amount: str = "20000", job_id: str | None = None) -> Deposit:
    deposit = _deposit(amount, job_id)
    _collect(deposit, amount)
    return deposit


def _job(stage: str) -> Job:
    return Job("t1", "J-1", "J-1001", stage, TODAY if stage == "closed" else None)


def _terms(deposit: Deposit, kind: ReturnKind, amount: str | None = None, **overrides: object):  # type: ignore[no-untyped-def]
    fields = {
        "method": RefundMethod.BANK_TRANSFER,
        "reference": "SLIP-1",
        "note": "cracked filter",
        "job": None,
    }
    fields.update(overrides)
    return deposit.check_return(
        kind=kind,
        amount=None if amount is None else Decimal(amount),
        returned_on=TODAY,
        today=TODAY,
        **fields,  # type: ignore[arg-type]
    )


def _accepted_return(deposit: Deposit, kind: ReturnKind, amount: str | None = None) -> DepositReturn:
    terms = _terms(deposit, kind, amount)
    return DepositReturn(
        uuid4(),
        "DEPRR-2026-0001",
        kind,
        deposit.held_amount,
        terms.returned_amount,
        terms.retained_amount,
        terms.reason,
        terms.method,
        terms.reference,
        TODAY,
        NOW,
        STAFF,
        deposit.status,
    )


def _return(deposit: Deposit, kind: ReturnKind, amount: str | None = None) -> DepositReturn:
    deposit_return = _accepted_return(deposit, kind, amount)
    deposit.record_return(deposit_return)
    return deposit_return


def test_collecting_less_than_requested_leaves_it_partially_held() -> None:
    deposit = _deposit()
    _collect(deposit, "5000")
    assert deposit.status is DepositStatus.PARTIALLY_HELD
    assert deposit.outstanding == Decimal("15000")
    _collect(deposit, "15000")
    assert deposit.status is DepositStatus.HELD


def test_collecting_more_than_outstanding_is_refused() -> None:
    deposit = _deposit()
    with pytest.raises(CollectionExceedsOutstanding) as refused:
        _collect(deposit, "20000.01")
    assert refused.value.field == "amount"


def test_a_held_deposit_cannot_be_collected_again() -> None:
    with pytest.raises(DepositNotCollectable):
        _collect(_held(), "1")


def test_partial_return_keeps_returned_plus_retained_equal_to_held() -> None:
    deposit = _held()
    deposit_return = _return(deposit, ReturnKind.PARTIAL, "15000")
    assert deposit.status is DepositStatus.PARTIALLY_RETURNED
    assert (deposit_return.returned_amount, deposit_return.retained_amount) == (
        Decimal("15000"),
        Decimal("5000"),
    )
    assert deposit_return.returned_amount + deposit_return.retained_amount == deposit.held_amount


def test_full_return_is_prefilled_with_the_held_total() -> None:
    assert _terms(_held(), ReturnKind.FULL).returned_amount == Decimal("20000")


def test_forfeit_refunds_nothing_and_needs_no_refund_method() -> None:
    terms = _terms(_held(), ReturnKind.FORFEIT, "0", method=None, reference="")
    assert (terms.returned_amount, terms.retained_amount) == (Decimal("0"), Decimal("20000"))


@pytest.mark.parametrize("amount", ["0", "20000", "20000.01"])
def test_partial_amount_must_be_above_zero_and_below_held(amount: str) -> None:
    with pytest.raises(ReturnAmountInvalid) as refused:
        _terms(_held(), ReturnKind.PARTIAL, amount)
    assert refused.value.field == "amount"


@pytest.mark.parametrize("kind", [ReturnKind.PARTIAL, ReturnKind.FORFEIT])
def test_partial_and_forfeit_need_the_deduction_reason(kind: ReturnKind) -> None:
    with pytest.raises(ReasonRequired) as refused:
        _terms(_held(), kind, "100" if kind is ReturnKind.PARTIAL else "0", note="")
    assert refused.value.field == "note"


def test_a_refund_needs_its_method_and_reference() -> None:
    with pytest.raises(RefundDetailsRequired) as no_method:
        _terms(_held(), ReturnKind.FULL, method=None)
    with pytest.raises(RefundDetailsRequired) as no_reference:
        _terms(_held(), ReturnKind.FULL, reference="")
    assert (no_method.value.field, no_reference.value.field) == ("method", "reference")


def test_a_pending_or_returned_deposit_cannot_be_returned() -> None:
    with pytest.raises(DepositNotHeld):
        _terms(_deposit(), ReturnKind.FULL)
    deposit = _held()
    _return(deposit, ReturnKind.FULL)
    with pytest.raises(DepositNotHeld):
        _terms(deposit, ReturnKind.FULL)


def test_voiding_a_return_holds_the_deposit_again_and_allows_a_new_return() -> None:
    deposit = _held()
    first = _return(deposit, ReturnKind.PARTIAL, "15000")
    deposit.void_return(first.id, reason="wrong amount", at=NOW, by=STAFF)
    assert deposit.status is DepositStatus.HELD
    assert first.is_void
    assert _terms(deposit, ReturnKind.FULL).returned_amount == Decimal("20000")
    with pytest.raises(ReturnAlreadyVoided):
        deposit.void_return(first.id, reason="again", at=NOW, by=STAFF)


def test_return_deadline_is_five_thai_business_days_after_the_job_closed() -> None:
    deposit = _held()
    deposit.job_closed_on = date(2026, 11, 20)  # a Friday
    assert deposit.return_due_on == date(2026, 11, 27)
    assert not deposit.return_overdue(date(2026, 11, 27))
    assert deposit.return_overdue(date(2026, 11, 28))


def test_a_return_announces_its_receipt_the_amounts_the_reason_and_the_original_receipts() -> None:
    deposit = _held()
    event = deposit.record_return(_accepted_return(deposit, ReturnKind.PARTIAL, "15000"))
    assert (event.deposit_number, event.receipt_number, event.collection_receipt_numbers) == (
        "DEP-2026-0001",
        "DEPRR-2026-0001",
        ["DEPR-2026-0001"],
    )
    assert (event.status, event.returned_amount, event.retained_amount, event.reason) == (
        DepositStatus.PARTIALLY_RETURNED,
        Decimal("15000"),
        Decimal("5000"),
        "cracked filter",
    )
    assert (event.returned_by.user_id, event.returned_by.name) == ("u1", "Nok")


def test_a_void_announces_the_voided_receipt_and_that_the_deposit_is_held_again() -> None:
    deposit = _held()
    first = _return(deposit, ReturnKind.FORFEIT, "0")
    _, voided = deposit.void_return(first.id, reason="wrong kind", at=NOW, by=STAFF)
    assert (voided.receipt_number, voided.status, voided.reason) == (
        "DEPRR-2026-0001",
        DepositStatus.HELD,
        "wrong kind",
    )


def test_an_overdue_return_is_announced_once() -> None:
    deposit = _held()
    deposit.job_closed_on = date(2026, 11, 20)
    assert deposit.flag_overdue_return(today=date(2026, 11, 27), at=NOW) is None
    overdue = deposit.flag_overdue_return(today=date(2026, 11, 28), at=NOW)
    assert overdue is not None
    assert (overdue.due_on, overdue.held_amount) == (date(2026, 11, 27), Decimal("20000"))
    assert deposit.flag_overdue_return(today=date(2026, 11, 29), at=NOW) is None


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        ("new", "booked and not started yet"),
        ("picking", "being picked"),
        ("delivering", "out for delivery"),
        ("on_site", "on site"),
        ("returning", "on its way back"),
    ],
)
def test_a_deposit_on_a_job_that_has_not_closed_cannot_be_returned(stage: str, words: str) -> None:
    with pytest.raises(JobNotClosed) as refused:
        _terms(_held(job_id="J-1"), ReturnKind.FULL, job=_job(stage))
    assert refused.value.message == f"Job J-1001 is {words}; return its deposit once the job has closed"


def test_a_deposit_on_a_job_deposits_has_not_heard_of_waits_for_the_job_s_stage() -> None:
    with pytest.raises(JobNotClosed) as refused:
        _terms(_held(job_id="J-1"), ReturnKind.FULL, job=None)
    assert refused.value.message == (
        "The stage of job J-1 is not known yet; return its deposit once the job has closed"
    )


def test_a_job_not_closed_is_refused_before_the_terms_are_checked() -> None:
    with pytest.raises(JobNotClosed):
        _terms(_held(job_id="J-1"), ReturnKind.PARTIAL, "0", note="", job=_job("on_site"))


@pytest.mark.parametrize("stage", ["closed", "cancelled"])
def test_a_deposit_is_returned_once_its_job_has_closed_or_was_cancelled(stage: str) -> None:
    terms = _terms(_held(job_id="J-1"), ReturnKind.FULL, job=_job(stage))
    assert terms.returned_amount == Decimal("20000")


def test_a_deposit_with_no_job_is_returned_whenever_it_is_held() -> None:
    assert _terms(_held(), ReturnKind.FULL, job=None).returned_amount == Decimal("20000")


def test_a_proof_marks_its_collection_and_is_recorded_for_the_audit_trail() -> None:
    deposit = _held()
    [collection] = deposit.collections

    attached = deposit.attach_collection_proof(
        collection.id, content_type="image/png", size_bytes=1234, sha256="ab" * 32
    )

    assert deposit.collections[0].has_proof
    assert (attached.event_type, attached.receipt_number, attached.collection_id) == (
        "deposit.collection_proof_attached",
        "DEPR-2026-0001",
        collection.id,
    )
    with pytest.raises(CollectionNotFound):
        deposit.attach_collection_proof(uuid4(), content_type="image/png", size_bytes=1, sha256="ab" * 32)
