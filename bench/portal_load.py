"""Portal throughput under a month-end rush: wrk at 50 connections on the Home, Documents and
Receipts pages of one customer with 500 documents and 500 receipts in the portal's read model.

Per page: requests per second, latency p50 / p99 (`wrk --latency`), non-2xx answers, and the CPU
the portal's processes spent per request (utime + stime of the portal process and every process
under it, from /proc/<pid>/stat before and after; the whole stack's beside it, to show what else
ran): over the 50-connection run until the portal is idle again, divided by the requests that
completed, and from one connection asking one request after another for 3 s. A short wrk run first
warms each page up (not counted), and each run starts once the portal is idle.

The customer (`seed_customer`): a Thai-speaking customer of a new business with what the Home page
shows on a busy day — two invoices sent and not paid, a deposit asked for (each drawing its
PromptPay QR) — made through the staff API and rendered; then 500 pre-payments recorded and their
500 receipt documents rendered, driven as events through the real consumers: `prepayment.recorded.v1`
on mudjam.billing.v1 as billing publishes it (the portal projects a receipt, documents schedules
its PDF, notifications records it) and `document.rendered.v1` on mudjam.documents.v1 as documents
announces a rendered PREREC (the portal projects the document). The 500 PDFs themselves are not made
(their render jobs are dropped; the list pages never open them), so the setup takes seconds, not
the minutes 500 renders take. Everything is in place once every consumer of both topics has caught
up and no render is due.

`seed_customer` is the one place that makes the customer: swap it for another seeding helper
(bench/portal_seed.py) with the same result — a cookie header and the paths to load.

Usage: part of `python -m bench` (`--only portal`); needs wrk (`apt-get install wrk`).
"""

import asyncio
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from bench.processes import tree_cpu_s
from shared.contracts.catalogue import BILLING, DOCUMENTS
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from tests.system import System
from tests.unit.documents import factories

PAGES = {"home": "/", "documents": "/documents", "receipts": "/receipts"}
CONNECTIONS = 50
THREADS = 2
SECONDS = 10
WARM_UP_SECONDS = 2
SEQUENTIAL_SECONDS = 3
IDLE_WINDOW_S = 0.5
PUBLISH_AT_ONCE = 50
SEED_INVOICES = 2
SEED_PENDING_DEPOSITS = 1


@dataclass(frozen=True)
class SeededCustomer:
    cookie: str  # the Cookie header of the customer's portal session
    paths: dict[str, str]  # page name → path
    documents: int
    receipts: int


# Seeding -------------------------------------------------------------------------------------------


def _paid_on(n: int, today: date) -> date:
    """Spread over this year up to today, so all fall in the Receipts page's default year."""
    start = date(today.year, 1, 1)
    return start + timedelta(days=n % ((today - start).days + 1))


async def seed_customer(system: System, documents: int = 500, receipts: int = 500) -> SeededCustomer:
    """A customer whose portal read model holds `receipts` receipts (pre-payments) and `documents`
    documents (the receipts' PDFs, and past `receipts` PDFs of pre-payments the portal has no
    receipt of), besides the Home page's invoices and deposit and their documents."""
    assert documents >= receipts, "each receipt is a document too"
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th", name="สมชาย ใจดี")
    for _ in range(SEED_INVOICES):
        await system.sent_invoice(customer)
    for _ in range(SEED_PENDING_DEPOSITS):
        await system.pending_deposit(customer, Decimal("20000"))
    await system.renders_settled()
    setup_renders = SEED_INVOICES + SEED_PENDING_DEPOSITS

    today = datetime.now(UTC).date()
    prepayments = [
        factories.prepayment_recorded(
            customer_id=customer.customer_id,
            receipt_number=f"PREREC-{today.year}-{n + 1:04d}",
            job_id=f"J-{n % 40 + 1:04d}",
            paid_on=_paid_on(n, today),
        )
        for n in range(documents)
    ]

    def rendered(fact: Any) -> DocumentRendered:
        doc = document_id(tenant_id, DocumentKind.PREPAYMENT_RECEIPT, fact.receipt_number)
        return DocumentRendered(
            document_id=doc,
            kind=DocumentKind.PREPAYMENT_RECEIPT,
            number=fact.receipt_number,
            version=1,
            status="issued",
            customer_id=customer.customer_id,
            issued_on=fact.paid_on,
            amount=fact.amount,
            reference=fact.reference,
            job_id=fact.job_id,
            files=[
                DocumentFile(
                    language=language,
                    storage_key=f"{tenant_id}/prepayment_receipt/{fact.receipt_number}/v1/{language}.pdf",
                    sha256=uuid4().hex * 2,
                    size_bytes=27_000,
                    pages=1,
                )
                for language in ("th", "en")
            ],
            render_ms=0,
        )

    async with system.ops() as ops:

        async def publish_all(items: list[tuple[Any, str]]) -> None:
            for start in range(0, len(items), PUBLISH_AT_ONCE):
                await asyncio.gather(
                    *(
                        ops.publish(payload, tenant_id=tenant_id, subject=subject, branch_id="bkk")
                        for payload, subject in items[start : start + PUBLISH_AT_ONCE]
                    )
                )

        await publish_all([(p, str(p.prepayment_id)) for p in prepayments[:receipts]])
        # Their PDFs are stood in for below: documents' render jobs for them go.
        await system.drop_queued_renders(tenant_id, scheduled=setup_renders + receipts)
        announced = [rendered(p) for p in prepayments]
        await publish_all([(d, str(d.document_id)) for d in announced])
    for service, topics in {
        "portal": (BILLING, DOCUMENTS),
        "documents": (BILLING,),
        "notifications": (BILLING, DOCUMENTS),
    }.items():
        for topic in topics:
            await system.consumed(service, topic.name)
    await system.renders_settled()

    portal = await system.portal_session(customer)
    try:
        cookie = "; ".join(f"{c.name}={c.value}" for c in portal.cookies.jar)
        for path in PAGES.values():
            answer = await portal.get(path)
            assert answer.status_code == 200, f"{path}: {answer.status_code}"
    finally:
        await portal.aclose()
    return SeededCustomer(cookie, dict(PAGES), documents + setup_renders, receipts)


# wrk -----------------------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")


def duration_ms(text: str) -> float:
    """A wrk duration ("812.00us", "1.84s", "2.00m") in milliseconds."""
    found = _DURATION.match(text.strip())
    if not found:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(found.group(1)) * _UNITS_MS[found.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests, seconds, requests/s, latency percentiles (ms), errors and non-2xx/3xx answers from
    the output of `wrk --latency`."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not done or not rate:
        raise ValueError(f"not the output of wrk: {output[:200]!r}")
    distribution = {
        f"p{share}": duration_ms(value)
        for share, value in re.findall(r"^\s+(\d+(?:\.\d+)?)%\s+(\S+)\s*$", output, re.MULTILINE)
    }
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    kinds = ("connect", "read", "write", "timeout")
    errors = dict(zip(kinds, map(int, socket.groups()), strict=True)) if socket else {}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(done.group(1))
    return {
        "requests": requests,
        "seconds": duration_ms(done.group(2) + done.group(3)) / 1000,
        "requests_per_s": float(rate.group(1)),
        "latency_ms": distribution if requests else {},  # none completed: wrk prints zeros
        "socket_errors": errors,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def wrk(url: str, cookie: str, *, seconds: int, connections: int = CONNECTIONS) -> str:
    command = [
        "wrk",
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return done.stdout


async def until_idle(pid: int, *, timeout_s: float = 60.0) -> None:
    """Waits until the process tree spends under a tenth of a core (requests still being answered
    after wrk has gone, from a warm-up or a run, are not the next run's)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        before = tree_cpu_s(pid)
        await asyncio.sleep(IDLE_WINDOW_S)
        if tree_cpu_s(pid) - before < 0.1 * IDLE_WINDOW_S:
            return


async def throughput(
    system: System,
    seeded: SeededCustomer,
    *,
    seconds: int = SECONDS,
    connections: int = CONNECTIONS,
) -> dict[str, Any]:
    """wrk on each page in turn: its figures at `connections`, and the CPU the portal spent per
    request, from the run at `connections` (until the portal is idle again, over the requests that
    completed) and from one connection asking one request after another."""
    if shutil.which("wrk") is None:
        raise RuntimeError("the portal benchmark needs wrk: apt-get install wrk")
    base = system.url("portal")
    portal_pid = system.stack.processes["portal"].pid
    stack_pids = [process.pid for process in system.stack.processes.values()]

    def stack_cpu_s() -> float:
        return sum(tree_cpu_s(pid) for pid in stack_pids)

    pages: dict[str, Any] = {}
    for name, path in seeded.paths.items():
        url = f"{base}{path}"
        await asyncio.to_thread(wrk, url, seeded.cookie, seconds=WARM_UP_SECONDS, connections=connections)
        await until_idle(portal_pid)
        portal_before, stack_before = tree_cpu_s(portal_pid), stack_cpu_s()
        output = await asyncio.to_thread(wrk, url, seeded.cookie, seconds=seconds, connections=connections)
        await until_idle(portal_pid)
        portal_cpu, stack_cpu = tree_cpu_s(portal_pid) - portal_before, stack_cpu_s() - stack_before
        figures = parse_wrk(output)
        one_before = tree_cpu_s(portal_pid)
        one_by_one = parse_wrk(
            await asyncio.to_thread(wrk, url, seeded.cookie, seconds=SEQUENTIAL_SECONDS, connections=1)
        )
        await until_idle(portal_pid)
        one_cpu = tree_cpu_s(portal_pid) - one_before
        completed = max(1, figures["requests"])
        pages[name] = {
            "path": path,
            **figures,
            "wrk_output": output,
            "portal_cpu_ms_per_request": round(portal_cpu * 1000 / completed, 2),
            "stack_cpu_ms_per_request": round(stack_cpu * 1000 / completed, 2),
            "one_connection": {
                "requests": one_by_one["requests"],
                "requests_per_s": one_by_one["requests_per_s"],
                "latency_ms": one_by_one["latency_ms"],
                "portal_cpu_ms_per_request": round(one_cpu * 1000 / max(1, one_by_one["requests"]), 2),
            },
        }
    return {
        "connections": connections,
        "threads": THREADS,
        "seconds": seconds,
        "documents": seeded.documents,
        "receipts": seeded.receipts,
        "pages": pages,
    }


async def portal_throughput(
    system: System, *, seconds: int = SECONDS, documents: int = 500, receipts: int = 500
) -> dict[str, Any]:
    print(f"portal: a customer with {documents} documents and {receipts} receipts …", flush=True)
    seeded = await seed_customer(system, documents=documents, receipts=receipts)
    print(f"portal: wrk at {CONNECTIONS} connections, {seconds} s a page …", flush=True)
    return await throughput(system, seeded, seconds=seconds)
