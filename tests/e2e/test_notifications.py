"""Notifications as customers and staff notice them (SPEC §7): one email per deposit return in the
customer's language with the DEPRR attached, sent once even across redelivery, replay and kill -9;
staff alerts in an inbox scoped to the tenant and branches, and emailed to the billing staff."""

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.contracts.catalogue import DEPOSITS, DOCUMENTS, Topic
from tests.helpers import eventually
from tests.system import Customer, System

pytestmark = pytest.mark.e2e


# The customer's email waits for its DEPRR, rendered by the documents service in about a second.
RENDER_WAIT_S = 60


def _mail_to(system: System, address: str) -> list[EmailMessage]:
    return [m for m in system.mail.messages if address in str(m.get("To", ""))]


async def _inbox(
    system: System, tenant_id: str, *, branches: tuple[str, ...] = ("*",), **params: Any
) -> dict:
    response = await system.http.get(
        f"{system.url('notifications')}/v1/inbox",
        params=params,
        headers=system.staff(tenant_id, branches=branches),
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _notices(system: System, tenant_id: str, customer_id: str) -> list[dict]:
    response = await system.get("notifications", "/v1/notices", tenant_id, customer_id=customer_id)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _publish_raw(system: System, topic: Topic, value: bytes, key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.stack.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic.name, value=value, key=key)
    finally:
        await producer.stop()


async def _published(
    system: System, topic: Topic, wanted: Callable[[dict], bool]
) -> list[tuple[bytes, bytes]]:
    """The (key, value) of every message on the topic whose envelope matches, as published."""
    consumer = AIOKafkaConsumer(bootstrap_servers=system.stack.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found = []
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    if record.value and wanted(json.loads(record.value)):
                        found.append((record.key, record.value))
        return found
    finally:
        await consumer.stop()


DEAD_LETTER_TITLE = "An event could not be processed by notifications"


def _poison(tenant_id: str, event_type: str, subject: str, branch_id: str | None = None) -> dict:
    """A well-formed envelope whose payload fails validation: notifications dead-letters it."""
    return {
        "id": str(uuid4()),
        "type": event_type,
        "source": "tests/poison",
        "time": datetime.now(UTC).isoformat(),
        "tenant_id": tenant_id,
        "branch_id": branch_id,
        "subject": subject,
        "correlation_id": str(uuid4()),
        "data": {"number": "missing everything else"},
    }


async def _dead_letter_alert(system: System, tenant_id: str, event_id: str) -> dict:
    async def alert() -> dict | None:
        items = (await _inbox(system, tenant_id))["items"]
        return next((a for a in items if a["title"] == DEAD_LETTER_TITLE and event_id in a["body"]), None)

    return await eventually(alert, timeout_s=30)


async def _caught_up(system: System, tenant_id: str, topic: Topic, event_type: str, key: bytes) -> None:
    """Waits until notifications has consumed everything published before on this key's partition:
    a poison message behind it raises its alert only once it is reached."""
    marker = _poison(tenant_id, event_type, key.decode())
    await _publish_raw(system, topic, json.dumps(marker).encode(), key)
    await _dead_letter_alert(system, tenant_id, marker["id"])


async def _return_deposit(system: System, customer: Customer, body: dict) -> dict:
    deposit = await system.held_deposit(customer, Decimal("20000"))
    returned = await system.command(
        "POST", "deposits", f"/v1/deposits/{deposit['id']}/returns", customer.tenant_id, body
    )
    assert returned.status_code == 201, returned.text
    return dict(returned.json())


# Staff alerts ------------------------------------------------------------------------------------


async def test_a_poison_event_raises_one_alert_seen_only_by_its_tenant_and_branch(system: System) -> None:
    alerts_to = f"alerts-{uuid4().hex[:8]}@siamtools.example"
    tenant_id = await system.new_tenant(billing_staff_emails=[alerts_to])
    other_tenant = await system.new_tenant()
    poison = _poison(tenant_id, "deposit.returned.v1", "no-such-deposit", branch_id="cnx")
    await _publish_raw(system, DEPOSITS, json.dumps(poison).encode(), b"no-such-deposit")

    raised = await _dead_letter_alert(system, tenant_id, poison["id"])

    assert raised["kind"] == "event_dead_lettered"
    assert raised["branch_id"] == "cnx"
    assert raised["read"] is False
    assert "deposit.returned.v1" in raised["body"]
    cnx_staff = [a["id"] for a in (await _inbox(system, tenant_id, branches=("cnx",)))["items"]]
    bkk_staff = [a["id"] for a in (await _inbox(system, tenant_id, branches=("bkk",)))["items"]]
    assert raised["id"] in cnx_staff
    assert raised["id"] not in bkk_staff
    assert (await _inbox(system, other_tenant))["items"] == []

    # Emailed once to the billing staff.
    async def emailed() -> list[EmailMessage]:
        return [
            m
            for m in _mail_to(system, alerts_to)
            if m["Subject"] == DEAD_LETTER_TITLE and poison["id"] in m.get_body(("plain",)).get_content()
        ]

    assert len(await eventually(emailed)) == 1

    # Marking read is idempotent and scoped to the tenant.
    path = f"/v1/inbox/{raised['id']}/read"
    first = await system.command("POST", "notifications", path, tenant_id)
    again = await system.command("POST", "notifications", path, tenant_id)
    foreign = await system.command("POST", "notifications", path, other_tenant)
    assert first.status_code == again.status_code == 200, first.text
    assert first.json()["read_at"] == again.json()["read_at"] is not None
    assert foreign.status_code == 404
    unread = await _inbox(system, tenant_id, unread="true")
    assert raised["id"] not in [a["id"] for a in unread["items"]]

    # Redelivering the same poison message adds nothing.
    await _publish_raw(system, DEPOSITS, json.dumps(poison).encode(), b"no-such-deposit")
    await _caught_up(system, tenant_id, DEPOSITS, "deposit.returned.v1", b"no-such-deposit")
    alerts = (await _inbox(system, tenant_id))["items"]
    assert [a["title"] for a in alerts if poison["id"] in a["body"]].count(DEAD_LETTER_TITLE) == 1
    assert len(await emailed()) == 1


async def test_a_message_that_is_not_an_event_alerts_the_staff_of_the_tenant_it_names(system: System) -> None:
    tenant_id = await system.new_tenant()
    garbage = {"tenant_id": tenant_id, "what": "not an event envelope"}
    await _publish_raw(system, DEPOSITS, json.dumps(garbage).encode(), b"garbage")

    async def every_consumer_gave_up() -> set[str]:
        titles = {a["title"] for a in (await _inbox(system, tenant_id))["items"]}
        expected = {
            f"An event could not be processed by {c}" for c in ("documents.render", "portal.projection")
        }
        assert expected | {DEAD_LETTER_TITLE} <= titles, titles
        return titles

    assert await eventually(every_consumer_gave_up, timeout_s=30)


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        ("GET", "/v1/inbox", {"limit": "0"}, 422),
        ("GET", "/v1/inbox", {"limit": "201"}, 422),
        ("GET", "/v1/inbox", {"limit": "abc"}, 422),
        ("GET", "/v1/inbox", {"offset": "-1"}, 422),
        ("GET", "/v1/inbox", {"offset": "99999999999999999999"}, 422),
        ("GET", "/v1/inbox", {"unread": "maybe"}, 422),
        ("GET", "/v1/notices", {"customer_id": "a b'; drop"}, 422),
        ("GET", "/v1/notices", {"status": "delivered-ish"}, 422),
        ("POST", "/v1/inbox/not-a-uuid/read", {}, 422),
        ("POST", f"/v1/inbox/{uuid4()}/read", {}, 404),
    ],
)
async def test_bad_input_is_a_clear_4xx(
    system: System, method: str, path: str, params: dict, status: int
) -> None:
    headers = {**system.staff("t-any"), "Idempotency-Key": uuid4().hex}
    response = await system.http.request(
        method, f"{system.url('notifications')}{path}", params=params, headers=headers
    )

    assert response.status_code == status, response.text
    assert "error" in response.json()


async def test_the_inbox_needs_a_staff_token_and_commands_an_idempotency_key(system: System) -> None:
    anonymous = await system.http.get(f"{system.url('notifications')}/v1/inbox")
    no_key = await system.http.post(
        f"{system.url('notifications')}/v1/inbox/{uuid4()}/read", headers=system.staff("t-any")
    )

    assert anonymous.status_code == 401
    assert no_key.status_code == 422
    assert no_key.json()["error"]["field"] == "Idempotency-Key"


# Customer notices (need the documents service for the DEPRR PDF) ---------------------------------


async def test_a_thai_customer_gets_one_thai_email_with_the_amounts_reason_and_deprr(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th", name="สมชาย ใจดี")

    deposit = await _return_deposit(
        system,
        customer,
        {
            "kind": "partial",
            "amount": "15000",
            "method": "bank_transfer",
            "reference": "KBANK-5521",
            "note": "ไส้กรองแตก ค่าเปลี่ยน 5,000 บาท",
        },
    )
    receipt = deposit["returns"][0]["receipt_number"]

    async def delivered() -> list[EmailMessage]:
        return _mail_to(system, customer.email)

    [email] = await eventually(delivered, timeout_s=RENDER_WAIT_S)
    assert email["Subject"] == f"คืนเงินมัดจำ {deposit['number']} แล้ว"
    body = email.get_body(("plain",)).get_content()
    assert "฿15,000.00" in body
    assert "฿5,000.00" in body
    assert "ไส้กรองแตก ค่าเปลี่ยน 5,000 บาท" in body
    assert "โอนเงินผ่านธนาคาร" in body
    assert "KBANK-5521" in body
    assert "02-123-4567" in body
    [pdf] = list(email.iter_attachments())
    assert pdf.get_filename() == f"{receipt}.pdf"
    assert pdf.get_content().startswith(b"%PDF")

    # The relay accepts the message a moment before the delivery log commits it as sent.
    async def logged_sent() -> list[dict]:
        found = await _notices(system, tenant_id, customer.customer_id)
        return found if found and found[0]["status"] == "sent" else []

    [notice] = await eventually(logged_sent)
    assert notice["receipt_number"] == receipt
    assert notice["language"] == "th"
    assert notice["message_id"] == email["Message-ID"]


async def test_a_customer_without_an_email_address_is_skipped_and_logged(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, email="")

    deposit = await _return_deposit(system, customer, {"kind": "full", "method": "cash", "reference": "Cash"})

    async def logged() -> list[dict]:
        return await _notices(system, tenant_id, customer.customer_id)

    [notice] = await eventually(logged)
    assert notice["status"] == "skipped"
    assert notice["receipt_number"] == deposit["returns"][0]["receipt_number"]


async def test_one_email_per_return_across_kill_restart_and_replay(system: System) -> None:
    """Restarts the shared notifications process: keep this test last in the module."""
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    deposit = await system.held_deposit(customer, Decimal("20000"))

    system.stack.kill("notifications")
    try:
        returned = await system.command(
            "POST",
            "deposits",
            f"/v1/deposits/{deposit['id']}/returns",
            tenant_id,
            {"kind": "full", "method": "promptpay", "reference": "PP-778"},
        )
        assert returned.status_code == 201, returned.text
    finally:
        system.stack.restart("notifications")
    receipt = returned.json()["returns"][0]["receipt_number"]

    async def delivered() -> list[EmailMessage]:
        return _mail_to(system, customer.email)

    [email] = await eventually(delivered, timeout_s=RENDER_WAIT_S)
    assert email["Subject"] == f"Your deposit {deposit['number']} has been returned"

    # Replay both events exactly as published, then kill -9 and restart once more.
    replays = await _published(
        system,
        DEPOSITS,
        lambda e: e.get("type") == "deposit.returned.v1" and e.get("subject") == deposit["id"],
    ) + await _published(
        system,
        DOCUMENTS,
        lambda e: e["tenant_id"] == tenant_id and e["data"].get("number") == receipt,
    )
    assert len(replays) >= 2
    for key, value in replays:
        topic = DEPOSITS if json.loads(value)["type"].startswith("deposit.") else DOCUMENTS
        await _publish_raw(system, topic, value, key)
    system.stack.kill("notifications")
    system.stack.restart("notifications")
    for key, value in replays:
        event_type = json.loads(value)["type"]
        topic = DEPOSITS if event_type.startswith("deposit.") else DOCUMENTS
        await _caught_up(system, tenant_id, topic, event_type, key)

    assert len(_mail_to(system, customer.email)) == 1
    [notice] = await _notices(system, tenant_id, customer.customer_id)
    assert notice["status"] == "sent"


async def test_on_one_machine_notifications_yield_the_cpu_to_what_customers_wait_for(system: System) -> None:
    """The dev stack shares one machine: emails and alerts run nicer than the services that draw
    the PDF and the pages a customer is waiting for."""
    niceness = {
        name: os.getpriority(os.PRIO_PROCESS, process.pid)
        for name, process in system.stack.processes.items()
        if name in ("documents", "portal", "notifications")
    }

    assert niceness["notifications"] == min(niceness["documents"] + 5, 19)
    assert niceness["portal"] == niceness["documents"]
