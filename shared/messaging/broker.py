"""The Kafka broker each service uses, and the topics it expects to exist."""

import contextlib
import logging
from typing import Annotated, Any, Literal

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.publisher import DefaultPublisher
from pydantic import Field, create_model

from shared.contracts.catalogue import TOPICS, Topic
from shared.contracts.envelope import Envelope, EventPayload
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


def make_broker(settings: KafkaSettings, *, client_id: str) -> KafkaBroker:
    # acks=all and no idempotent producer / transactions: the relay and idempotent consumers give
    # exactly-once effects on any Kafka-protocol broker (tansu does not support either feature).
    return KafkaBroker(
        settings.bootstrap_servers, client_id=client_id, acks="all", logger=log, log_level=logging.DEBUG
    )


async def ensure_topics(settings: KafkaSettings, topics: tuple[Topic, ...] = TOPICS) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, client_id="mudjam-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(t.name, num_partitions=t.partitions, replication_factor=settings.replication_factor)
            for t in topics
            if t.name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another service created it first
                await admin.create_topics(missing)
    finally:
        await admin.close()


def _event_schema(event: type[EventPayload]) -> type[Envelope]:
    event_type: Any = Literal[event.event_type]
    return create_model(
        f"{event.__name__}Event",
        __base__=Envelope,
        __doc__=f"`{event.event_type}`: {(event.__doc__ or '').strip()}",
        type=(event_type, ...),
        data=(event, ...),
    )


def topic_schema(topic: Topic) -> object:
    """The message schema of a topic: the envelope, discriminated by event type."""
    schemas = tuple(_event_schema(event) for event in topic.events)
    if len(schemas) == 1:
        return schemas[0]
    union = schemas[0]
    for schema in schemas[1:]:
        union = union | schema  # type: ignore[assignment]
    return Annotated[union, Field(discriminator="type")]


def declare_publishers(broker: KafkaBroker, topics: tuple[Topic, ...]) -> dict[str, DefaultPublisher]:
    """Publishers for the topics a service produces; they document its contract in AsyncAPI."""
    return {
        t.name: broker.publisher(t.name, title=t.name, description=t.description, schema=topic_schema(t))
        for t in topics
    }
