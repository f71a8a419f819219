"""Prometheus metrics of the delivery log (served on /metrics)."""

from prometheus_client import Counter, Gauge

NOTICES_OPEN = Gauge(
    "notifications_notices_open",
    "Notices not yet sent: status=pending (due or waiting out a backoff) or waiting_for_document",
    ["status"],
)
NOTICE_ATTEMPTS = Counter(
    "notifications_notice_outcomes_total",
    "Delivery attempts by outcome: sent, pending (to be retried), failed (attempts spent), skipped",
    ["outcome"],
)
WEBHOOK_DELIVERIES = Counter(
    "notifications_webhook_deliveries_total",
    "Webhook delivery attempts by outcome: delivered, retrying (to be tried again), failed (given up)",
    ["outcome"],
)
