"""The topic table in docs/architecture.md is what integrators read: it lists every event of each
topic and exactly the services whose handler tables consume them."""

import re
from pathlib import Path

import pytest

from services.billing.entrypoints import events as billing
from services.deposits.entrypoints import events as deposits
from services.documents.entrypoints import events as documents
from services.notifications.entrypoints import events as notifications
from services.portal.entrypoints import events as portal
from shared.contracts.catalogue import TOPICS, Topic
from shared.settings import AuthSettings

ARCHITECTURE = Path(__file__).parents[2] / "docs" / "architecture.md"
SERVICES = ("deposits", "billing", "documents", "notifications", "portal")


def _consumed_by_service() -> dict[str, set[str]]:
    tables = {
        "deposits": deposits.HANDLERS,
        "billing": billing.HANDLERS,
        "documents": documents.handlers(storage=None, intake_max_bytes=1),  # type: ignore[arg-type]
        "notifications": notifications.handlers(portal_url="http://portal", auth=AuthSettings()),
        "portal": portal.HANDLERS,
    }
    return {service: {payload.event_type for payload in table} for service, table in tables.items()}


def _documented_rows() -> dict[str, tuple[set[str], set[str]]]:
    """topic → (event types named in the row, the services in its "consumed by" column)."""
    rows = {}
    for line in ARCHITECTURE.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.fullmatch(r"`[\w.]+\.v\d+`", cells[0]):
            continue
        topic, _key, events, _publisher, consumers = cells
        named = set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)+\.v\d+)`", events))
        services = set(SERVICES) if consumers == "all five" else set(re.split(r",\s*", consumers))
        rows[topic.strip("`")] = (named, services)
    return rows


@pytest.mark.parametrize("topic", TOPICS, ids=lambda topic: topic.name)
def test_the_architecture_topic_table_lists_each_topic_s_events_and_consumers(topic: Topic) -> None:
    consumed = _consumed_by_service()
    events = {payload.event_type for payload in topic.events}

    named, documented = _documented_rows()[topic.name]

    assert named == events
    assert documented == {service for service, types in consumed.items() if types & events}
