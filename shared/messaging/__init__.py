from shared.messaging.broker import ensure_topics, make_broker
from shared.messaging.consumer import EventConsumer
from shared.messaging.relay import OutboxRelay

__all__ = ["EventConsumer", "OutboxRelay", "ensure_topics", "make_broker"]
