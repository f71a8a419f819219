"""Published contracts: the envelope, payload schemas and the topic catalogue."""

from shared.contracts.catalogue import EVENT_TYPES, TOPICS, Topic, topic_of
from shared.contracts.envelope import Envelope, EventPayload

__all__ = ["EVENT_TYPES", "TOPICS", "Envelope", "EventPayload", "Topic", "topic_of"]
