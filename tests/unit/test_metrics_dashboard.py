"""The Grafana dashboard in deploy/ charts only metrics the services export: every metric name in its
queries is registered once the five services' metrics are imported."""

import importlib
import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

DASHBOARD = json.loads((Path(__file__).parents[2] / "deploy/grafana/mudjam-dashboard.json").read_text())
METRIC = re.compile(r"\b((?:mudjam|documents|notifications)_[a-z_]+)\b")


def _exported() -> set[str]:
    for module in (
        "shared.metrics",
        "services.documents.adapters.metrics",
        "services.notifications.adapters.metrics",
    ):
        importlib.import_module(module)
    return {collector.name for collector in REGISTRY.collect()}


def _family(name: str) -> str:
    """The metric family a series name belongs to (a histogram's _bucket, a counter's _total)."""
    return re.sub(r"_(bucket|count|sum|total|created)$", "", name)


def test_every_metric_the_dashboard_charts_is_exported() -> None:
    charted = {
        name
        for panel in DASHBOARD["panels"]
        for target in panel["targets"]
        for name in METRIC.findall(target["expr"])
    }
    assert charted
    assert {_family(name) for name in charted} - _exported() == set()


def test_the_dashboard_covers_http_consumers_outbox_dead_letters_notices_and_renders() -> None:
    exprs = " ".join(t["expr"] for p in DASHBOARD["panels"] for t in p["targets"])
    for family in (
        "mudjam_http_request_duration_seconds",
        "mudjam_consumer_apply_seconds",
        "mudjam_consumer_lag_messages",
        "mudjam_outbox_backlog",
        "mudjam_outbox_oldest_age_seconds",
        "mudjam_events_dead_lettered_total",
        "notifications_notices_open",
        "documents_render_jobs_waiting",
    ):
        assert family in exprs
