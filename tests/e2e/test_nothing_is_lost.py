"""Nothing is lost and nothing happens twice (SPEC §2, §10): every topic replayed from the start
changes nothing, and a service killed with -9 mid-work resumes where it stopped."""

import asyncio
import importlib
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.contracts.catalogue import DOCUMENTS, TOPICS
from shared.contracts.documents import DocumentKind
from tests.helpers import eventually, visible
from tests.system import Customer, System, topic_partitions

pytestmark = pytest.mark.e2e

CONSUMING_SERVICES = ("deposits", "billing", "documents", "portal", "notifications")
PARTIAL = {
    "kind": "partial",
    "amount": "700",
    "method": "cash",
    "reference": "Cash",
    "note": "scratched panel",
}


async def caught_up(system: System) -> bool:
    """True once every consumer group has committed up to the end of every topic it reads."""
    for service in CONSUMING_SERVICES:
        bootstrap = importlib.import_module(f"services.{service}.bootstrap")
        probe = AIOKafkaConsumer(
            bootstrap_servers=system.stack.kafka_bootstrap,
            group_id=bootstrap.CONSUMER_GROUP,
            enable_auto_commit=False,
        )
        await probe.start()
        try:
            partitions = await topic_partitions(probe, [t.name for t in bootstrap.CONSUMED_TOPICS])
            ends = await probe.end_offsets(partitions)
            for partition in partitions:
                if (await probe.committed(partition) or 0) < ends[partition]:
                    return False
        finally:
            await probe.stop()
    return True


async def replay_every_topic(system: System) -> int:
    """Publishes every message of every topic again, from the first offset: a full redelivery."""
    reader = AIOKafkaConsumer(bootstrap_servers=system.stack.kafka_bootstrap, enable_auto_commit=False)
    writer = AIOKafkaProducer(bootstrap_servers=system.stack.kafka_bootstrap, acks="all")
    await reader.start()
    await writer.start()
    replayed = 0
    try:
        partitions = await topic_partitions(reader, [t.name for t in TOPICS])
        ends = await reader.end_offsets(partitions)
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        remaining = {p for p in partitions if ends[p] > 0}
        while remaining:
            for partition, records in (await reader.getmany(*remaining, timeout_ms=500)).items():
                for record in records:
                    if record.offset < ends[partition]:
                        await writer.send(
                            record.topic, record.value, key=record.key, headers=list(record.headers)
                        )
                        replayed += 1
                if await reader.position(partition) >= ends[partition]:
                    remaining.discard(partition)
        await writer.flush()
    finally:
        await reader.stop()
        await writer.stop()
    return replayed


async def rendered_announcements(system: System, tenant_id: str) -> Counter[tuple[str, int, int]]:
    """How many distinct `document.rendered` events each (number, version, number of languages) of
    the tenant has: a version is announced in the customer's language, then with both. A relay
    killed between publishing and marking sent publishes the same event again (same id): delivery
    is at least once, so copies of one event are counted once."""
    rendered = {
        e["id"]: (e["data"]["number"], e["data"]["version"], len(e["data"]["files"]))
        for e in await system.events(DOCUMENTS.name)
        if e["tenant_id"] == tenant_id and e["type"] == "document.rendered.v1"
    }
    return Counter(rendered.values())


async def returned_deposits(system: System, customer: Customer, count: int) -> list[str]:
    """Returns `count` held deposits at once; the DEPRR numbers issued."""
    deposits = [await system.held_deposit(customer, Decimal("1000")) for _ in range(count)]
    return await returned_at_once(system, customer, deposits)


async def returned_at_once(system: System, customer: Customer, deposits: list[dict[str, Any]]) -> list[str]:
    """Returns the held deposits at once; the DEPRR numbers issued."""
    responses = await asyncio.gather(
        *(
            system.command("POST", "deposits", f"/v1/deposits/{d['id']}/returns", customer.tenant_id, PARTIAL)
            for d in deposits
        )
    )
    assert all(r.status_code == 201 for r in responses)
    return [r.json()["returns"][0]["receipt_number"] for r in responses]


async def receipts_listed(portal: httpx.AsyncClient) -> Counter[str]:
    page = visible((await portal.get("/receipts")).text)
    return Counter(re.findall(r"\bDEPRR-[A-Z0-9-]+\b", page))


async def _render_queue_empty(system: System) -> bool:
    metrics = (await system.http.get(f"{system.url('documents')}/metrics/")).text
    return bool(re.search(r"^documents_render_jobs_waiting 0(\.0)?$", metrics, re.M))


async def _snapshot(system: System, customer: Customer, portal: httpx.AsyncClient) -> dict[str, Any]:
    tenant_id = customer.tenant_id
    deposits = (
        await system.get("deposits", "/v1/deposits", tenant_id, customer_id=customer.customer_id)
    ).json()
    documents = (
        await system.get("documents", "/v1/documents", tenant_id, customer_id=customer.customer_id)
    ).json()
    notices = (
        await system.get("notifications", "/v1/notices", tenant_id, customer_id=customer.customer_id)
    ).json()
    return {
        "deposits": sorted((d["number"], d["status"]) for d in deposits["items"]),
        "documents": sorted((d["number"], len(d["versions"])) for d in documents["items"]),
        "emails": sum(customer.email in m["To"] for m in system.mail.messages),
        "notices": len(notices["items"]),
        "portal receipts": await receipts_listed(portal),
        "portal home": visible((await portal.get("/")).text),
    }


async def test_replaying_every_topic_from_the_beginning_changes_nothing(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    async with system.ops() as ops:
        await ops.quote_accepted(
            tenant_id,
            branch_id="bkk",
            quote_id="Q-REPLAY",
            customer_id=customer.customer_id,
            deposit=Decimal("900"),
        )
    portal = await system.portal_session(customer)
    numbers = await returned_deposits(system, customer, 3)

    async def settled() -> dict[str, Any]:
        snapshot = await _snapshot(system, customer, portal)
        assert snapshot["emails"] == 3
        assert snapshot["portal receipts"] == Counter(numbers)
        assert len(snapshot["documents"]) == 3 * 3 + 1  # DEP, DEPR and DEPRR per return; the quote's DEP
        assert await caught_up(system)
        assert await _render_queue_empty(system)
        return snapshot

    before = await eventually(settled, timeout_s=60, interval_s=0.5)

    assert await replay_every_topic(system) > 0
    await eventually(lambda: caught_up(system), timeout_s=120, interval_s=0.5)
    await eventually(lambda: _render_queue_empty(system), timeout_s=30)

    assert await _snapshot(system, customer, portal) == before
    assert set((await rendered_announcements(system, tenant_id)).values()) == {1}


async def test_documents_killed_mid_render_renders_every_document_exactly_once(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposits = [await system.held_deposit(customer, Decimal("1000")) for _ in range(12)]
    # Each deposit's request and receipt render first; once they are done, the returns' DEPRRs are
    # all that is queued (24 renders ahead of them take longer than the wait below on a busy machine).
    for deposit in deposits:
        await system.rendered_document(tenant_id, DocumentKind.DEPOSIT_REQUEST, deposit["number"])
        receipt = deposit["collections"][0]["receipt_number"]
        await system.rendered_document(tenant_id, DocumentKind.DEPOSIT_RECEIPT, receipt)
    numbers = await returned_at_once(system, customer, deposits)

    async def some_rendered() -> bool:
        done = await rendered_announcements(system, tenant_id)
        return any(number in {n for n, _, _ in done} for number in numbers)

    await eventually(some_rendered, interval_s=0.05)
    system.stack.kill("documents")  # with renders in flight and the rest queued
    await asyncio.to_thread(system.stack.restart, "documents")

    async def all_rendered() -> Counter[tuple[str, int, int]]:
        done = await rendered_announcements(system, tenant_id)
        assert {n for n, _, languages in done if languages == 2} >= set(numbers)
        return done

    announced = await eventually(all_rendered, timeout_s=180, interval_s=0.5)
    assert all(announced[(number, 1, 1)] == announced[(number, 1, 2)] == 1 for number in numbers), announced


async def test_portal_killed_mid_projection_lists_every_receipt_exactly_once(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    portal = await system.portal_session(customer)
    deposits = [await system.held_deposit(customer, Decimal("1000")) for _ in range(10)]

    returns = asyncio.gather(
        *(
            system.command("POST", "deposits", f"/v1/deposits/{d['id']}/returns", tenant_id, PARTIAL)
            for d in deposits
        )
    )
    await asyncio.sleep(0.3)
    system.stack.kill("portal")
    numbers = [r.json()["returns"][0]["receipt_number"] for r in await returns]
    await asyncio.to_thread(system.stack.restart, "portal")

    async def listed_once() -> bool:
        listed = await receipts_listed(portal)  # the same session: the link outlives the process
        assert {n: listed[n] for n in numbers} == dict.fromkeys(numbers, 1), listed
        return True

    assert await eventually(listed_once, timeout_s=60, interval_s=0.5)


async def test_deposits_killed_right_after_accepting_returns_still_publishes_each_once(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    portal = await system.portal_session(customer)
    numbers = await returned_deposits(system, customer, 15)
    system.stack.kill("deposits")  # the relay may not have published every committed return yet
    await asyncio.to_thread(system.stack.restart, "deposits")

    async def every_return_reached_the_portal() -> bool:
        listed = await receipts_listed(portal)
        assert {n: listed[n] for n in numbers} == dict.fromkeys(numbers, 1), listed
        return True

    assert await eventually(every_return_reached_the_portal, timeout_s=60, interval_s=0.5)
