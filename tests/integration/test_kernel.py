"""The shared kernel on the real PostgreSQL and broker: gapless numbers, the outbox relay,
idempotent consumers and idempotency keys."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.deposits.adapters.tables import kernel
from shared.actors import SYSTEM
from shared.clock import Clock
from shared.contracts.catalogue import DEAD_LETTERS, DEPOSITS, TOPICS
from shared.contracts.deposits import DepositRequested, DepositStatus
from shared.contracts.envelope import Envelope, EventContext, InternalFact, Subject
from shared.db import IdempotentRequest, StoredResponse, UnitOfWork
from shared.db.stores import APPLIED, DEAD_LETTERED
from shared.messaging.broker import declare_publishers, ensure_topics, make_broker
from shared.messaging.consumer import EventConsumer
from shared.messaging.relay import OutboxRelay
from shared.numbering import NumberSequence
from shared.settings import KafkaSettings
from tests.helpers import eventually

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "deposits", "kernel_it"
POOL_SIZE = 60


def uow(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(engine, kernel, "mudjam/test")


class Acted(InternalFact):
    event_type = "test.acted"


def requested(tenant_id: str, number: str) -> DepositRequested:
    return DepositRequested(
        deposit_id=uuid4(),
        deposit_number=number,
        customer_id="c1",
        status=DepositStatus.PENDING,
        amount=Decimal("100"),
        requested_on=datetime.now(UTC).date(),
    )


async def test_fifty_concurrent_allocations_are_consecutive_and_a_rollback_leaves_no_gap(
    engine: AsyncEngine,
) -> None:
    tenant_id = f"t-{uuid4().hex[:8]}"

    async def allocate(commit: bool) -> str | None:
        async with uow(engine) as work:
            number = await work.numbers.next(tenant_id=tenant_id, sequence=NumberSequence("x", "DEPRR", 2026))
            await asyncio.sleep(0.001)
            if commit:
                await work.commit()
                return number
            return None  # rolled back: the number must be handed out again

    # 56 tries, 6 of them rolled back (i = 3, 13, …, 53): 50 numbers with no gap.
    results = await asyncio.gather(*(allocate(commit=i % 10 != 3) for i in range(56)))

    committed = sorted(n for n in results if n)
    assert committed == [f"DEPRR-2026-{i:04d}" for i in range(1, 51)]


async def _consume(bootstrap: str, topic: str, tenant_id: str, count: int) -> list[dict]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=f"test-{uuid4().hex}", auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[dict] = []
    try:
        async with asyncio.timeout(20):
            while len(found) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for record in records:
                        envelope = json.loads(record.value)
                        if envelope["tenant_id"] == tenant_id:
                            found.append(envelope)
    finally:
        await consumer.stop()
    return found


@contextlib.asynccontextmanager
async def running_relays(engine: AsyncEngine, kafka: KafkaSettings, replicas: int) -> AsyncIterator[None]:
    await ensure_topics(kafka)
    brokers = [make_broker(kafka, client_id=f"relay-{i}") for i in range(replicas)]
    relays = []
    for broker in brokers:
        relays.append(OutboxRelay(engine, kernel, declare_publishers(broker, TOPICS), service="kernel-test"))
        await broker.connect()
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for broker in brokers:
            await broker.stop()


async def test_relay_publishes_committed_events_once_in_commit_order_even_with_two_replicas(
    engine: AsyncEngine, kafka: KafkaSettings
) -> None:
    tenant_id = f"t-{uuid4().hex[:8]}"
    subject = str(uuid4())
    async with running_relays(engine, kafka, replicas=2):
        for i in range(1, 21):
            async with uow(engine) as work:
                await work.record(
                    requested(tenant_id, f"DEP-{i}"),
                    about=Subject("deposit", subject, tenant_id),
                    actor=SYSTEM,
                    at=datetime.now(UTC),
                )
                if i % 5 == 0:
                    continue  # rolled back: never published
                await work.commit()
        received = await _consume(kafka.bootstrap_servers, DEPOSITS.name, tenant_id, 16)
        await asyncio.sleep(1)  # a duplicate from the second replica would arrive by now
        again = await _consume(kafka.bootstrap_servers, DEPOSITS.name, tenant_id, 16)

    numbers = [e["data"]["deposit_number"] for e in received]
    assert numbers == [f"DEP-{i}" for i in range(1, 21) if i % 5]
    assert len(again) == 16
    async with engine.connect() as conn:
        unsent = await conn.scalar(
            select(func.count()).select_from(kernel.outbox).where(kernel.outbox.c.published_at.is_(None))
        )
    assert unsent == 0


async def _publish(kafka: KafkaSettings, topic: str, value: bytes, key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def _audit_rows(engine: AsyncEngine, subject: str) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(
                select(func.count())
                .select_from(kernel.audit_log)
                .where(kernel.audit_log.c.subject_id == subject)
            )
            or 0
        )


async def test_a_redelivered_event_is_applied_once(engine: AsyncEngine, kafka: KafkaSettings) -> None:
    subject = str(uuid4())

    async def effect(*, uow: UnitOfWork, event: EventContext, fact: object) -> None:
        await uow.record(Acted(), about=Subject("t", subject, event.tenant_id), actor=SYSTEM, at=event.now)

    consumer = EventConsumer(
        "kernel-test",
        uow_factory=lambda: uow(engine),
        handlers={DepositRequested: effect},
        settings=kafka,
        clock=Clock(),
    )
    envelope = Envelope.of(
        requested("t1", "DEP-1"),
        source="test",
        tenant_id="t1",
        subject=subject,
        time=datetime.now(UTC),
        correlation_id="c",
    )

    applied = [await consumer.apply(envelope) for _ in range(3)]

    assert applied == [True, False, False]
    assert await _audit_rows(engine, subject) == 1


async def test_a_dead_lettered_event_redriven_twice_at_once_is_applied_once(
    engine: AsyncEngine, kafka: KafkaSettings
) -> None:
    subject = str(uuid4())

    async def effect(*, uow: UnitOfWork, event: EventContext, fact: object) -> None:
        await uow.record(Acted(), about=Subject("t", subject, event.tenant_id), actor=SYSTEM, at=event.now)

    consumer = EventConsumer(
        "redrive-test",
        uow_factory=lambda: uow(engine),
        handlers={DepositRequested: effect},
        settings=kafka,
        clock=Clock(),
    )
    envelope = Envelope.of(
        requested("t1", "DEP-1"),
        source="test",
        tenant_id="t1",
        subject=subject,
        time=datetime.now(UTC),
        correlation_id="c",
    )
    async with uow(engine) as work:
        assert await work.processed.claim(consumer.name, envelope.id, outcome=DEAD_LETTERED)
        await work.commit()
    async with uow(engine) as work:
        second_notice = await work.processed.claim(consumer.name, envelope.id, outcome=DEAD_LETTERED)

    applied = await asyncio.gather(*(consumer.apply(envelope) for _ in range(4)))

    assert not second_notice
    assert sorted(applied) == [False, False, False, True]
    assert await consumer.apply(envelope) is False
    assert await _audit_rows(engine, subject) == 1
    async with uow(engine) as work:
        assert await work.processed.outcomes(consumer.name, [envelope.id]) == {envelope.id: APPLIED}


async def test_a_poison_message_is_dead_lettered_once_and_the_consumer_moves_on(
    engine: AsyncEngine, kafka: KafkaSettings
) -> None:
    tenant_id = f"t-{uuid4().hex[:8]}"
    attempts: list[str] = []
    applied: list[str] = []

    async def effect(*, uow: UnitOfWork, event: EventContext, fact: DepositRequested) -> None:
        if event.tenant_id != tenant_id:
            return  # other tests' events on the same topic
        attempts.append(fact.deposit_number)
        if fact.deposit_number == "POISON":
            raise ValueError("cannot apply this one")
        applied.append(fact.deposit_number)

    consumer = EventConsumer(
        f"poison-test-{uuid4().hex[:6]}",
        uow_factory=lambda: uow(engine),
        handlers={DepositRequested: effect},
        settings=kafka,
        clock=Clock(),
    )
    broker = make_broker(kafka, client_id="poison-test")
    consumer.subscribe(broker, (DEPOSITS,))
    for number in ("POISON", "GOOD"):
        envelope = Envelope.of(
            requested(tenant_id, number),
            source="test",
            tenant_id=tenant_id,
            subject="same-key",
            time=datetime.now(UTC),
            correlation_id="c",
        )
        await _publish(kafka, DEPOSITS.name, envelope.model_dump_json().encode(), b"same-key")

    async with running_relays(engine, kafka, replicas=1):
        await broker.start()
        try:
            await eventually(lambda: _true(applied == ["GOOD"]))
            dead = await _consume(kafka.bootstrap_servers, DEAD_LETTERS.name, tenant_id, 1)
        finally:
            await broker.stop()

    assert attempts.count("POISON") == kafka.max_attempts
    assert dead[0]["data"]["original_event_type"] == "deposit.requested.v1"
    assert "cannot apply this one" in dead[0]["data"]["error"]


async def _true(value: bool) -> bool:
    return value


async def test_the_same_idempotency_key_sent_twice_at_once_acts_once(engine: AsyncEngine) -> None:
    request = IdempotentRequest(tenant_id="t1", key=uuid4().hex, fingerprint="f")
    subject = str(uuid4())

    async def command() -> StoredResponse:
        async with uow(engine) as work:
            stored = await work.idempotency.claim(request)
            if stored is not None:
                return stored
            await work.record(Acted(), about=Subject("t", subject, "t1"), actor=SYSTEM, at=datetime.now(UTC))
            await asyncio.sleep(0.05)
            response = StoredResponse(201, {"done": True})
            await work.idempotency.complete(request, response)
            await work.commit()
            return response

    responses = await asyncio.gather(command(), command(), command())

    assert {r.status_code for r in responses} == {201}
    assert await _audit_rows(engine, subject) == 1


async def test_a_pooled_connection_killed_while_idle_is_replaced_before_a_request_uses_it(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database ended a connection (a restart, an idle timeout) while it sat in the pool: the
    checkout's ping finds it gone and hands out another, so the request never sees the error."""
    from shared.db import engine as engine_module

    backend = text("select pg_backend_pid()")
    await engine.dispose()
    idle = await engine.connect()
    victim = (await idle.execute(backend)).scalar_one()
    async with engine.connect() as killer:
        await idle.close()  # back in the pool, first in line
        await killer.execute(text("select pg_terminate_backend(:pid)"), {"pid": victim})

    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)
    async with engine.connect() as conn:
        assert (await conn.execute(backend)).scalar_one() != victim
