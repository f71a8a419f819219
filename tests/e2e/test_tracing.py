"""One correlation id follows a staff request through every event and log line it causes (SPEC §2)."""

import json
from decimal import Decimal
from uuid import uuid4

import pytest

from tests.helpers import eventually
from tests.system import System

pytestmark = pytest.mark.e2e


async def test_a_returns_correlation_id_reaches_its_events_and_every_services_logs(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("2000"))
    correlation = f"return-{uuid4().hex}"

    response = await system.http.post(
        f"{system.url('deposits')}/v1/deposits/{deposit['id']}/returns",
        json={"kind": "full", "method": "cash", "reference": "Cash, in person"},
        headers={**system.staff(tenant_id), "Idempotency-Key": uuid4().hex, "X-Correlation-ID": correlation},
    )
    assert response.headers["X-Correlation-ID"] == correlation
    number = response.json()["returns"][0]["receipt_number"]

    async def chain() -> tuple[dict, dict]:
        events = [
            e
            for e in await system.events("mudjam.deposits.v1", "mudjam.documents.v1")
            if e["correlation_id"] == correlation
        ]
        returned = [e for e in events if e["type"] == "deposit.returned.v1"]
        rendered = [
            e for e in events if e["type"] == "document.rendered.v1" and e["data"]["number"] == number
        ]
        assert returned, "deposit.returned not published yet"
        assert rendered, "document.rendered not published yet"
        return returned[0], rendered[0]

    returned, rendered = await eventually(chain, timeout_s=30)
    assert rendered["causation_id"] == returned["id"]

    async def logged_by(service: str) -> bool:
        lines = (system.stack.logs / f"{service}.log").read_text().splitlines()
        entries = [json.loads(line) for line in lines if line.startswith("{") and correlation in line]
        assert entries, f"{service} logged nothing for {correlation}"
        return all(entry["correlation_id"] == correlation for entry in entries)

    for service in ("deposits", "documents", "portal", "notifications"):
        assert await eventually(lambda service=service: logged_by(service), timeout_s=30)
