"""A customer with a long history in the portal's read model, for portal throughput benchmarks.

    from bench.portal_seed import seed_portal_customer
    cookie_header, paths = await seed_portal_customer(system, documents=500, receipts=500)
    # cookie_header: "Cookie: portal_session=…" (as wrk's -H takes it)
    # paths: {"home": "/", "documents": "/documents", "receipts": "/receipts", "invoices": "/invoices"}

`system` is a running `tests.system.System` (e.g. from `bench.harness.running_system()`). The tenant
and the customer (Thai-speaking) arrive the real way (events on the broker, applied by every
service); the long history is written straight into the portal's read model, as the projection
would have left it: `documents` documents (invoices, deposit requests, job reports) and `receipts`
receipts this year (RC, PREREC, DEPR, DEPRR, each with its rendered document), plus three open jobs,
two pending deposits and two outstanding invoices, so Home shows PromptPay QRs as a real customer's
does. Nothing is rendered: the documents service has no PDFs for these (lists link them only).
The session is opened through a real portal link. Each row changed bumps the customer's version,
so pages cached before the seed are never served after it.
"""

import asyncio
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy.ext.asyncio import create_async_engine

from services.portal.adapters import tables
from shared.contracts.documents import DocumentKind, document_id
from tests.system import System

_DOCUMENT_KINDS = (DocumentKind.INVOICE, DocumentKind.DEPOSIT_REQUEST, DocumentKind.JOB_REPORT)
_RECEIPT_KINDS = (
    DocumentKind.RECEIPT,
    DocumentKind.PREPAYMENT_RECEIPT,
    DocumentKind.DEPOSIT_RECEIPT,
    DocumentKind.DEPOSIT_RETURN_RECEIPT,
)
_PREFIX = {
    DocumentKind.INVOICE: "INV",
    DocumentKind.DEPOSIT_REQUEST: "DEP",
    DocumentKind.JOB_REPORT: "JR",
    DocumentKind.RECEIPT: "RC",
    DocumentKind.PREPAYMENT_RECEIPT: "PREREC",
    DocumentKind.DEPOSIT_RECEIPT: "DEPR",
    DocumentKind.DEPOSIT_RETURN_RECEIPT: "DEPRR",
}
PATHS = {"home": "/", "documents": "/documents", "receipts": "/receipts", "invoices": "/invoices"}


def _document_row(
    tenant_id: str, customer_id: str, kind: DocumentKind, number: str, issued_on: date, amount: Decimal
) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "document_id": document_id(tenant_id, kind, number),
        "customer_id": customer_id,
        "kind": kind.value,
        "number": number,
        "version": 1,
        "status": "issued",
        "issued_on": issued_on,
        "amount": amount,
        "reference": "",
        "languages": ["th", "en"],
        "pages": {"th": 1, "en": 1},
    }


async def seed_portal_customer(
    system: System, documents: int = 500, receipts: int = 500, *, language: str = "th"
) -> tuple[str, dict[str, str]]:
    """Seeds one customer (see the module's docstring); returns the `Cookie:` header of their
    portal session and the paths of the pages to measure."""
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language=language, name="สมชาย ใจดี")
    customer_id = customer.customer_id
    today = datetime.now(UTC).date()
    year_start = date(today.year, 1, 1)
    now = datetime.now(UTC)
    document_rows, receipt_rows = [], []
    for n in range(documents):
        kind = _DOCUMENT_KINDS[n % len(_DOCUMENT_KINDS)]
        issued = today - timedelta(days=n % 700)
        number = f"{_PREFIX[kind]}-{issued.year}-{n:05d}"
        document_rows.append(_document_row(tenant_id, customer_id, kind, number, issued, Decimal(1000 + n)))
    for n in range(receipts):
        kind = _RECEIPT_KINDS[n % len(_RECEIPT_KINDS)]
        issued = max(year_start, today - timedelta(days=n % 300))
        number = f"{_PREFIX[kind]}-{issued.year}-{n:05d}"
        amount = Decimal(500 + n)
        document_rows.append(_document_row(tenant_id, customer_id, kind, number, issued, amount))
        receipt_rows.append(
            {
                "tenant_id": tenant_id,
                "kind": kind.value,
                "number": number,
                "document_id": document_id(tenant_id, kind, number),
                "customer_id": customer_id,
                "deposit_number": f"DEP-{n:05d}" if kind.value.startswith("deposit") else None,
                "invoice_number": f"INV-{n:05d}" if kind is DocumentKind.RECEIPT else None,
                "issued_on": issued,
                "amount": amount,
                "method": "bank_transfer",
                "reference": f"REF{n:06d}",
                "void": False,
            }
        )
    job_rows = [
        {
            "tenant_id": tenant_id,
            "job_id": f"J-{n}",
            "customer_id": customer_id,
            "number": f"J-{n}",
            "stage": "on_site",
            "start_date": today - timedelta(days=3),
            "end_date": today + timedelta(days=10),
            "equipment": [{"name_en": "Excavator 20 t", "name_th": "รถขุด 20 ตัน", "quantity": 1}],
            "as_of": now,
        }
        for n in range(3)
    ]
    deposit_rows = [
        {
            "tenant_id": tenant_id,
            "deposit_id": uuid4(),
            "customer_id": customer_id,
            "job_id": f"J-{n}",
            "number": f"DEP-OPEN-{n}",
            "status": "pending",
            "amount_requested": Decimal(20000 + n),
            "collected": Decimal(0),
            "requested_on": today,
            "as_of": now,
        }
        for n in range(2)
    ]
    invoice_rows = [
        {
            "tenant_id": tenant_id,
            "invoice_id": uuid4(),
            "customer_id": customer_id,
            "number": f"INV-OPEN-{n}",
            "document_id": document_id(tenant_id, DocumentKind.INVOICE, f"INV-OPEN-{n}"),
            "job_id": f"J-{n}",
            "issue_date": today,
            "due_date": today + timedelta(days=30),
            "total": Decimal(107000 + n),
            "balance": Decimal(107000 + n),
            "paid_total": Decimal(0),
            "status": "sent",
            "sent_as_of": now,
            "as_of": now,
        }
        for n in range(2)
    ]
    engine = create_async_engine(system.stack.database_url("portal"))
    try:
        async with engine.begin() as conn:
            for table, rows in (
                (tables.jobs, job_rows),
                (tables.deposits, deposit_rows),
                (tables.invoices, invoice_rows),
                (tables.documents, document_rows),
                (tables.receipts, receipt_rows),
            ):
                if rows:
                    await conn.execute(table.insert(), rows)
    finally:
        await engine.dispose()
    client = await system.portal_session(customer)
    try:
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    finally:
        await client.aclose()
    return f"Cookie: {cookie}", dict(PATHS)


# `python -m bench.portal_seed [seconds]`: the system, the customer, then wrk at 50 connections on
# each page (after a warm-up), with the portal's CPU per request (all its processes, from /proc).


def _portal_pids(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except FileNotFoundError:
            continue
    return pids


def _cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except FileNotFoundError:
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _wrk(url: str, cookie: str, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", "-H", cookie, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    units = {"us": 1e-3, "ms": 1.0, "s": 1000.0}

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        return float(found[1]) * units[found[2]] if found else float("nan")

    requests = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": float(requests[1]) if requests else 0.0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": float(non_2xx[1]) if non_2xx else 0.0,
    }


async def _measure(seconds: int) -> None:
    from bench.harness import running_system

    async with running_system() as system:
        cookie, paths = await seed_portal_customer(system)
        base = system.url("portal")
        pids = _portal_pids(system.stack.processes["portal"].pid)
        print(f"portal processes: {pids}")
        for name, path in paths.items():
            _wrk(base + path, cookie, 3)  # warm-up: connections, caches
            before = _cpu_s(pids)
            result = _wrk(base + path, cookie, seconds)
            cpu_ms = (_cpu_s(pids) - before) * 1000 / max(result["requests"], 1)
            print(
                f"{name:10} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                f"p99 {result['p99_ms']:6.1f} ms  CPU {cpu_ms:5.2f} ms/request  "
                f"non-2xx {result['errors']:.0f}"
            )


if __name__ == "__main__":
    asyncio.run(_measure(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
