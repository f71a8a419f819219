"""Deposit use cases with an in-memory unit of work: what a return records (the DEPRR number, the
event, the audit subject), and that a refused return records nothing."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from services.deposits import use_cases
from services.deposits.domain import Customer, DepositNotFound, DepositsTenant, ReasonRequired
from shared.auth import Principal
from shared.contracts.deposits import (
    CollectionMethod,
    DepositReturned,
    DepositStatus,
    RefundMethod,
    ReturnKind,
)
from shared.errors import BusinessSettingsPending
from tests.unit.deposits.fakes import FakeDepositsUnitOfWork

NOW = datetime(2026, 11, 23, 3, tzinfo=UTC)  # 10:00 in Bangkok
TENANT = "t1"


def _staff(*branches: str) -> Principal:
    return Principal("u1", "Nok", TENANT, frozenset(branches or {"*"}), frozenset({"staff"}))


async def _held_deposit(uow: FakeDepositsUnitOfWork, amount: str = "20000") -> UUID:
    uow.reference.tenants.setdefault(TENANT, DepositsTenant())
    uow.reference.customers[TENANT, "c1"] = Customer(TENANT, "c1", "Somchai")
    deposit = await use_cases.request_deposit_by_staff(
        uow=uow,
        staff=_staff(),
        branch_id="bkk",
        customer_id="c1",
        amount=Decimal(amount),
        job_id=None,
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
