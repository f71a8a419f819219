"""`mudjam dead-letters list|show|redrive`: the events a consumer gave up on, and sending them again
once the cause is fixed.

The dead-letter topic says which consumer gave up on which message, where that message is (topic,
partition, offset) and why. Whether it has been applied since comes from that consumer's own
`processed_events` table. A redrive publishes the original record again, byte for byte, on its
own topic and key: every consumer that applied it already skips it (same event id), and the
consumer that dead-lettered it applies it once (`ProcessedEvents.claim` lets an applied claim
replace a dead-lettered one, once). So a redrive is safe to repeat, and integrators reading the
topic see the event id again, as with any redelivery."""

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from pydantic import ValidationError
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from mudjam.ops import OpsError
from mudjam.service_databases import database_url
from mudjam.stack import SERVICES
from shared.contracts.catalogue import DEAD_LETTERS
from shared.contracts.envelope import Envelope
from shared.contracts.operations import EventDeadLettered
from shared.db.stores import APPLIED, DEAD_LETTERED, ProcessedEvents
from shared.db.tables import define_kernel_tables

_KERNEL = define_kernel_tables(MetaData())
NOT_AN_EVENT = "not an event"  # a message no consumer could read: nothing to send again


@dataclass(frozen=True)
class DeadLetter:
    id: UUID  # the dead-letter notice's own event id
    at: datetime
    tenant_id: str
    notice: EventDeadLettered
    status: str = DEAD_LETTERED  # applied once re-driven; NOT_AN_EVENT when it cannot be

    @property
    def service(self) -> str:
        return self.notice.consumer.split(".")[0]

    @property
    def event_id(self) -> UUID | None:
        return UUID(self.notice.original_event_id) if self.notice.original_event_id else None


class DeadLetterDesk:
    """Reads the dead-letter topic and the consumers' records; re-drives what they gave up on."""

    def __init__(self, bootstrap: str, state_dir: Path) -> None:
        self._bootstrap, self._state_dir = bootstrap, state_dir
        self._engines: dict[str, AsyncEngine] = {}

    async def __aenter__(self) -> "DeadLetterDesk":
        return self

    async def __aexit__(self, *_: object) -> None:
        for engine in self._engines.values():
            await engine.dispose()

    def _engine(self, service: str) -> AsyncEngine:
        if service not in SERVICES:
            raise OpsError(f"no service runs the consumer {service!r}")
        if service not in self._engines:
            self._engines[service] = create_async_engine(database_url(service, self._state_dir))
        return self._engines[service]

    async def letters(self, *, consumer: str | None = None, tenant_id: str | None = None) -> list[DeadLetter]:
        """Every dead letter on the topic, oldest first, each with what its consumer has done since."""
        letters = []
        for record in await _read(
            self._bootstrap, [TopicPartition(DEAD_LETTERS.name, p) for p in range(DEAD_LETTERS.partitions)]
        ):
            try:
                envelope = Envelope.model_validate_json(record.value or b"")
                notice = EventDeadLettered.model_validate(envelope.data)
            except ValidationError:
                continue  # not a notice: nothing an operator can act on
            if (consumer and notice.consumer != consumer) or (tenant_id and envelope.tenant_id != tenant_id):
                continue
            letters.append(DeadLetter(envelope.id, envelope.time, envelope.tenant_id, notice))
        return await self._with_status(letters)

    async def find(self, prefix: str) -> DeadLetter:
        """The dead letter whose id is or starts with `prefix` (at least 8 characters)."""
        if len(prefix) < 8:
            raise OpsError(f"give at least 8 characters of the id, not {prefix!r}")
        found = [letter for letter in await self.letters() if str(letter.id).startswith(prefix.lower())]
        if not found:
            raise OpsError(f"no dead letter {prefix}")
        if len(found) > 1:
            raise OpsError(f"{len(found)} dead letters start with {prefix}: give more of the id")
        return found[0]

    async def _with_status(self, letters: list[DeadLetter]) -> list[DeadLetter]:
        by_consumer: dict[str, list[UUID]] = {}
        for letter in letters:
            if letter.event_id:
                by_consumer.setdefault(letter.notice.consumer, []).append(letter.event_id)
        outcomes: dict[tuple[str, UUID], str] = {}
        for consumer, event_ids in by_consumer.items():
            for event_id, outcome in (await self.outcomes(consumer, event_ids)).items():
                outcomes[consumer, event_id] = outcome
        return [
            DeadLetter(
                letter.id,
                letter.at,
                letter.tenant_id,
                letter.notice,
                outcomes.get((letter.notice.consumer, letter.event_id), DEAD_LETTERED)
                if letter.event_id
                else NOT_AN_EVENT,
            )
            for letter in letters
        ]

    async def outcomes(self, consumer: str, event_ids: list[UUID]) -> dict[UUID, str]:
        async with self._engine(consumer.split(".")[0]).connect() as conn:
            return await ProcessedEvents(conn, _KERNEL).outcomes(consumer, event_ids)

    async def original(self, letter: DeadLetter) -> ConsumerRecord[bytes, bytes]:
        """The message as the consumer received it, read back from its topic."""
        notice = letter.notice
        partition = TopicPartition(notice.original_topic, notice.partition)
        records = await _read(self._bootstrap, [partition], start=notice.offset, limit=1)
        if not records or records[0].offset != notice.offset:
            raise OpsError(
                f"{notice.original_topic}/{notice.partition}@{notice.offset} is no longer on the broker "
                "(past the topic's retention): publish the event again from its source"
            )
        return records[0]

    async def redrive(self, letter: DeadLetter, *, wait_s: float) -> str:
        """Sends the original again and waits (up to `wait_s`) until its consumer applied it.
        Returns what happened, in words; an event already applied is not sent again."""
        if letter.event_id is None:
            raise OpsError(f"{letter.id} is {NOT_AN_EVENT}: fix its producer, there is nothing to re-drive")
        if letter.status == APPLIED:
            return "already applied, not sent again"
        record = await self.original(letter)
        producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(
                record.topic, record.value, key=record.key, headers=list(record.headers)
            )
        finally:
            await producer.stop()
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            outcome = (await self.outcomes(letter.notice.consumer, [letter.event_id])).get(letter.event_id)
            if outcome == APPLIED:
                return "re-driven and applied"
            await asyncio.sleep(0.2)
        raise OpsError(
            f"{letter.id}: sent again, but {letter.notice.consumer} has not applied it within {wait_s:.0f} s "
            "(still failing? see the service's log)"
        )


async def _read(
    bootstrap: str,
    partitions: Iterable[TopicPartition],
    *,
    start: int | None = None,
    limit: int | None = None,
) -> list[ConsumerRecord[bytes, bytes]]:
    """The records of the partitions from `start` (else the first offset) up to the current end."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50)
    await reader.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        wanted = list(partitions)
        ends = await reader.end_offsets(wanted)
        reader.assign(wanted)
        for partition in wanted:
            if start is None:
                await reader.seek_to_beginning(partition)
            else:
                reader.seek(partition, start)
            taken = 0
            while await reader.position(partition) < ends[partition] and (limit is None or taken < limit):
                for record in (await reader.getmany(partition, timeout_ms=500)).get(partition, []):
                    if limit is None or taken < limit:
                        records.append(record)
                        taken += 1
    finally:
        await reader.stop()
    return records
