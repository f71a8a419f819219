"""The three customer-facing flows, timed through the real system from the user's action until the
result is where the other side sees it:

  staff return request → DEPRR PDF downloadable in the customer's portal;
  customer taps "I've paid" (with a slip) → the staff alert in the inbox;
  staff record a payment → the RC receipt downloadable in the customer's portal.

The customer waits the way the portal's own pages do (live.js): their page holds the portal's
server-sent stream (`/live`) open, and each "changed" update makes it look again. A flow's clock
starts once the stream is connected ("ready") and the staff act, and stops when an update arrives
after which one download of the PDF succeeds. Nothing polls on the portal side.

The staff inbox has no push channel (the staff console reloads it), so the "I've paid" flow polls
`GET /v1/inbox` every 50 ms.

"Ten at once" is ten customers of one business, each with a portal session of their own, each
waiting for their own document: one customer's update wakes only their own page.
"""

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
from httpx_sse import ServerSentEvent, aconnect_sse

from bench.stats import summary
from shared.contracts.documents import DocumentKind, document_id
from tests.helpers import eventually, slip_screenshot
from tests.system import Customer, System

FLOWS = {
    "return": "staff return → DEPRR downloadable in the portal",
    "report": '"I\'ve paid" → staff alert in the inbox',
    "payment": "recorded payment → RC downloadable in the portal",
}
# How each flow learns that it is done.
WAITS = {
    "return": "pushed: the portal's /live update, then one download",
    "report": "polled every 50 ms: the staff inbox has no push channel",
    "payment": "pushed: the portal's /live update, then one download",
}
POLL_S = 0.05
FLOW_TIMEOUT_S = 180.0
# The stream pings every 15 s; a read waits longer than that.
_LIVE_TIMEOUT = httpx.Timeout(30.0, read=60.0)


@dataclass
class Slot:
    """One waiting customer: their portal session, and what their flows heard."""

    customer: Customer
    portal: httpx.AsyncClient
    updates: list[int] = field(default_factory=list)  # "changed" updates heard per flow
    downloads: list[int] = field(default_factory=list)  # downloads tried per flow


@dataclass
class Phase:
    """When one flow at one concurrency ran (UTC), to tell which renders happened during it."""

    label: str
    started: datetime
    ended: datetime


Events = AsyncIterator[ServerSentEvent]


@asynccontextmanager
async def live_page(portal: httpx.AsyncClient) -> AsyncIterator[Events]:
    """The customer's open page: the portal's live stream, once it said "ready"."""
    async with aconnect_sse(portal, "GET", "/live", timeout=_LIVE_TIMEOUT) as source:
        events = source.aiter_sse()
        first = await anext(events)
        assert first.event == "ready", f"the live stream began with {first.event!r}, not ready"
        yield events


async def downloads(portal: httpx.AsyncClient, doc: str) -> bool:
    """One try: /documents/{doc} is the page showing it; the PDF is its .pdf."""
    response = await portal.get(f"/documents/{doc}.pdf")
    return response.status_code == 200 and response.content.startswith(b"%PDF")


async def downloadable_when_pushed(slot: Slot, events: Events, doc: str) -> None:
    """Waits for the portal's updates, trying the download after each, until it succeeds."""
    heard = tried = 0
    async with asyncio.timeout(FLOW_TIMEOUT_S):
        async for event in events:
            if event.event != "changed":
                continue
            heard += 1
            tried += 1
            if await downloads(slot.portal, doc):
                slot.updates.append(heard)
                slot.downloads.append(tried)
                return
    raise AssertionError(f"the live stream ended before {doc} was downloadable")


async def pushed(slot: Slot, act: Callable[[], Awaitable[str]]) -> float:
    """Seconds from the staff act (which names the document) to the PDF downloaded after an update."""
    async with live_page(slot.portal) as events:
        started = time.perf_counter()
        doc = await act()
        await downloadable_when_pushed(slot, events, doc)
        return time.perf_counter() - started


async def return_to_portal(system: System, slot: Slot, deposit: dict[str, Any]) -> float:
    """Seconds from sending the staff return to the DEPRR downloadable in the portal."""
    tenant_id = slot.customer.tenant_id
    body = {
        "kind": "partial",
        "amount": "15000",
        "method": "bank_transfer",
        "reference": "SCB-1",
        "note": "cracked filter",
    }

    async def give_back() -> str:
        path = f"/v1/deposits/{deposit['id']}/returns"
        response = await system.command("POST", "deposits", path, tenant_id, body)
        response.raise_for_status()
        number = str(response.json()["returns"][0]["receipt_number"])
        return str(document_id(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, number))

    return await pushed(slot, give_back)


async def payment_to_portal(system: System, slot: Slot, invoice: dict[str, Any]) -> float:
    """Seconds from the staff recording a payment to its RC receipt downloadable in the portal."""
    tenant_id = slot.customer.tenant_id

    async def pay() -> str:
        response = await system.pay_invoice(tenant_id, invoice, amount="50000")
        response.raise_for_status()
        number = str(response.json()["payments"][-1]["receipt_number"])
        return str(document_id(tenant_id, DocumentKind.RECEIPT, number))

    return await pushed(slot, pay)


async def report_to_alert(system: System, slot: Slot, invoice: dict[str, Any]) -> float:
    """Seconds from the customer's "I've paid" (with a slip) to the alert in the staff inbox."""
    portal = slot.portal
    slip = slip_screenshot(reference=f"BENCH{uuid4().hex[:14]}")  # one slip per invoice
    page = (await portal.get(f"/invoices/{invoice['id']}", params={"pay": "1"})).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf, "the invoice page has no I've paid form"
    title = f"Customer reported payment for {invoice['number']}"
    started = time.perf_counter()
    tapped = await portal.post(
        f"/invoices/{invoice['id']}/paid",
        data={"csrf": csrf.group(1)},
        files={"slip": ("slip.png", slip, "image/png")},
    )
    tapped.raise_for_status()
    async with asyncio.timeout(FLOW_TIMEOUT_S):
        while True:
            inbox = await system.get("notifications", "/v1/inbox", invoice["tenant_id"])
            if any(alert["title"] == title for alert in inbox.json()["items"]):
                return time.perf_counter() - started
            await asyncio.sleep(POLL_S)


async def in_waves(
    timed: Callable[[Slot, Any], Awaitable[float]], items: list[Any], slots: list[Slot]
) -> dict[str, Any]:
    """`len(slots)` runs at once, each for its own customer; the next wave when all are done."""
    latencies: list[float] = []
    for start in range(0, len(items), len(slots)):
        wave = items[start : start + len(slots)]
        runs = (timed(slot, item) for slot, item in zip(slots, wave, strict=False))
        latencies += await asyncio.gather(*runs)
    return summary(latencies)


async def customers_waiting(system: System, tenant_id: str, count: int) -> list[Slot]:
    """`count` Thai-speaking customers of the business, each signed in to the portal."""
    slots = []
    for n in range(count):
        customer = await system.new_customer(tenant_id, language="th", name=f"Somchai Jaidee {n + 1}")
        slots.append(Slot(customer, await system.portal_session(customer)))
    return slots


async def invoices_in_portal(system: System, slots: list[Slot], count: int) -> list[dict[str, Any]]:
    """Sent invoices (item k of slot k mod len(slots)) each customer's portal already shows, with
    their renders done (the setup, not timed)."""
    invoices = [await system.sent_invoice(slots[k % len(slots)].customer) for k in range(count)]
    for k, invoice in enumerate(invoices):
        portal = slots[k % len(slots)].portal

        async def shown(invoice: dict[str, Any] = invoice, portal: httpx.AsyncClient = portal) -> bool:
            return invoice["number"] in (await portal.get(f"/invoices/{invoice['id']}")).text

        await eventually(shown)
    await system.renders_settled()
    return invoices


def _now() -> datetime:
    return datetime.now(UTC)


async def run_flows(
    system: System, tenant_id: str, runs: int, concurrencies: list[int]
) -> tuple[dict[str, Any], list[Phase]]:
    """Each flow `runs` times at each concurrency; the latencies (s), what the waits heard, and
    when each phase ran."""
    latency: dict[str, dict[str, Any]] = {flow: {} for flow in FLOWS}
    heard: dict[str, dict[str, Any]] = {}
    phases: list[Phase] = []
    everyone = await customers_waiting(system, tenant_id, max(concurrencies))
    try:
        for concurrency in concurrencies:
            label = f"concurrency {concurrency}"
            slots = everyone[:concurrency]
            for slot in slots:
                slot.updates.clear()
                slot.downloads.clear()
            deposits = [
                await system.held_deposit(slots[k % concurrency].customer, Decimal("20000"))
                for k in range(runs)
            ]
            await system.renders_settled()  # time the returns, not the setup's receipts
            started = _now()
            latency["return"][label] = await in_waves(
                lambda s, d: return_to_portal(system, s, d), deposits, slots
            )
            phases.append(Phase(f"return, {label}", started, _now()))
            invoices = await invoices_in_portal(system, slots, runs)
            started = _now()
            latency["report"][label] = await in_waves(
                lambda s, i: report_to_alert(system, s, i), invoices, slots
            )
            phases.append(Phase(f"report, {label}", started, _now()))
            started = _now()
            latency["payment"][label] = await in_waves(
                lambda s, i: payment_to_portal(system, s, i), invoices, slots
            )
            phases.append(Phase(f"payment, {label}", started, _now()))
            updates = [n for slot in slots for n in slot.updates]
            heard[label] = {
                "flows": len(updates),
                "updates_per_flow": round(sum(updates) / max(1, len(updates)), 2),
                "downloads_per_flow": round(
                    sum(n for slot in slots for n in slot.downloads) / max(1, len(updates)), 2
                ),
            }
    finally:
        for slot in everyone:
            await slot.portal.aclose()
    return {"latency_s": latency, "waits": WAITS, "live_updates": heard}, phases
