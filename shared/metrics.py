"""Prometheus metrics every service has (served on /metrics): HTTP requests by route and status,
events applied per consumer (time and lag), dead letters, and the outbox's backlog. Service-specific
ones (the render queue, notices) live beside their service."""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUEST_SECONDS = Histogram(
    "mudjam_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENT_APPLY_SECONDS = Histogram(
    "mudjam_consumer_apply_seconds",
    "Time for a consumer to apply one event (its use cases and their commit)",
    ["consumer", "event_type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
CONSUMER_LAG = Gauge(
    "mudjam_consumer_lag_messages",
    "Messages behind the partition's end when the consumer took its latest message",
    ["consumer", "topic", "partition"],
)
EVENTS_DEAD_LETTERED = Counter(
    "mudjam_events_dead_lettered_total", "Events a consumer gave up on and dead-lettered", ["consumer"]
)
OUTBOX_BACKLOG = Gauge("mudjam_outbox_backlog", "Outbox rows committed and not yet published")
OUTBOX_OLDEST_AGE = Gauge(
    "mudjam_outbox_oldest_age_seconds", "Age of the oldest outbox row not yet published (0 when none)"
)
