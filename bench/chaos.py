"""The chaos run (`python -m bench.chaos`, `make chaos`): staff and customer commands across all five
services while a random service (billing included) is killed with SIGKILL every few seconds and
started again; then, once the system is quiet, every accepted command's events, documents, portal
rows and notices are counted: each must be there exactly once.

"Accepted" is a 2xx answer. A staff command carries an Idempotency-Key; after a connection error or
a 5xx (its service is down) the client sends it again with the same key until it is answered, and
it counts once. The customer's "I've paid" form is recorded once however often it is posted.
"""

import argparse
import asyncio
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.harness import running_system
from mudjam.stack import SERVICES
from shared.contracts.catalogue import BILLING, DEPOSITS, DOCUMENTS, PORTAL
from shared.contracts.documents import DocumentKind, document_id
from tests.e2e.test_nothing_is_lost import caught_up
from tests.helpers import eventually
from tests.system import Customer, System

RETURN = {
    "kind": "partial",
    "amount": "700",
    "method": "cash",
    "reference": "Cash",
    "note": "scratched panel",
}
PORTAL_PAGES = ("/", "/receipts", "/documents", "/invoices")
STAFF_READS = (("deposits", "/v1/deposits"), ("billing", "/v1/invoices"), ("notifications", "/v1/notices"))


@dataclass
class Ledger:
    """What the clients were told: every accepted command and the effects it promises."""

    commands: Counter[str] = field(default_factory=Counter)
    retried: int = 0
    refused: list[str] = field(default_factory=list)
    deposits: dict[str, str] = field(default_factory=dict)  # deposit id → tenant
    documents: set[tuple[str, DocumentKind, str]] = field(default_factory=set)
    receipts: set[tuple[str, str, str]] = field(default_factory=set)  # (tenant, kind, number) in the portal
    notices: set[tuple[str, str]] = field(default_factory=set)  # (tenant, receipt number) emailed
    collected: set[str] = field(default_factory=set)  # deposit ids
    returned: set[str] = field(default_factory=set)
    drafts: dict[str, str] = field(default_factory=dict)  # invoice id → tenant
    sent: set[str] = field(default_factory=set)
    paid: set[str] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)


class Clients:
    """Staff and customers who retry until the service answers."""

    def __init__(self, system: System, ledger: Ledger) -> None:
        self.system, self.ledger = system, ledger

    async def _until_answered(self, send: Any) -> httpx.Response:
        tries = 0
        while True:
            try:
                response: httpx.Response = await send()
                if response.status_code < 500:
                    return response
            except httpx.TransportError:
                pass
            tries += 1
            if tries == 1:
                self.ledger.retried += 1
            await asyncio.sleep(0.3)

    async def command(self, name: str, service: str, path: str, tenant_id: str, body: Any = None) -> Any:
        key = uuid4().hex  # one key however often it is sent
        response = await self._until_answered(
            lambda: self.system.command("POST", service, path, tenant_id, body, key=key)
        )
        if response.status_code >= 300:
            self.ledger.refused.append(f"{name} {response.status_code} {response.text[:200]}")
            return None
        self.ledger.commands[name] += 1
        return response.json()

    async def read(self, name: str, get: Any) -> None:
        response = await self._until_answered(get)
        if response.status_code >= 300:
            self.ledger.refused.append(f"{name} {response.status_code}")
        else:
            self.ledger.commands[name] += 1


async def deposit_chain(clients: Clients, customer: Customer) -> None:
    """Staff ask for a deposit, collect it, return it: DEP, DEPR and DEPRR, a notice and an email."""
    ledger, tenant = clients.ledger, customer.tenant_id
    body = {"customer_id": customer.customer_id, "branch_id": "bkk", "amount": "1000"}
    deposit = await clients.command("deposit requested", "deposits", "/v1/deposits", tenant, body)
    if deposit is None:
        return
    ledger.deposits[deposit["id"]] = tenant
    ledger.documents.add((tenant, DocumentKind.DEPOSIT_REQUEST, deposit["number"]))
    collect = {"method": "bank_transfer", "reference": "KBANK-778812"}
    path = f"/v1/deposits/{deposit['id']}"
    held = await clients.command("deposit collected", "deposits", f"{path}/collections", tenant, collect)
    if held is None:
        return
    ledger.collected.add(deposit["id"])
    receipt = held["collections"][0]["receipt_number"]
    ledger.documents.add((tenant, DocumentKind.DEPOSIT_RECEIPT, receipt))
    ledger.receipts.add((tenant, DocumentKind.DEPOSIT_RECEIPT.value, receipt))
    returned = await clients.command("deposit returned", "deposits", f"{path}/returns", tenant, RETURN)
    if returned is None:
        return
    ledger.returned.add(deposit["id"])
    number = returned["returns"][0]["receipt_number"]
    ledger.documents.add((tenant, DocumentKind.DEPOSIT_RETURN_RECEIPT, number))
    ledger.receipts.add((tenant, DocumentKind.DEPOSIT_RETURN_RECEIPT.value, number))
    ledger.notices.add((tenant, number))


async def invoice_chain(clients: Clients, customer: Customer, portal: httpx.AsyncClient) -> None:
    """A draft invoice, sent; the customer taps "I've paid"; staff record the payment."""
    ledger, tenant = clients.ledger, customer.tenant_id
    body = {"customer_id": customer.customer_id, "branch_id": "bkk", "lines": [_LINE]}
    draft = await clients.command("invoice drafted", "billing", "/v1/invoices", tenant, body)
    if draft is None:
        return
    invoice_id = draft["id"]
    ledger.drafts[invoice_id] = tenant
    sent = await clients.command("invoice sent", "billing", f"/v1/invoices/{invoice_id}/send", tenant)
    if sent is None:
        return
    ledger.sent.add(invoice_id)
    ledger.documents.add((tenant, DocumentKind.INVOICE, sent["number"]))

    async def shown() -> str | None:
        try:
            page = await portal.get(f"/invoices/{invoice_id}", params={"pay": "1"})
        except httpx.TransportError:
            return None
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text) if page.status_code == 200 else None
        return csrf.group(1) if csrf else None

    csrf = await eventually(shown, timeout_s=300, interval_s=0.3)
    tapped = await clients._until_answered(
        lambda: portal.post(f"/invoices/{invoice_id}/paid", files={"csrf": (None, str(csrf))})
    )
    if tapped.status_code == 200:
        ledger.commands["I've paid"] += 1
        ledger.reported.add(invoice_id)
    else:
        ledger.refused.append(f"I've paid {tapped.status_code}")
    payment = {"method": "promptpay", "reference": "KBANK-778812", "amount": "107000.00"}
    paid = await clients.command(
        "payment recorded", "billing", f"/v1/invoices/{invoice_id}/payments", tenant, payment
    )
    if paid is None:
        return
    ledger.paid.add(invoice_id)
    number = paid["payments"][-1]["receipt_number"]
    ledger.documents.add((tenant, DocumentKind.RECEIPT, number))
    ledger.receipts.add((tenant, DocumentKind.RECEIPT.value, number))
    ledger.notices.add((tenant, number))


_LINE = {"description": "Excavator 20 t", "quantity": "1", "duration": "20", "unit": "day", "rate": "5000"}


async def reads(clients: Clients, customer: Customer, portal: httpx.AsyncClient) -> None:
    """Customer pages and staff lists, read between commands."""
    system = clients.system
    page = random.choice(PORTAL_PAGES)
    await clients.read(f"portal {page}", lambda: portal.get(page))
    service, path = random.choice(STAFF_READS)
    await clients.read(
        f"staff {path}",
        lambda: system.get(service, path, customer.tenant_id, customer_id=customer.customer_id),
    )


async def worker(
    clients: Clients,
    customer: Customer,
    portal: httpx.AsyncClient,
    budget: list[int],
    kills: Counter[str],
    min_kills: int,
) -> None:
    """Acts until the command budget is spent and the killer has killed at least `min_kills` times."""
    while budget[0] > 0 or sum(kills.values()) < min_kills:
        roll = random.random()
        if roll < 0.25:
            budget[0] -= 3
            await deposit_chain(clients, customer)
        elif roll < 0.40:
            budget[0] -= 4
            await invoice_chain(clients, customer, portal)
        else:
            budget[0] -= 2
            await reads(clients, customer, portal)


async def killer(
    system: System, kills: Counter[str], stop: asyncio.Event, every: tuple[float, float]
) -> None:
    """SIGKILL a random service every few seconds, start it again and wait until it is healthy."""
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), random.uniform(*every))
            return
        except TimeoutError:
            pass
        service = random.choice(SERVICES)
        system.stack.kill(service)
        kills[service] += 1
        await asyncio.to_thread(system.stack.restart, service)


# Quiet and verified -------------------------------------------------------------------------------

_SCALARS = {
    "outbox": "SELECT count(*) FROM outbox WHERE published_at IS NULL",
}


async def _scalar(system: System, service: str, sql: str, **params: Any) -> Any:
    engine = create_async_engine(system.stack.database_url(service))
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text(sql), params)
    finally:
        await engine.dispose()


async def _rows(system: System, service: str, sql: str, **params: Any) -> list[Any]:
    engine = create_async_engine(system.stack.database_url(service))
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())
    finally:
        await engine.dispose()


async def quiet(system: System) -> bool:
    for service in SERVICES:
        assert await _scalar(system, service, _SCALARS["outbox"]) == 0, f"{service} outbox not empty"
    renders = "SELECT count(*) FROM render_jobs WHERE status IN ('pending', 'rendering')"
    assert await _scalar(system, "documents", renders) == 0, "renders queued"
    notices = "SELECT count(*) FROM notices WHERE status IN ('pending', 'waiting_for_document')"
    assert await _scalar(system, "notifications", notices) == 0, "notices unsent"
    assert await caught_up(system), "consumers behind"
    return True


def _tally(found: Counter[Any], expected: set[Any], what: str, result: dict[str, Any]) -> None:
    lost = [e for e in expected if found[e] == 0]
    duplicated = [e for e in expected if found[e] > 1]
    result["checked"][what] = len(expected)
    result["lost"][what] = len(lost)
    result["duplicated"][what] = len(duplicated)
    if lost or duplicated:
        result["examples"][what] = {
            "lost": [str(x) for x in lost[:5]],
            "duplicated": [str(x) for x in duplicated[:5]],
        }


async def verify(system: System, ledger: Ledger, tenants: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"checked": {}, "lost": {}, "duplicated": {}, "examples": {}}
    events = await system.events(DEPOSITS.name, BILLING.name, PORTAL.name, DOCUMENTS.name)
    distinct = {
        e["id"]: e for e in events if e["tenant_id"] in tenants
    }.values()  # a relay resend is one event
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    rendered: Counter[tuple[str, int, int]] = Counter()
    for e in distinct:
        by_type[e["type"]][e["subject"]] += 1
        if e["type"] == "document.rendered.v1":
            rendered[(e["subject"], e["data"]["version"], len(e["data"]["files"]))] += 1
    deposits = set(ledger.deposits)
    _tally(by_type["deposit.requested.v1"], deposits, "deposit.requested events", result)
    _tally(by_type["deposit.collected.v1"], ledger.collected, "deposit.collected events", result)
    _tally(by_type["deposit.returned.v1"], ledger.returned, "deposit.returned events", result)
    _tally(by_type["invoice.sent.v1"], ledger.sent, "invoice.sent events", result)
    _tally(by_type["invoice.payment_recorded.v1"], ledger.paid, "invoice.payment_recorded events", result)
    _tally(by_type["payment.reported.v1"], ledger.reported, "payment.reported events", result)
    _tally(by_type["payment_report.received.v1"], ledger.reported, "payment_report.received events", result)

    # Documents: each once, every version rendered in both languages and announced once.
    ids = {str(document_id(t, k, n)): (t, k, n) for t, k, n in ledger.documents}
    stored = Counter(
        str(r[0])
        for r in await _rows(
            system, "documents", "SELECT document_id FROM documents WHERE tenant_id = ANY(:t)", t=tenants
        )
    )
    _tally(stored, set(ids), "documents", result)
    versions = await _rows(
        system,
        "documents",
        "SELECT v.document_id, v.version, jsonb_array_length(v.files) FROM document_versions v"
        " JOIN documents d USING (document_id) WHERE d.tenant_id = ANY(:t)",
        t=tenants,
    )
    first_versions = {str(d) for d, v, files in versions if v == 1 and files == 2}
    _tally(Counter({d: 1 for d in first_versions}), set(ids), "documents rendered in both languages", result)
    announced = {(str(d), v, n) for d, v, files in versions for n in (1, 2) if files == 2}
    _tally(rendered, announced, "document.rendered events", result)
    numbers = await _rows(
        system,
        "documents",
        "SELECT tenant_id, kind, number FROM documents WHERE tenant_id = ANY(:t)",
        t=tenants,
    )
    result["numbering gaps or repeats"] = _numbering_faults(numbers)

    # The portal: every receipt listed once.
    listed = Counter(
        (r[0], r[1], r[2])
        for r in await _rows(
            system,
            "portal",
            "SELECT tenant_id, kind, number FROM receipts WHERE tenant_id = ANY(:t)",
            t=tenants,
        )
    )
    _tally(listed, ledger.receipts, "portal receipts", result)
    portal_docs = Counter(
        str(r[0])
        for r in await _rows(
            system, "portal", "SELECT document_id FROM documents WHERE tenant_id = ANY(:t)", t=tenants
        )
    )
    _tally(portal_docs, set(ids), "portal documents", result)

    # Notices: one per DEPRR and RC, sent, and one email of its Message-ID in the SMTP sink.
    rows = await _rows(
        system,
        "notifications",
        "SELECT tenant_id, receipt_number, status, message_id FROM notices"
        " WHERE tenant_id = ANY(:t) AND receipt_number IS NOT NULL",
        t=tenants,
    )
    sent = Counter((t, n) for t, n, status, _ in rows if status == "sent")
    _tally(sent, ledger.notices, "notices sent", result)
    emails = Counter(str(m["Message-ID"]) for m in system.mail.messages)
    by_notice = Counter({(t, n): emails[m] for t, n, _, m in rows if m})
    _tally(by_notice, ledger.notices, "notice emails (SMTP sink, by Message-ID)", result)
    alerts = await _rows(
        system,
        "notifications",
        "SELECT title FROM alerts WHERE tenant_id = ANY(:t) AND title LIKE 'Customer reported payment for %'",
        t=tenants,
    )
    result["checked"]["staff alerts for I've paid"] = len(ledger.reported)
    result["lost"]["staff alerts for I've paid"] = max(0, len(ledger.reported) - len(alerts))
    result["duplicated"]["staff alerts for I've paid"] = max(0, len(alerts) - len(ledger.reported))

    drafts = Counter(
        str(r[0])
        for r in await _rows(
            system, "billing", "SELECT id FROM invoices WHERE tenant_id = ANY(:t)", t=tenants
        )
    )
    _tally(drafts, set(ledger.drafts), "invoices", result)
    return result


def _numbering_faults(rows: list[Any]) -> int:
    """Per series (tenant, kind, number without its running count): numbers 1..N, none missing or repeated."""
    series: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for tenant, kind, number in rows:
        match = re.fullmatch(r"(.*?)(\d+)", number)
        if match:
            series[(tenant, kind, match.group(1))].append(int(match.group(2)))
    faults = 0
    for counts in series.values():
        faults += len(set(range(1, max(counts) + 1)) ^ set(counts)) + len(counts) - len(set(counts))
    return faults


# The run -------------------------------------------------------------------------------------------


async def run(commands: int, workers: int, every: tuple[float, float], min_kills: int = 0) -> dict[str, Any]:
    # One portal process: a killed supervisor leaves its workers holding the port, and the embedded
    # broker wedges a group whose several members all left at once (mudjam/stack.py).
    async with running_system(portal_workers=1) as system:
        ledger = Ledger()
        clients = Clients(system, ledger)
        tenants = [await system.new_tenant() for _ in range(2)]
        people = []
        for n in range(workers):
            customer = await system.new_customer(tenants[n % len(tenants)])
            people.append((customer, await system.portal_session(customer)))
        kills: Counter[str] = Counter()
        stop = asyncio.Event()
        started = time.monotonic()
        budget = [commands]
        chaos = asyncio.create_task(killer(system, kills, stop, every))
        try:
            await asyncio.gather(*(worker(clients, c, p, budget, kills, min_kills) for c, p in people))
        finally:
            stop.set()
            await chaos
        commanded_s = time.monotonic() - started
        await eventually(lambda: quiet(system), timeout_s=1800, interval_s=2)
        checked = await verify(system, ledger, tenants)
        for _, portal in people:
            await portal.aclose()
        return {
            "commands": sum(ledger.commands.values()),
            "by command": dict(ledger.commands),
            "retried after a connection error or 5xx": ledger.retried,
            "refused": ledger.refused,
            "kills": sum(kills.values()),
            "kills by service": dict(kills),
            "commands phase s": round(commanded_s),
            "duration s": round(time.monotonic() - started),
            "lost in all": sum(checked["lost"].values()),
            "duplicated in all": sum(checked["duplicated"].values()),
            **checked,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Commands while services are killed; nothing lost, nothing twice."
    )
    parser.add_argument("--commands", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=50, help="keep acting until this many kills")
    parser.add_argument("--workers", type=int, default=8, help="staff-and-customer pairs acting at once")
    parser.add_argument(
        "--kill-every", type=lambda v: tuple(float(x) for x in v.split("-")), default=(2.0, 4.0)
    )
    args = parser.parse_args()
    result = asyncio.run(run(args.commands, args.workers, args.kill_every, args.kills))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if result["lost in all"] or result["duplicated in all"] or result["numbering gaps or repeats"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
