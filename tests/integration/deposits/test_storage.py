"""Deposits' storage and use cases on the real PostgreSQL: a deposit reads back as it was saved, a
state change commits with its audit row and event, concurrent commands queue on the row and the
number sequence, replayed upstream events and retried commands act once, a job's stages are kept
in the order they happened, and inspections and collection proofs read back as kept."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from alembic import command
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import services.deposits
from services.deposits import use_cases
from services.deposits.adapters.repository import DepositFilter
from services.deposits.adapters.tables import kernel
from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.domain import DamageEstimate, DepositNotHeld, InspectedItem, Job, JobNotClosed
from services.deposits.entrypoints.events import HANDLERS
from shared.auth import Principal
from shared.clock import Clock
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import (
    CustomerUpserted,
    InspectionCompleted,
    JobClosed,
    JobStageChanged,
    QuoteAccepted,
    TenantSettingsUpdated,
)
from shared.db import IdempotentRequest, make_engine
from shared.messaging.consumer import EventConsumer
from shared.migrations import alembic_config, create_database_if_missing
from shared.settings import KafkaSettings
from shared.web import run_command
from tests.conftest import Infrastructure
from tests.helpers import slip_screenshot
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


def _event(
    tenant_id: str, payload: EventPayload, branch_id: str | None = "bkk", time: datetime = NOW
) -> Envelope:
    return Envelope.of(
        payload,
        source="tests",
        tenant_id=tenant_id,
        branch_id=branch_id,
        subject="s",
        time=time,
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
    engine: AsyncEngine,
    tenant_id: str,
    amount: str = "20000.50",
    branch_id: str = "bkk",
    job_id: str | None = None,
) -> UUID:
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await use_cases.request_deposit_by_staff(
            uow=uow,
            staff=_staff(tenant_id),
            branch_id=branch_id,
            customer_id="c1",
            amount=Decimal(amount),
            job_id=job_id,
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


def _job(stage: str, **fields: Any) -> JobStageChanged | JobClosed:
    snapshot = {"job_id": "J-1", "job_number": "J-1001", "customer_id": "c1", "stage": stage, **fields}
    if stage == "closed":
        return JobClosed.model_validate(snapshot)
    return JobStageChanged.model_validate(snapshot)


async def _job_known(engine: AsyncEngine, tenant_id: str, job_id: str = "J-1") -> Job | None:
    async with DepositsUnitOfWork(engine) as uow:
        return await uow.reference.job(tenant_id, job_id)


async def test_a_job_s_stages_are_kept_in_the_order_they_happened(engine: AsyncEngine) -> None:
    tenant_id = await _tenant(engine)
    consumer = _consumer(engine)
    deposit_id = await _held(engine, tenant_id, job_id="J-1")
    closed_at = datetime(2026, 11, 20, 9, tzinfo=UTC)  # a Friday, 16:00 in Bangkok
    on_site = _event(tenant_id, _job("on_site"), time=closed_at - timedelta(days=3))

    await consumer.apply(on_site)
    assert await _job_known(engine, tenant_id) == Job(tenant_id, "J-1", "J-1001", "on_site")
    await consumer.apply(_event(tenant_id, _job("returning"), time=closed_at - timedelta(hours=2)))
    await consumer.apply(_event(tenant_id, _job("closed", closed_at=closed_at.isoformat()), time=closed_at))
    # The on-site snapshot again, published anew (another event id) after the job closed.
    await consumer.apply(_event(tenant_id, _job("on_site"), time=closed_at - timedelta(days=3)))

    assert await _job_known(engine, tenant_id) == Job(
        tenant_id, "J-1", "J-1001", "closed", date(2026, 11, 20)
    )
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await uow.deposits.get(tenant_id, deposit_id)
    assert deposit is not None
    assert (deposit.job_closed_on, deposit.return_due_on) == (date(2026, 11, 20), date(2026, 11, 27))


async def test_a_return_refused_until_the_job_closes_leaves_no_trace_and_takes_no_number(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    consumer = _consumer(engine)
    await consumer.apply(_event(tenant_id, _job("on_site")))
    deposit_id = await _held(engine, tenant_id, job_id="J-1")
    before = await recorded(engine, kernel, deposit_id)

    with pytest.raises(JobNotClosed) as refused:
        await _return(engine, tenant_id, deposit_id)

    assert refused.value.message == "Job J-1001 is on site; return its deposit once the job has closed"
    assert await recorded(engine, kernel, deposit_id) == before
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await uow.deposits.get(tenant_id, deposit_id)
    assert deposit is not None
    assert (deposit.status, deposit.returns) == (DepositStatus.HELD, [])
    closed = _event(tenant_id, _job("closed", closed_at=NOW.isoformat()), time=NOW + timedelta(seconds=1))
    await consumer.apply(closed)
    returned = await _return(engine, tenant_id, deposit_id)
    assert [r.receipt_number for r in returned.returns] == ["DEPRR-2026-0001"]


async def test_a_job_s_inspection_reads_back_on_its_deposit_to_the_satang(engine: AsyncEngine) -> None:
    tenant_id = await _tenant(engine)
    consumer = _consumer(engine)
    deposit_id = await _held(engine, tenant_id, job_id="J-1")
    inspected_at = datetime(2026, 11, 20, 8, tzinfo=UTC)
    inspection = {
        "inspection_id": "INSP-1",
        "job_id": "J-1",
        "inspected_at": inspected_at.isoformat(),
        "conditions": [
            {"item": "Generator 20 kVA", "condition": "good"},
            {"item": "Water pump 3 inch", "condition": "damaged", "notes": "cracked filter housing"},
        ],
        "damage_estimates": [
            {"description": "Filter housing", "amount": "4500.25"},
            {"description": "Cleaning", "amount": "500.50"},
        ],
    }
    first = InspectionCompleted.model_validate(inspection)
    corrected = InspectionCompleted.model_validate(
        {**inspection, "damage_estimates": [{"description": "Filter housing", "amount": "3999.99"}]}
    )

    await consumer.apply(_event(tenant_id, first, time=inspected_at))
    async with DepositsUnitOfWork(engine) as uow:
        detail = await use_cases.get_deposit(uow=uow, staff=_staff(tenant_id), deposit_id=deposit_id)
    [kept] = detail.inspections
    assert (kept.inspection_id, kept.inspected_at) == ("INSP-1", inspected_at)
    assert kept.conditions == (
        InspectedItem("Generator 20 kVA", "good", ""),
        InspectedItem("Water pump 3 inch", "damaged", "cracked filter housing"),
    )
    assert kept.damage_estimates == (
        DamageEstimate("Filter housing", Decimal("4500.25")),
        DamageEstimate("Cleaning", Decimal("500.50")),
    )
    assert kept.estimated_damage == Decimal("5000.75")

    await consumer.apply(_event(tenant_id, corrected, time=inspected_at + timedelta(hours=1)))
    await consumer.apply(_event(tenant_id, first, time=inspected_at))  # the first, published anew
    async with DepositsUnitOfWork(engine) as uow:
        [kept] = await uow.reference.inspections_of_job(tenant_id, "J-1")
        others = await uow.reference.inspections_of_job(tenant_id, "J-2")
    assert kept.damage_estimates == (DamageEstimate("Filter housing", Decimal("3999.99")),)
    assert others == []


async def test_a_collection_proof_reads_back_byte_for_byte_and_marks_its_collection(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    deposit_id = await _held(engine, tenant_id)
    image = slip_screenshot()
    async with DepositsUnitOfWork(engine) as uow:
        deposit = await uow.deposits.get(tenant_id, deposit_id)
        assert deposit is not None
        collection_id = deposit.collections[0].id
        await use_cases.attach_collection_proof(
            uow=uow,
            staff=_staff(tenant_id),
            deposit_id=deposit_id,
            collection_id=collection_id,
            content=image,
            now=NOW,
        )
        await uow.commit()

    async with DepositsUnitOfWork(engine) as uow:
        deposit = await uow.deposits.get(tenant_id, deposit_id)
        proof = await use_cases.collection_proof(
            uow=uow, staff=_staff(tenant_id), deposit_id=deposit_id, collection_id=collection_id
        )
    assert deposit is not None
    assert deposit.collections[0].has_proof
    assert (proof.content, proof.content_type) == (image, "image/png")
    audit, outbox = await recorded(engine, kernel, deposit_id)
    assert audit[-1].action == "deposit.collection_proof_attached"
    assert audit[-1].details["receipt_number"] == deposit.collections[0].receipt_number
    assert outbox[-1].event_type == "deposit.collected.v1"  # the proof is not announced


async def test_jobs_known_closed_before_stages_were_kept_stay_closed_after_the_upgrade(
    infra: Infrastructure,
) -> None:
    url = infra.database_url(f"deposits_upgrade_{uuid4().hex[:8]}")
    await create_database_if_missing(url)
    config = alembic_config(Path(services.deposits.__file__).parent / "migrations", url)
    await asyncio.to_thread(command.upgrade, config, "0001")
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO closed_jobs VALUES ('t1', 'J-OLD', :closed_on)"),
                {"closed_on": date(2026, 11, 2)},
            )
        await asyncio.to_thread(command.upgrade, config, "head")

        job = await _job_known(engine, "t1", "J-OLD")
        assert job == Job("t1", "J-OLD", "", "closed", date(2026, 11, 2))
        assert (job.name, job.allows_return) == ("J-OLD", True)
        await asyncio.to_thread(command.downgrade, config, "0001")
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT tenant_id, job_id, closed_on FROM closed_jobs"))).all()
        assert [tuple(r) for r in rows] == [("t1", "J-OLD", date(2026, 11, 2))]
    finally:
        await engine.dispose()
