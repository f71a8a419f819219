"""Signed webhooks as an integrator sees them (SPEC §7): a tenant registers an endpoint, each event
it subscribes to arrives signed the Standard Webhooks way (verified here with the library, every
delivery), under the event's id as `webhook-id`; a failed attempt is retried and the delivery log
says so; another tenant's events never arrive, and its staff cannot see or touch the endpoint."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from mudjam.stack import free_port
from tests.helpers import eventually
from tests.system import Customer, System

pytestmark = pytest.mark.e2e

# The customer's DEPRR is rendered first in the same stack; the webhook does not wait for it, but
# the test's tenant and customer do need every service to have applied them.
DELIVERY_WAIT_S = 60


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str
    verified: bool
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """An integrator's endpoint on 127.0.0.1: it verifies every request's signature with the secret
    registered for its path (401 when it does not verify) and can fail a delivery's first attempt."""

    port: int
    secrets: dict[str, str] = field(default_factory=dict)
    fail_first_attempt: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def answer(self, path: str, headers: dict[str, str], body: str) -> int:
        with self.lock:
            secret = self.secrets.get(path)
            try:
                verified = secret is not None and Webhook(secret).verify(body, headers) is not None
            except WebhookVerificationError:
                verified = False
            seen_before = any(
                r.path == path and r.headers.get("webhook-id") == headers.get("webhook-id")
                for r in self.received
            )
            if not verified:
                status = 401
            elif path in self.fail_first_attempt and not seen_before:
                status = 500
            else:
                status = 200
            self.received.append(Received(path, headers, body, verified, status))
            return status


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = state.answer(self.path, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", state.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    # Every request that reached the receiver carried a valid signature.
    assert [r for r in state.received if not r.verified] == []


async def _register(system: System, tenant_id: str, url: str, event_types: list[str]) -> dict[str, Any]:
    response = await system.command(
        "POST", "notifications", "/v1/webhooks", tenant_id, {"url": url, "event_types": event_types}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _deliveries(system: System, tenant_id: str, endpoint_id: str) -> list[dict[str, Any]]:
    response = await system.get("notifications", f"/v1/webhooks/{endpoint_id}/deliveries", tenant_id)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _returned(system: System, customer: Customer, note: str) -> dict[str, Any]:
    deposit = await system.held_deposit(customer, Decimal("20000"))
    return await system.return_deposit(
        customer,
        deposit,
        {
            "kind": "partial",
            "amount": "15000",
            "method": "bank_transfer",
            "reference": "KBANK-1",
            "note": note,
        },
    )


async def test_a_return_arrives_once_signed_retried_after_a_500_and_never_at_another_tenant(
    system: System, receiver: Receiver
) -> None:
    tenant_a, tenant_b = await system.new_tenant(), await system.new_tenant()
    customer_a, customer_b = await system.new_customer(tenant_a), await system.new_customer(tenant_b)
    hook_a = await _register(system, tenant_a, receiver.url("/a"), ["deposit.returned.v1"])
    hook_b = await _register(system, tenant_b, receiver.url("/b"), ["deposit.returned.v1"])
    assert hook_a["secret"].startswith("whsec_")
    assert hook_a["enabled"] is True
    receiver.secrets.update({"/a": hook_a["secret"], "/b": hook_b["secret"]})
    receiver.fail_first_attempt.add("/a")

    listed = await system.get("notifications", "/v1/webhooks", tenant_a)
    assert listed.status_code == 200, listed.text
    [shown] = listed.json()["items"]
    assert shown["id"] == hook_a["id"]
    assert "secret" not in shown  # shown once, at registration

    returned_a = await _returned(system, customer_a, "Filter cracked")

    async def accepted_at_a() -> list[Received]:
        return [r for r in receiver.at("/a") if r.answered == 200]

    [delivered] = await eventually(accepted_at_a, timeout_s=DELIVERY_WAIT_S)
    event = delivered.event
    assert event["type"] == "deposit.returned.v1"
    assert event["tenant_id"] == tenant_a
    assert event["data"]["receipt_number"] == returned_a["receipt_number"]
    assert event["data"]["returned_amount"] == "15000.00"
    assert delivered.headers["webhook-id"] == event["id"]
    [published] = [
        e
        for e in await system.events("mudjam.deposits.v1")
        if e["type"] == "deposit.returned.v1" and e["tenant_id"] == tenant_a
    ]
    assert event["id"] == published["id"]
    # The first attempt was answered 500 and retried under the same webhook-id.
    assert [(r.answered, r.headers["webhook-id"]) for r in receiver.at("/a")] == [
        (500, event["id"]),
        (200, event["id"]),
    ]

    # The delivery log commits right after the endpoint's answer.
    async def logged_delivered() -> dict[str, Any] | None:
        found = await _deliveries(system, tenant_a, hook_a["id"])
        return found[0] if found and found[0]["status"] == "delivered" else None

    logged = await eventually(logged_delivered)
    assert logged["event_id"] == event["id"]
    assert logged["event_type"] == "deposit.returned.v1"
    assert logged["attempts"] == 2
    assert logged["last_status_code"] == 200
    assert logged["delivered_at"] is not None

    # Tenant B's return, with a canary, reaches B's endpoint and never A's.
    canary = f"canary-{uuid4().hex}"
    await _returned(system, customer_b, canary)

    async def arrived_at_b() -> list[Received]:
        return [r for r in receiver.at("/b") if canary in r.body and r.answered == 200]

    [at_b] = await eventually(arrived_at_b, timeout_s=DELIVERY_WAIT_S)
    assert at_b.event["tenant_id"] == tenant_b
    assert [r for r in receiver.at("/a") if canary in r.body] == []
    # Deliveries are queued with the event's consumption: A's endpoint has only A's event.
    assert [d["event_id"] for d in await _deliveries(system, tenant_a, hook_a["id"])] == [event["id"]]
    assert len(receiver.at("/a")) == 2

    # B's staff cannot see or disable A's endpoint.
    log_of_a = await system.get("notifications", f"/v1/webhooks/{hook_a['id']}/deliveries", tenant_b)
    assert log_of_a.status_code == 404, log_of_a.text
    disabled_by_b = await system.command("DELETE", "notifications", f"/v1/webhooks/{hook_a['id']}", tenant_b)
    assert disabled_by_b.status_code == 404, disabled_by_b.text
    listed_by_b = await system.get("notifications", "/v1/webhooks", tenant_b)
    assert [h["id"] for h in listed_by_b.json()["items"]] == [hook_b["id"]]

    # A's manager disables it: it shows as disabled, and stays enabled for nobody else to see.
    disabled = await system.command("DELETE", "notifications", f"/v1/webhooks/{hook_a['id']}", tenant_a)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["enabled"] is False
    [after] = (await system.get("notifications", "/v1/webhooks", tenant_a)).json()["items"]
    assert after["enabled"] is False


BAD_REGISTRATIONS = [
    ({"url": "ftp://hooks.example.com/in", "event_types": ["deposit.returned.v1"]}, "url"),
    ({"url": "http://", "event_types": ["deposit.returned.v1"]}, "url"),
    ({"url": "http://no-such-host.invalid/in", "event_types": ["deposit.returned.v1"]}, "url"),
    ({"event_types": ["deposit.returned.v1"]}, "url"),
    ({"url": "http://127.0.0.1:9/in", "event_types": ["deposit.returned.v9"]}, "event_types"),
    ({"url": "http://127.0.0.1:9/in", "event_types": ["customer.upserted.v1"]}, "event_types"),
    ({"url": "http://127.0.0.1:9/in", "event_types": []}, "event_types"),
]


async def test_a_bad_registration_is_a_422_naming_the_field(system: System) -> None:
    tenant_id = await system.new_tenant()

    for body, field_name in BAD_REGISTRATIONS:
        response = await system.command("POST", "notifications", "/v1/webhooks", tenant_id, body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field_name, (body, response.text)
    assert (await system.get("notifications", "/v1/webhooks", tenant_id)).json()["items"] == []


async def test_registering_needs_a_manager_of_every_branch(system: System) -> None:
    tenant_id = await system.new_tenant()
    body = {"url": "http://127.0.0.1:9/in", "event_types": ["deposit.returned.v1"]}

    staff_only = await system.command(
        "POST", "notifications", "/v1/webhooks", tenant_id, body, roles=("staff",)
    )
    one_branch = await system.command(
        "POST", "notifications", "/v1/webhooks", tenant_id, body, roles=("manager",), branches=("bkk",)
    )

    assert staff_only.status_code == 403, staff_only.text
    assert one_branch.status_code == 403, one_branch.text
    assert (await system.get("notifications", "/v1/webhooks", tenant_id)).json()["items"] == []
