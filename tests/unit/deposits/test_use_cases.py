"""Deposit use cases with an in-memory unit of work: what a return records (the DEPRR number, the
event, the audit subject), that a refused return records nothing, that a deposit on a job waits for
the job to close, and what a collection's proof records."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.deposits import use_cases
from services.deposits.domain import (
    CollectionNotFound,
    CollectionProofAttached,
    Customer,
    DepositNotFound,
    DepositsTenant,
    JobNotClosed,
    ProofNotFound,
    ReasonRequired,
)
from shared.auth import Principal
from shared.contracts.deposits import (
    CollectionMethod,
    DepositReturned,
    DepositStatus,
    RefundMethod,
    ReturnKind,
)
from shared.contracts.upstream import JobClosed, JobStageChanged
from shared.errors import BusinessSettingsPending
from shared.images import ImageRefused
from tests.helpers import slip_screenshot
from tests.unit.deposits.fakes import FakeDepositsUnitOfWork
from tests.unit.fakes import event_context

NOW = datetime(2026, 11, 23, 3, tzinfo=UTC)  # 10:00 in Bangkok
TENANT = "t1"


def _staff(*branches: str) -> Principal:
    return Principal("u1", "Nok", TENANT, frozenset(branches or {"*"}), frozenset({"staff"}))


async def _held_deposit(
    uow: FakeDepositsUnitOfWork, amount: str = "20000", job_id: str | None = None
) -> UUID:
    uow.reference.tenants.setdefault(TENANT, DepositsTenant())
    uow.reference.customers[TENANT, "c1"] = Customer(TENANT, "c1", "Somchai")
    deposit = await use_cases.request_deposit_by_staff(
        uow=uow,
        staff=_staff(),
        branch_id="bkk",
        customer_id="c1",
        amount=Decimal(amount),
        job_id=job_id,
        now=NOW,
    )
    await use_cases.collect_deposit(
        uow=uow,
        staff=_staff(),
        deposit_id=deposit.id,
        amount=None,
        method=CollectionMethod.BANK_TRANSFER,
        reference="KBANK-1",
        collected_on=None,
        now=NOW,
    )
    return deposit.id


async def _return(
    uow: FakeDepositsUnitOfWork, deposit_id: UUID, staff: Principal | None = None, **terms: Any
):  # type: ignore[no-untyped-def]
    fields: dict[str, Any] = {
        "kind": ReturnKind.PARTIAL,
        "amount": Decimal("15000"),
        "method": RefundMethod.BANK_TRANSFER,
        "reference": "SCB-REFUND-5521",
        "note": "cracked filter",
        "returned_on": None,
    } | terms
    return await use_cases.return_deposit(
        uow=uow, staff=staff or _staff(), deposit_id=deposit_id, now=NOW, **fields
    )


async def test_a_partial_return_records_one_event_with_the_next_deprr_number() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow)

    deposit = await _return(uow, deposit_id)

    returned = uow.recorded[-1]
    assert isinstance(returned.fact, DepositReturned)
    assert (returned.about.type, returned.about.id, returned.about.branch_id) == (
        "deposit",
        deposit_id,
        "bkk",
    )
    assert (returned.fact.receipt_number, returned.fact.collection_receipt_numbers) == (
        "DEPRR-2026-0001",
        ["DEPR-2026-0001"],
    )
    assert (returned.fact.returned_amount, returned.fact.retained_amount) == (
        Decimal("15000"),
        Decimal("5000"),
    )
    assert returned.actor.user_id == "u1"
    assert deposit.status is DepositStatus.PARTIALLY_RETURNED
    assert uow.deposits.rows[deposit_id].status is DepositStatus.PARTIALLY_RETURNED


async def test_a_return_without_the_deduction_reason_records_nothing_and_takes_no_number() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow)
    recorded_before = list(uow.recorded)

    with pytest.raises(ReasonRequired):
        await _return(uow, deposit_id, note="")

    assert uow.recorded == recorded_before
    assert uow.deposits.rows[deposit_id].status is DepositStatus.HELD
    assert (await _return(uow, deposit_id)).returns[0].receipt_number == "DEPRR-2026-0001"


async def test_staff_of_another_branch_find_no_such_deposit() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow)

    with pytest.raises(DepositNotFound):
        await _return(uow, deposit_id, staff=_staff("cnx"))
    assert uow.deposits.rows[deposit_id].status is DepositStatus.HELD


async def test_the_deprr_number_takes_the_tenant_s_prefix_and_branch_code() -> None:
    uow = FakeDepositsUnitOfWork()
    uow.reference.tenants[TENANT] = DepositsTenant(
        document_prefixes={"deposit_return_receipt": "RR"},
        per_branch_numbering=True,
        branch_codes={"bkk": "BK"},
    )
    deposit_id = await _held_deposit(uow)

    deposit = await _return(uow, deposit_id, kind=ReturnKind.FULL, amount=None)

    assert (deposit.number, deposit.returns[0].receipt_number) == ("DEP-BK-2026-0001", "RR-BK-2026-0001")


async def _job_at(uow: FakeDepositsUnitOfWork, stage: str, at: datetime = NOW, job_id: str = "J-1") -> None:
    """The operations system's snapshot of the job at this stage, as of `at`."""
    fields = {"job_id": job_id, "job_number": "J-1001", "customer_id": "c1", "stage": stage}
    fact = (
        JobClosed.model_validate({**fields, "closed_at": at.isoformat()})
        if stage == "closed"
        else JobStageChanged.model_validate(fields)
    )
    await use_cases.apply_job(uow=uow, event=event_context(TENANT, now=at), fact=fact)


async def test_a_deposit_on_a_job_on_site_is_refused_and_nothing_is_recorded_or_numbered() -> None:
    uow = FakeDepositsUnitOfWork()
    await _job_at(uow, "on_site")
    deposit_id = await _held_deposit(uow, job_id="J-1")
    recorded_before = list(uow.recorded)

    with pytest.raises(JobNotClosed) as refused:
        await _return(uow, deposit_id, kind=ReturnKind.FULL, amount=None)

    assert refused.value.message == "Job J-1001 is on site; return its deposit once the job has closed"
    assert uow.recorded == recorded_before
    assert uow.deposits.rows[deposit_id].status is DepositStatus.HELD
    await _job_at(uow, "closed", NOW + timedelta(hours=1))
    returned = await _return(uow, deposit_id, kind=ReturnKind.FULL, amount=None)
    assert returned.returns[0].receipt_number == "DEPRR-2026-0001"


async def test_a_deposit_on_a_job_deposits_has_not_heard_of_waits_for_its_stage() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow, job_id="J-404")

    with pytest.raises(JobNotClosed) as refused:
        await _return(uow, deposit_id)

    assert "The stage of job J-404 is not known yet" in refused.value.message


async def test_a_cancelled_job_s_deposit_is_refunded() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow, job_id="J-1")
    await _job_at(uow, "cancelled")

    returned = await _return(uow, deposit_id, kind=ReturnKind.FULL, amount=None)

    assert returned.status is DepositStatus.RETURNED
    assert returned.job_closed_on is None  # a job that never ran starts no return deadline


async def test_a_job_s_stages_are_applied_in_order_and_its_closing_starts_the_deadline() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow, job_id="J-1")
    closed_at = datetime(2026, 11, 20, 9, tzinfo=UTC)  # a Friday, 16:00 in Bangkok

    await _job_at(uow, "on_site", closed_at - timedelta(days=3))
    await _job_at(uow, "returning", closed_at - timedelta(hours=2))
    await _job_at(uow, "closed", closed_at)
    await _job_at(uow, "on_site", closed_at - timedelta(days=3))  # an old snapshot published again

    job = await uow.reference.job(TENANT, "J-1")
    assert job is not None
    assert (job.stage, job.closed_on) == ("closed", date(2026, 11, 20))
    deposit = uow.deposits.rows[deposit_id]
    assert (deposit.job_closed_on, deposit.return_due_on) == (date(2026, 11, 20), date(2026, 11, 27))


async def test_a_job_reopened_after_closing_waits_again_before_its_deposits_are_returned() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow, job_id="J-1")
    await _job_at(uow, "closed")
    await _job_at(uow, "returning", NOW + timedelta(hours=1))

    with pytest.raises(JobNotClosed):
        await _return(uow, deposit_id)
    assert uow.deposits.rows[deposit_id].job_closed_on is None


async def test_a_collection_proof_is_kept_and_recorded_in_the_deposit_s_audit_trail() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow)
    [collection] = uow.deposits.rows[deposit_id].collections
    image = slip_screenshot()

    deposit = await use_cases.attach_collection_proof(
        uow=uow, staff=_staff(), deposit_id=deposit_id, collection_id=collection.id, content=image, now=NOW
    )

    assert deposit.collections[0].has_proof
    attached = uow.recorded[-1]
    assert isinstance(attached.fact, CollectionProofAttached)
    assert (attached.about.type, attached.about.id, attached.actor.user_id) == ("deposit", deposit_id, "u1")
    assert (attached.fact.receipt_number, attached.fact.content_type, attached.fact.size_bytes) == (
        "DEPR-2026-0001",
        "image/png",
        len(image),
    )
    assert attached.fact not in uow.published  # the audit trail's only
    proof = await use_cases.collection_proof(
        uow=uow, staff=_staff(), deposit_id=deposit_id, collection_id=collection.id
    )
    assert (proof.content, proof.content_type) == (image, "image/png")


async def test_a_proof_that_is_not_an_image_is_refused_naming_the_file_and_nothing_is_kept() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow)
    [collection] = uow.deposits.rows[deposit_id].collections
    recorded_before = list(uow.recorded)

    with pytest.raises(ImageRefused) as refused:
        await use_cases.attach_collection_proof(
            uow=uow,
            staff=_staff(),
            deposit_id=deposit_id,
            collection_id=collection.id,
            content=b"%PDF-1.7 not an image",
            now=NOW,
        )

    assert refused.value.field == "file"
    assert uow.recorded == recorded_before
    with pytest.raises(ProofNotFound):
        await use_cases.collection_proof(
            uow=uow, staff=_staff(), deposit_id=deposit_id, collection_id=collection.id
        )


async def test_a_proof_for_another_deposit_s_collection_is_not_found() -> None:
    uow = FakeDepositsUnitOfWork()
    deposit_id = await _held_deposit(uow)
    other = await _held_deposit(uow)
    [others_collection] = uow.deposits.rows[other].collections

    for collection_id in (others_collection.id, uuid4()):
        with pytest.raises(CollectionNotFound):
            await use_cases.attach_collection_proof(
                uow=uow,
                staff=_staff(),
                deposit_id=deposit_id,
                collection_id=collection_id,
                content=slip_screenshot(),
                now=NOW,
            )


async def test_a_deposit_for_a_business_whose_settings_have_not_arrived_is_refused_and_takes_no_number() -> (
    None
):
    uow = FakeDepositsUnitOfWork()
    uow.reference.customers[TENANT, "c1"] = Customer(TENANT, "c1", "Somchai")

    with pytest.raises(BusinessSettingsPending):
        await use_cases.request_deposit_by_staff(
            uow=uow,
            staff=_staff(),
            branch_id="bkk",
            customer_id="c1",
            amount=Decimal("100"),
            job_id=None,
            now=NOW,
        )

    assert (uow.recorded, uow.numbers.last, uow.deposits.rows) == ([], {}, {})
