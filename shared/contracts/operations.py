"""Events about the system itself: messages a consumer gave up on."""

from shared.contracts.envelope import EventPayload


class EventDeadLettered(EventPayload):
    event_type = "event.dead_lettered.v1"

    consumer: str
    original_topic: str
    partition: int
    offset: int
    original_event_id: str | None
    original_event_type: str | None
    error: str
    original_message: str  # the raw message, cut to a readable length
