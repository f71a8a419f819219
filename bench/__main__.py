"""Times the customer-facing flows through the real system, started here on embedded defaults
(median, p95, max of each):

  staff return request → DEPRR PDF downloadable in the customer's portal;
  customer taps "I've paid" (with a slip) → the staff alert in the inbox;
  staff record a payment → the RC receipt downloadable in the customer's portal;
  and the render time of each document (from the documents service's rendered events);
then, on the same system, the resident memory of the documents and portal processes while a
customer downloads a zip of 1,000 documents (bench/zip_memory.py; it fails the run at 30 MB of growth).

Usage: python -m bench [--runs 30] [--concurrency 1,10] [--zip-documents 1000]
       [--zip-source signed|receipts] [--out bench/results]
"""

import argparse
import asyncio
import json
import platform
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer

from bench import zip_memory
from bench.harness import running_system
from shared.contracts.catalogue import DOCUMENTS
from shared.contracts.documents import DocumentKind, document_id
from tests.helpers import eventually, slip_screenshot
from tests.system import Customer, System

FLOWS = {
    "return": "staff return → DEPRR downloadable in the portal",
    "report": '"I\'ve paid" → staff alert in the inbox',
    "payment": "recorded payment → RC downloadable in the portal",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _downloadable(portal: httpx.AsyncClient, doc: str) -> None:
    while True:  # /documents/{doc} is the page showing it; the PDF is its .pdf
        response = await portal.get(f"/documents/{doc}.pdf")
        if response.status_code == 200 and response.content.startswith(b"%PDF"):
            return
        await asyncio.sleep(0.05)


async def _timed(act: Callable[[], Awaitable[Any]], done: Callable[[Any], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await done(await act())
    return time.perf_counter() - started


async def return_to_portal(
    system: System, portal: httpx.AsyncClient, customer: Customer, deposit: dict
) -> float:
    """Seconds from sending the staff return to the DEPRR being downloadable in the portal."""
    body = {
        "kind": "partial",
        "amount": "15000",
        "method": "bank_transfer",
        "reference": "SCB-1",
        "note": "cracked filter",
    }

    async def give_back() -> str:
        path = f"/v1/deposits/{deposit['id']}/returns"
        response = await system.command("POST", "deposits", path, customer.tenant_id, body)
        response.raise_for_status()
        return str(response.json()["returns"][0]["receipt_number"])

    async def downloadable(number: str) -> None:
        kind = DocumentKind.DEPOSIT_RETURN_RECEIPT
        await _downloadable(portal, str(document_id(customer.tenant_id, kind, number)))

    return await _timed(give_back, downloadable)


async def report_to_alert(system: System, portal: httpx.AsyncClient, invoice: dict) -> float:
    """Seconds from the customer's "I've paid" (with a slip) to the alert in the staff inbox."""
    slip = slip_screenshot(reference=f"BENCH{uuid4().hex[:14]}")  # one slip per invoice
    page = (await portal.get(f"/invoices/{invoice['id']}", params={"pay": "1"})).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf, "the invoice page has no I've paid form"
    title = f"Customer reported payment for {invoice['number']}"

    async def tap() -> None:
        tapped = await portal.post(
            f"/invoices/{invoice['id']}/paid",
            data={"csrf": csrf.group(1)},
            files={"slip": ("slip.png", slip, "image/png")},
        )
        tapped.raise_for_status()

    async def alerted(_: None) -> None:
        while True:
            inbox = await system.get("notifications", "/v1/inbox", invoice["tenant_id"])
            if any(alert["title"] == title for alert in inbox.json()["items"]):
                return
            await asyncio.sleep(0.05)

    return await _timed(tap, alerted)


async def payment_to_portal(system: System, portal: httpx.AsyncClient, invoice: dict) -> float:
    """Seconds from the staff recording a payment to its RC receipt downloadable in the portal."""

    async def pay() -> str:
        response = await system.pay_invoice(invoice["tenant_id"], invoice, amount="50000")
        response.raise_for_status()
        return str(response.json()["payments"][-1]["receipt_number"])

    async def downloadable(number: str) -> None:
        await _downloadable(portal, str(document_id(invoice["tenant_id"], DocumentKind.RECEIPT, number)))

    return await _timed(pay, downloadable)


async def in_waves(timed: Callable[[Any], Awaitable[float]], items: list, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    for start in range(0, len(items), concurrency):
        latencies += await asyncio.gather(*(timed(item) for item in items[start : start + concurrency]))
    return {
        "runs": len(latencies),
        "median": round(statistics.median(latencies), 3),
        "p95": round(percentile(latencies, 0.95), 3),
        "max": round(max(latencies), 3),
    }


async def invoices_in_portal(
    system: System, portal: httpx.AsyncClient, customer: Customer, count: int
) -> list[dict]:
    """Sent invoices the customer's portal already shows (the setup, not timed)."""
    invoices = [await system.sent_invoice(customer) for _ in range(count)]
    for invoice in invoices:

        async def shown(invoice: dict = invoice) -> bool:
            return invoice["number"] in (await portal.get(f"/invoices/{invoice['id']}")).text

        await eventually(shown)
    await system.renders_settled()
    return invoices


async def render_times(bootstrap: str, tenant_id: str) -> dict[str, list[int]]:
    consumer = AIOKafkaConsumer(
        DOCUMENTS.name,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid4().hex}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    times: dict[str, list[int]] = {}
    try:
        for _ in range(20):
            batch = await consumer.getmany(timeout_ms=300)
            if not batch and times:
                break
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    if event["tenant_id"] == tenant_id and event["type"] == "document.rendered.v1":
                        times.setdefault(event["data"]["kind"], []).append(event["data"]["render_ms"])
    finally:
        await consumer.stop()
    return times


async def run(runs: int, concurrencies: list[int], zip_documents: int, zip_source: str) -> dict[str, Any]:
    async with running_system() as system:
        tenant_id = await system.new_tenant()
        customer = await system.new_customer(tenant_id, language="th")
        portal = await system.portal_session(customer)
        results: dict[str, Any] = {"latency_s": {flow: {} for flow in FLOWS}}
        for concurrency in concurrencies:
            label = f"concurrency {concurrency}"
            deposits = [await system.held_deposit(customer, Decimal("20000")) for _ in range(runs)]
            await system.renders_settled()  # time the returns, not the setup's receipts
            results["latency_s"]["return"][label] = await in_waves(
                lambda d: return_to_portal(system, portal, customer, d), deposits, concurrency
            )
            invoices = await invoices_in_portal(system, portal, customer, runs)
            results["latency_s"]["report"][label] = await in_waves(
                lambda i: report_to_alert(system, portal, i), invoices, concurrency
            )
            results["latency_s"]["payment"][label] = await in_waves(
                lambda i: payment_to_portal(system, portal, i), invoices, concurrency
            )
        renders = await render_times(system.stack.kafka_bootstrap, tenant_id)
        results["render_ms"] = {
            kind: {
                "documents": len(v),
                "median": statistics.median(v),
                "p95": percentile([float(x) for x in v], 0.95),
            }
            for kind, v in renders.items()
        }
        await portal.aclose()
        if zip_documents:
            results["zip_memory"] = await zip_memory.zip_memory(system, zip_documents, source=zip_source)
        return results


def report(results: dict[str, Any]) -> str:
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {platform.python_version()}",
        "",
    ]
    for flow, by_concurrency in results["latency_s"].items():
        lines += [f"| {FLOWS[flow]} | runs | median | p95 | max |", "|---|---:|---:|---:|---:|"]
        for name, r in by_concurrency.items():
            lines.append(
                f"| {name} | {r['runs']} | {r['median']:.2f} s | {r['p95']:.2f} s | {r['max']:.2f} s |"
            )
        lines.append("")
    lines += [
        "| render time per document (both languages) | documents | median | p95 |",
        "|---|---:|---:|---:|",
    ]
    for kind, r in results["render_ms"].items():
        lines.append(f"| {kind} | {r['documents']} | {r['median']:.0f} ms | {r['p95']:.0f} ms |")
    if "zip_memory" in results:
        lines += ["", zip_memory.report(results["zip_memory"])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each flow per concurrency")
    parser.add_argument("--concurrency", default="1,10", help="comma-separated runs in flight at once")
    parser.add_argument(
        "--zip-documents",
        type=int,
        default=1000,
        help="documents in the zip whose download is measured (0: skip)",
    )
    parser.add_argument(
        "--zip-source",
        choices=zip_memory.SOURCES,
        default="signed",
        help="where the zip's documents come from",
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    results = asyncio.run(run(args.runs, concurrencies, args.zip_documents, args.zip_source))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    if not results.get("zip_memory", {"passed": True})["passed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
