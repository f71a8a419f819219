"""Deposits' storage and use cases on the real PostgreSQL: a deposit reads back as it was saved, a
state change commits with its audit row and event, concurrent commands queue on the row and the
number sequence, and replayed upstream events and retried commands act once."""

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from services.deposits import use_cases
from services.deposits.adapters.repository import DepositFilter
from services.deposits.adapters.tables import kernel
from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.domain import DepositNotHeld
from services.deposits.entrypoints.events import HANDLERS
from shared.auth import Principal
from shared.clock import Clock
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import CustomerUpserted, JobClosed, QuoteAccepted, TenantSettingsUpdated
from shared.db import IdempotentRequest
from shared.messaging.consumer import EventConsumer
from shared.settings import KafkaSettings
from shared.web import run_command
from tests.integration.records import recorded

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "deposits", "deposits_it"
POOL_SIZE = 30
NOW = datetime(2026, 11, 23, 3, tzinfo=UTC)  # 10:00 in Bangkok
TENANT_SETTINGS = {
    "business_name_en": "Siam Tool Rentals",
    "business_name_th": "สยามทูลเรนทัล",
    "address_en": "99 Rama IV Road",
    "address_th": "99 ถนนพระรามที่ 4",
    "tax_id": "0105556012345",
    "branches": [
        {"branch_id": "bkk", "code": "BKK", "name_en": "Bangkok", "name_th": "กรุงเทพฯ"},
        {"branch_id": "cnx", "code": "CNX", "name_en": "Chiang Mai", "name_th": "เชียงใหม่"},
    ],
}
PARTIAL = {
    "kind": ReturnKind.PARTIAL,
    "amount": Decimal("15000.25"),
    "method": RefundMethod.BANK_TRANSFER,
    "reference": "SCB-REFUND-5521",
    "note": "cracked filter",
    "returned_on": None,
}


def _staff(tenant_id: str, user_id: str = "u1") -> Principal:
    return Principal(user_id, f"Staff {user_id}", tenant_id, frozenset({"*"}), frozenset({"staff"}))


def _consumer(engine: AsyncEngine) -> EventConsumer:
    return EventConsumer(
        "deposits.upstream",
        uow_factory=lambda: DepositsUnitOfWork(engine),
        handlers=HANDLERS,
        settings=KafkaSettings(),
        clock=Clock(),
    )


def _event(tenant_id: str, payload: EventPayload, branch_id: str | None = "bkk") -> Envelope:
    return Envelope.of(
        payload,
        source="tests",
        tenant_id=tenant_id,
        branch_id=branch_id,
        subject="s",
        time=NOW,
        correlation_id="c",
    )


async def _tenant(engine: AsyncEngine, **settings: Any) -> str:
    """A tenant and its customer c1, published the way the operations system does."""
    tenant_id = f"t-{uuid4().hex[:10]}"
    consumer = _consumer(engine)
    published = TenantSettingsUpdated.model_validate({**TENANT_SETTINGS, **settings})
    await consumer.apply(_event(tenant_id, published, branch_id=None))
    await consumer.apply(_event(tenant_id, CustomerUpserted(customer_id="c1", name="Somchai Jaidee")))
    return tenant_id


async def _held(
    engine: AsyncEngine, tenant_id: str, amount: str = "20000.50", branch_id: str = "bkk"
) -> UUID:
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await use_cases.request_deposit_by_staff(
            uow=uow,
            staff=_staff(tenant_id),
            branch_id=branch_id,
            customer_id="c1",
            amount=Decimal(amount),
            job_id=None,
            now=NOW,
        )
        await uow.commit()
    await _collect(engine, tenant_id, deposit.id)
    return deposit.id


async def _collect(engine: AsyncEngine, tenant_id: str, deposit_id: UUID) -> str:
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await use_cases.collect_deposit(
            uow=uow,
            staff=_staff(tenant_id),
            deposit_id=deposit_id,
            amount=None,
            method=CollectionMethod.PROMPTPAY,
            reference="KBANK-778812",
            collected_on=date(2026, 11, 20),
            now=NOW,
        )
        await uow.commit()
    return deposit.collections[-1].receipt_number


async def _return(
    engine: AsyncEngine, tenant_id: str, deposit_id: UUID, user_id: str = "u1", **terms: Any
) -> Any:
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await use_cases.return_deposit(
            uow=uow, staff=_staff(tenant_id, user_id), deposit_id=deposit_id, now=NOW, **(PARTIAL | terms)
        )
        await uow.commit()
    return deposit


async def test_a_deposit_reads_back_exactly_as_saved_to_the_satang(engine: AsyncEngine) -> None:
    tenant_id = await _tenant(engine)
    deposit_id = await _held(engine, tenant_id)
    await _return(engine, tenant_id, deposit_id)

    async with DepositsUnitOfWork(engine) as uow:
        deposit = await uow.deposits.get(tenant_id, deposit_id)

    assert deposit is not None
    assert (deposit.number, deposit.status, deposit.amount_requested) == (
        "DEP-2026-0001",
        DepositStatus.PARTIALLY_RETURNED,
        Decimal("20000.50"),
    )
    [collection] = deposit.collections
    assert (collection.receipt_number, collection.amount, collection.method, collection.collected_on) == (
        "DEPR-2026-0001",
        Decimal("20000.50"),
        CollectionMethod.PROMPTPAY,
        date(2026, 11, 20),
    )
    [returned] = deposit.returns
    assert (
        returned.returned_amount,
        returned.retained_amount,
        returned.reason,
        returned.returned_by.name,
    ) == (
        Decimal("15000.25"),
        Decimal("5000.25"),
        "cracked filter",
        "Staff u1",
    )
    assert returned.returned_amount + returned.retained_amount == deposit.held_amount


async def test_each_state_change_commits_its_audit_row_with_its_event(engine: AsyncEngine) -> None:
    tenant_id = await _tenant(engine)
    deposit_id = await _held(engine, tenant_id)
    await _return(engine, tenant_id, deposit_id)

    audit, outbox = await recorded(engine, kernel, deposit_id)

    actions = ["deposit.requested.v1", "deposit.collected.v1", "deposit.returned.v1"]
    assert [row.action for row in audit] == actions
    assert [row.event_type for row in outbox] == actions
    returned_event = outbox[-1].envelope
    assert (returned_event["tenant_id"], returned_event["branch_id"], returned_event["subject"]) == (
        tenant_id,
        "bkk",
        str(deposit_id),
    )
    assert audit[-1].details == returned_event["data"]
    assert (audit[-1].actor_id, audit[-1].details["retained_amount"]) == ("u1", "5000.25")


async def test_a_refused_return_leaves_no_trace(engine: AsyncEngine) -> None:
    tenant_id = await _tenant(engine)
    deposit_id = await _held(engine, tenant_id)
    await _return(engine, tenant_id, deposit_id, kind=ReturnKind.FULL, amount=None)
    before = await recorded(engine, kernel, deposit_id)

    with pytest.raises(DepositNotHeld):
        await _return(engine, tenant_id, deposit_id, kind=ReturnKind.FULL, amount=None)

    assert await recorded(engine, kernel, deposit_id) == before
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await uow.deposits.get(tenant_id, deposit_id)
    assert deposit is not None
    assert [r.receipt_number for r in deposit.returns] == ["DEPRR-2026-0001"]


async def test_two_returns_of_one_deposit_at_once_queue_on_the_row_and_the_second_is_refused(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    deposit_id = await _held(engine, tenant_id)

    outcomes = await asyncio.gather(
        _return(engine, tenant_id, deposit_id, user_id="a", kind=ReturnKind.FULL, amount=None),
        _return(engine, tenant_id, deposit_id, user_id="b"),
        return_exceptions=True,
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Deposit", "DepositNotHeld"]
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await uow.deposits.get(tenant_id, deposit_id)
    assert deposit is not None
    assert len(deposit.returns) == 1
    audit, _ = await recorded(engine, kernel, deposit_id)
    assert [row.action for row in audit].count("deposit.returned.v1") == 1


async def test_concurrent_collections_take_consecutive_numbers_in_each_branch_s_sequence(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine, per_branch_numbering=True)
    pending = []
    for i in range(20):
        async with DepositsUnitOfWork(engine) as uow:
            deposit = await use_cases.request_deposit_by_staff(
                uow=uow,
                staff=_staff(tenant_id),
                branch_id="bkk" if i % 2 else "cnx",
                customer_id="c1",
                amount=Decimal("1000"),
                job_id=None,
                now=NOW,
            )
            await uow.commit()
        pending.append(deposit.id)

    numbers = await asyncio.gather(*(_collect(engine, tenant_id, d) for d in pending))

    assert sorted(n for n in numbers if "-BKK-" in n) == [f"DEPR-BKK-2026-{i:04d}" for i in range(1, 11)]
    assert sorted(n for n in numbers if "-CNX-" in n) == [f"DEPR-CNX-2026-{i:04d}" for i in range(1, 11)]


async def test_a_redelivered_accepted_quote_asks_for_one_deposit_and_a_closed_job_starts_its_deadline(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    consumer = _consumer(engine)
    quote = QuoteAccepted(
        quote_id="Q-1",
        quote_number="Q-2026-0001",
        customer_id="c1",
        job_id="J-1",
        deposit_amount=Decimal("20000"),
        accepted_at=NOW,
    )
    accepted = _event(tenant_id, quote)
    again = _event(tenant_id, quote)  # the same quote in another event, e.g. re-published upstream

    applied = [await consumer.apply(accepted), await consumer.apply(accepted), await consumer.apply(again)]
    closed_at = datetime(2026, 11, 20, 9, tzinfo=UTC)  # a Friday
    job = JobClosed.model_validate(
        {"job_id": "J-1", "job_number": "J-1001", "customer_id": "c1", "closed_at": closed_at.isoformat()}
    )
    await consumer.apply(_event(tenant_id, job))

    assert applied == [True, False, True]
    async with DepositsUnitOfWork(engine) as uow:
        found, total = await uow.deposits.search(
            DepositFilter(tenant_id=tenant_id, branches=None, job_id="J-1")
        )
    assert total == 1
    assert (found[0].quote_id, found[0].status, found[0].branch_id) == ("Q-1", DepositStatus.PENDING, "bkk")
    assert (found[0].job_closed_on, found[0].return_due_on) == (date(2026, 11, 20), date(2026, 11, 27))


class _Ok(BaseModel):
    receipt_number: str


async def test_one_idempotency_key_sent_three_times_at_once_returns_once_and_replays(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    deposit_id = await _held(engine, tenant_id)
    request = IdempotentRequest(tenant_id=tenant_id, key=uuid4().hex, fingerprint="POST /returns {}")

    async def act(uow: DepositsUnitOfWork) -> _Ok:
        deposit = await use_cases.return_deposit(
            uow=uow, staff=_staff(tenant_id), deposit_id=deposit_id, now=NOW, **PARTIAL
        )
        return _Ok(receipt_number=deposit.returns[-1].receipt_number)

    responses = await asyncio.gather(
        *(run_command(DepositsUnitOfWork(engine), request, act, status_code=201) for _ in range(3))
    )

    assert {(r.status_code, r.body) for r in responses} == {(201, b'{"receipt_number":"DEPRR-2026-0001"}')}
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == ["", "true", "true"]
    audit, _ = await recorded(engine, kernel, deposit_id)
    assert [row.action for row in audit].count("deposit.returned.v1") == 1
