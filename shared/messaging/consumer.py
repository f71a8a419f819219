"""Idempotent consumers: each event's effect and its (consumer, event id) record commit together,
so redelivery and replay change nothing. A consumer is a table from event type to use case: each use
case is called with the unit of work, the event's context and its typed payload
(`use_case(uow=…, event=…, fact=…)`). Failures retry with backoff; after the bounded attempts
the message goes to the dead-letter topic (through the outbox, exactly once) and the consumer
moves on. Lost database connections are retried without limit: that is an outage, not a poison
message, and the offset is not committed until the event is applied."""

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from aiokafka import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from shared.actors import SYSTEM
from shared.clock import Clock
from shared.context import bound
from shared.contracts.catalogue import Topic
from shared.contracts.envelope import Envelope, EventContext, EventPayload, Subject
from shared.contracts.operations import EventDeadLettered
from shared.db.stores import DEAD_LETTERED
from shared.db.uow import UnitOfWork
from shared.errors import UnprocessableEvent
from shared.metrics import CONSUMER_LAG, EVENT_APPLY_SECONDS, EVENTS_DEAD_LETTERED
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


class EventHandler(Protocol):
    """A use case applying one event type: `uow` is the service's unit of work, `fact` the payload."""

    def __call__(self, *, uow: Any, event: EventContext, fact: Any) -> Awaitable[object]: ...


# Event type → the use case applying it, or several applied in order in one transaction.
HandlerTable = Mapping[type[EventPayload], EventHandler | tuple[EventHandler, ...]]
_TRANSIENT = (OperationalError, InterfaceError, ConnectionError, OSError)
_MAX_RAW_CHARS = 4000
_TENANT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
UNKNOWN_TENANT = "unknown"


def _position(message: KafkaMessage) -> tuple[str, int, int]:
    record = message.raw_message
    assert not isinstance(record, tuple), "consumers take one message at a time"
    return record.topic, record.partition, record.offset


def _claimed_tenant(body: bytes) -> str:
    """The tenant a broken message names, so that tenant's staff see its alert; else "unknown"."""
    try:
        tenant_id = json.loads(body).get("tenant_id")
    except (ValueError, AttributeError):
        return UNKNOWN_TENANT
    return tenant_id if isinstance(tenant_id, str) and _TENANT_ID.fullmatch(tenant_id) else UNKNOWN_TENANT


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _TRANSIENT)


class EventConsumer:
    def __init__(
        self,
        name: str,
        *,
        uow_factory: Callable[[], UnitOfWork],
        handlers: HandlerTable,
        settings: KafkaSettings,
        clock: Clock,
    ) -> None:
        self.name = name
        self._uow_factory, self._handlers, self._settings, self._clock = (
            uow_factory,
            handlers,
            settings,
            clock,
        )
        self._by_type = {
            event.event_type: use_cases if isinstance(use_cases, tuple) else (use_cases,)
            for event, use_cases in handlers.items()
        }

    def subscribe(self, broker: KafkaBroker, topics: tuple[Topic, ...]) -> None:
        broker.subscriber(
            *(t.name for t in topics),
            group_id=self.name,
            title=self.name,
            auto_offset_reset="earliest",
            # Commit the offset only after the event is applied; if the handler itself ever fails
            # (it catches everything it can), seek back so the message is not lost.
            ack_policy=AckPolicy.NACK_ON_ERROR,
            session_timeout_ms=self._settings.session_timeout_ms,
            heartbeat_interval_ms=self._settings.heartbeat_interval_ms,
            fetch_max_wait_ms=self._settings.fetch_max_wait_ms,
            fetch_min_bytes=self._settings.fetch_min_bytes,
        )(self.handle)

    async def handle(self, message: KafkaMessage) -> None:
        # Takes the raw message, not a decoded body: a body FastStream cannot coerce would otherwise
        # fail before this code runs, and be acknowledged without ever reaching the dead-letter topic.
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError as error:
            topic, partition, offset = _position(message)
            event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"kafka:{topic}/{partition}/{offset}")
            await self._dead_letter(message, event_id, None, error)
            return
        _record_lag(self.name, message)
        if envelope.type not in self._by_type:
            return  # not an event this consumer applies
        with bound(correlation=envelope.correlation_id, causation=str(envelope.id)):
            await self._apply(message, envelope)

    async def apply(self, envelope: Envelope) -> bool:
        """Applies one event once; False when it was already applied. Raises what the handler raises."""
        use_cases = self._by_type[envelope.type]
        payload = envelope.payload()
        started = time.perf_counter()
        async with self._uow_factory() as uow:
            if not await uow.processed.claim(self.name, envelope.id):
                log.debug("%s already applied %s %s", self.name, envelope.type, envelope.id)
                return False
            event = envelope.context(now=self._clock.now())
            for use_case in use_cases:
                await use_case(uow=uow, event=event, fact=payload)
            await uow.commit()
        EVENT_APPLY_SECONDS.labels(self.name, envelope.type).observe(time.perf_counter() - started)
        log.info(
            "%s applied %s %s", self.name, envelope.type, envelope.id, extra={"subject": envelope.subject}
        )
        return True

    def applies(self, event_type: str) -> bool:
        return event_type in self._by_type

    async def apply_in_replay(self, envelope: Envelope) -> bool:
        """For a rebuild from the topics: applies the event, or, when it fails, records it
        dead-lettered (no retries, no second notice: a replay reports its failures itself).
        False when it failed."""
        try:
            await self.apply(envelope)
            return True
        except Exception:
            log.exception("%s failed on %s %s in a replay", self.name, envelope.type, envelope.id)
        async with self._uow_factory() as uow:
            await uow.processed.claim(self.name, envelope.id, outcome=DEAD_LETTERED)
            await uow.commit()
        return False

    async def _apply(self, message: KafkaMessage, envelope: Envelope) -> None:
        attempt = 0
        delay = self._settings.retry_initial_delay_s
        while True:
            attempt += 1
            try:
                await self.apply(envelope)
                return
            except Exception as error:
                poison = isinstance(error, ValidationError | UnprocessableEvent) or (
                    not _is_transient(error) and attempt >= self._settings.max_attempts
                )
                log.warning(
                    "consumer %s failed on %s %s (attempt %d)",
                    self.name,
                    envelope.type,
                    envelope.id,
                    attempt,
                    exc_info=True,
                )
                if poison:
                    await self._dead_letter(message, envelope.id, envelope, error)
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._settings.retry_max_delay_s)

    async def _dead_letter(
        self, message: KafkaMessage, event_id: uuid.UUID, envelope: Envelope | None, error: BaseException
    ) -> None:
        topic, partition, offset = _position(message)
        notice = EventDeadLettered(
            consumer=self.name,
            original_topic=topic,
            partition=partition,
            offset=offset,
            original_event_id=str(envelope.id) if envelope else None,
            original_event_type=envelope.type if envelope else None,
            error=f"{type(error).__name__}: {error}"[:_MAX_RAW_CHARS],
            original_message=message.body.decode("utf-8", "replace")[:_MAX_RAW_CHARS],
        )
        while True:
            try:
                async with self._uow_factory() as uow:
                    if await uow.processed.claim(self.name, event_id, outcome=DEAD_LETTERED):
                        about = Subject(
                            "event",
                            event_id,
                            tenant_id=envelope.tenant_id if envelope else _claimed_tenant(message.body),
                            branch_id=envelope.branch_id if envelope else None,
                        )
                        await uow.record(notice, about=about, actor=SYSTEM, at=self._clock.now())
                        await uow.commit()
                        EVENTS_DEAD_LETTERED.labels(self.name).inc()
                log.error("consumer %s dead-lettered %s: %s", self.name, event_id, notice.error)
                return
            except Exception:
                log.exception("could not dead-letter %s; retrying", event_id)
                await asyncio.sleep(self._settings.retry_max_delay_s)


def _record_lag(consumer: str, message: KafkaMessage) -> None:
    """How far behind its partition's end the consumer is, as of the message it just took."""
    raw: Any = message.raw_message
    kafka_consumer: Any = getattr(message, "consumer", None)
    try:
        end = kafka_consumer.highwater(TopicPartition(raw.topic, raw.partition))
    except Exception:  # a batch, or a consumer without the call: no figure, and never a failure
        return
    if end is not None:
        CONSUMER_LAG.labels(consumer, raw.topic, str(raw.partition)).set(max(end - raw.offset - 1, 0))
