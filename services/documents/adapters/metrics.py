"""Prometheus metrics of the render queue (served on /metrics)."""

from prometheus_client import Counter, Gauge, Histogram

RENDER_SECONDS = Histogram(
    "documents_render_seconds",
    "Time to render one document version, both language PDFs",
    ["kind"],
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
RENDERED = Counter("documents_rendered_total", "Document versions rendered and announced", ["kind"])
RENDER_FAILURES = Counter(
    "documents_render_failures_total",
    "Failed render attempts: outcome=retry (scheduled again) or failed (attempts spent)",
    ["kind", "outcome"],
)
JOBS_WAITING = Gauge("documents_render_jobs_waiting", "Render jobs pending or rendering, all replicas")
QUEUE_LAG = Gauge(
    "documents_render_queue_lag_seconds", "How long the longest-waiting due render job has been due"
)
