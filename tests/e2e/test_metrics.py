"""Every service's /metrics tells an operator what it is doing (issue 10): requests by route template
and status, events each consumer applied and how long that took, its lag, the outbox's backlog;
notifications its open notices, documents its render queue."""

import re
from decimal import Decimal

import pytest

from tests.helpers import eventually
from tests.system import System

pytestmark = pytest.mark.e2e


def _value(metrics: str, series: str) -> float | None:
    """The value of one series (name and labels exactly as exported), if it is there."""
    match = re.search(rf"^{re.escape(series)} (\S+)$", metrics, re.M)
    return float(match.group(1)) if match else None


async def _metrics(system: System, service: str) -> str:
    return (await system.http.get(f"{system.url(service)}/metrics/")).text


async def test_requests_are_counted_by_route_template_and_status_never_by_id(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.pending_deposit(customer, Decimal("5000"))

    metrics = await _metrics(system, "deposits")

    created = 'mudjam_http_request_duration_seconds_count{method="POST",route="/v1/deposits",status="201"}'
    assert (_value(metrics, created) or 0) >= 1
    assert str(deposit["id"]) not in metrics


async def test_each_consumer_reports_the_events_it_applied_its_lag_and_the_outbox_backlog(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    await system.pending_deposit(customer, Decimal("5000"))

    async def documents_applied_the_request() -> str | None:
        metrics = await _metrics(system, "documents")
        labels = 'consumer="documents.render",event_type="deposit.requested.v1"'
        series = f"mudjam_consumer_apply_seconds_count{{{labels}}}"
        return metrics if (_value(metrics, series) or 0) >= 1 else None

    metrics = await eventually(documents_applied_the_request)
    assert re.search(
        r'^mudjam_consumer_lag_messages\{consumer="documents.render",partition="\d+",topic="[\w.]+"\} \d',
        metrics,
        re.M,
    )
    assert _value(metrics, "mudjam_outbox_backlog") is not None
    assert _value(metrics, "mudjam_outbox_oldest_age_seconds") is not None
    assert _value(metrics, "documents_render_jobs_waiting") is not None


async def test_notifications_reports_its_open_notices(system: System) -> None:
    async def measured() -> str | None:
        metrics = await _metrics(system, "notifications")
        return (
            metrics if _value(metrics, 'notifications_notices_open{status="pending"}') is not None else None
        )

    metrics = await eventually(measured)
    assert _value(metrics, 'notifications_notices_open{status="waiting_for_document"}') is not None
