"""A zip of 1,000 documents downloads through the portal with the documents and portal processes
growing by less than 30 MB (a benchmark, not a timed test).

One customer gets the documents through the real pipeline, from one of two sources:

- `receipts`: deposits asked for and collected through the staff API, each a Deposit Request and a
  Deposit Receipt (DEPR) that documents renders (WeasyPrint, both languages), stores and announces;
  small PDFs (~27 KB), and a render each: 1,000 took 12.5 minutes on the loaded 2-core machine of
  bench/REPORT.md;
- `signed` (the default): quotes signed by the customer and sent by the operations system as scanned PDFs (a
  ~170 KB JPEG page each), uploaded to the documents intake and announced by quote.signed.v1, which
  documents checks and stores byte for byte: no render, and a zip several times the limit in size.

The portal projects each announced document into the customer's Documents list. Once it lists them
all and no render is due, the customer downloads "Download all (zip)" (`/documents.zip`) from a
portal session, to a file: the portal streams it from documents (`GET /v1/bundles/customer`), which
makes it as it goes (stream-zip).

Memory is the resident set (VmRSS from /proc) of each service's process with its child processes
(documents' render processes), read every 50 ms in a thread. Growth is the peak during the download
less the lowest reading in the second before it; "both" is the two services summed at each reading.

Usage: python -m bench.zip_memory [--source receipts|signed] [--documents 1000] [--limit-mb 30]
                                 [--out bench/results]
Exits 1 if the zip is not whole or a service, or both together, grew by the limit or more.
"""

import argparse
import asyncio
import io
import json
import platform
import re
import sys
import threading
import time
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
from PIL import Image, ImageChops, ImageDraw

from bench.harness import running_system
from bench.processes import descendants
from tests.helpers import eventually
from tests.system import Customer, System

MEASURED = ("documents", "portal")
SAMPLE_INTERVAL_S = 0.05
LIMIT_MB = 30.0
# Deposits asked for (two staff commands each), or signed quotes sent, at once while setting up.
SETUP_CONCURRENCY = 10
_LIST_TOTAL = re.compile(r'class="muted pager-position">[^<]*?(?:of|จาก) ([\d,]+)<')
SOURCES = {
    "receipts": "deposits asked for and collected (a Deposit Request and a DEPR each, rendered)",
    "signed": "signed quotes from the operations system (scanned PDFs, stored as uploaded)",
}


# Resident memory -----------------------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    """VmRSS of the process in kB; 0 once it is gone (or a zombie, which has none)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree_rss_kb(pid: int) -> int:
    return sum(_rss_kb(p) for p in (pid, *descendants(pid)))


class RssSampler:
    """Reads the resident memory of each named process tree every `interval_s`, in a thread, from
    entering until leaving (once at each end at least)."""

    def __init__(self, pids: dict[str, int], interval_s: float = SAMPLE_INTERVAL_S) -> None:
        self._pids = pids
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self.samples: list[dict[str, int]] = []

    def _sample(self) -> None:
        kb = {name: tree_rss_kb(pid) for name, pid in self._pids.items()}
        self.samples.append({**kb, "both": sum(kb.values())})

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self._interval_s):
                return

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def lowest_mb(self, name: str) -> float:
        return min(s[name] for s in self.samples) / 1024

    def peak_mb(self, name: str) -> float:
        return max(s[name] for s in self.samples) / 1024

    def last_mb(self, name: str) -> float:
        return self.samples[-1][name] / 1024


async def sampled(pids: dict[str, int], seconds: float) -> RssSampler:
    with RssSampler(pids) as sampler:
        await asyncio.sleep(seconds)
    return sampler


# Setup: documents in the customer's portal ---------------------------------------------------------


async def issue_documents(system: System, customer: Customer, count: int) -> None:
    """`count` documents of the customer: a deposit asked for and collected is two (its request and
    its DEPR); an odd count ends with one deposit only asked for."""
    deposits: list[Any] = [system.held_deposit] * (count // 2) + [system.pending_deposit] * (count % 2)
    for start in range(0, len(deposits), SETUP_CONCURRENCY):
        wave = deposits[start : start + SETUP_CONCURRENCY]
        await asyncio.gather(*(make(customer, Decimal(20000 + start + i)) for i, make in enumerate(wave)))


def _blank_scan() -> Image.Image:
    """A signed quotation as a phone or office scanner gives it: A4 at 100 dpi, grey, grainy."""
    page = Image.new("L", (827, 1169), 250)
    draw = ImageDraw.Draw(page)
    draw.text((60, 60), "QUOTATION", fill=0, font_size=28)
    for y in range(160, 1000, 28):
        draw.text(
            (60, y), "Excavator 20 t   1   20 day   5,000.00   100,000.00   " * 2, fill=40, font_size=14
        )
    draw.text((480, 1080), "Accepted and signed: Somchai Jaidee", fill=0, font_size=18)
    grain = Image.effect_noise(page.size, 6).point(lambda v: min(255, v + 128))
    return ImageChops.multiply(page, grain)


def scanned_quote(blank: Image.Image, number: str) -> bytes:
    """One quote's scan, its number stamped on, as a one-page PDF (~170 KB)."""
    page = blank.copy()
    ImageDraw.Draw(page).text((560, 66), number, fill=0, font_size=22)
    out = io.BytesIO()
    page.convert("RGB").save(out, format="PDF", resolution=100, quality=70)
    return out.getvalue()


async def issue_signed_quotes(system: System, customer: Customer, count: int) -> None:
    """`count` signed quotes of the customer, each uploaded and announced as the operations system
    does (`mudjam ops`)."""
    blank = _blank_scan()
    numbers = [f"QT-2026-{n:05d}" for n in range(1, count + 1)]
    async with system.operations_system() as ops:

        async def signed(number: str) -> None:
            await ops.quote_signed(
                customer.tenant_id,
                quote_id=f"q-{number}",
                quote_number=number,
                customer_id=customer.customer_id,
                pdf=scanned_quote(blank, number),
            )

        for start in range(0, count, SETUP_CONCURRENCY):
            await asyncio.gather(*(signed(n) for n in numbers[start : start + SETUP_CONCURRENCY]))


ISSUE = {"receipts": issue_documents, "signed": issue_signed_quotes}


async def listed_documents(portal: httpx.AsyncClient) -> int:
    """How many documents the portal's Documents list shows: the total under its pager ("51–100 of
    560"), or the cards of its one page when there is no pager."""
    page = await portal.get("/documents")
    page.raise_for_status()
    total = _LIST_TOTAL.search(page.text)
    return int(total.group(1).replace(",", "")) if total else page.text.count('class="card document')


async def until_listed(portal: httpx.AsyncClient, count: int, started: float) -> None:
    shown = {"count": -1, "at": 0.0}

    async def all_listed() -> bool:
        listed = await listed_documents(portal)
        now = time.perf_counter()
        if listed != shown["count"] and now - shown["at"] >= 30:
            print(f"  {now - started:5.0f} s: {listed} of {count} documents in the portal", flush=True)
            shown.update(count=listed, at=now)
        assert listed <= count, f"the portal lists {listed} documents, more than the {count} issued"
        return listed == count

    await eventually(all_listed, timeout_s=max(300, 3 * count), interval_s=2)


# The download --------------------------------------------------------------------------------------


async def download(portal: httpx.AsyncClient, path: str, to: Path) -> dict[str, Any]:
    """The zip as the customer's browser saves it, counted and written as it arrives."""
    started = time.perf_counter()
    first_byte_s: float | None = None
    size = 0
    async with portal.stream("GET", path) as response:
        assert response.status_code == 200, (response.status_code, await response.aread())
        assert response.headers["content-type"] == "application/zip", response.headers
        disposition = response.headers["content-disposition"]
        with to.open("wb") as out:
            async for chunk in response.aiter_bytes():
                if first_byte_s is None:
                    first_byte_s = time.perf_counter() - started
                out.write(chunk)
                size += len(chunk)
    return {
        "bytes": size,
        "mb": round(size / 2**20, 1),
        "seconds": round(time.perf_counter() - started, 2),
        "first_byte_s": round(first_byte_s or 0, 3),
        "content_disposition": disposition,
    }


def zip_contents(path: Path) -> dict[str, Any]:
    """Whether the saved file is a zip that opens, its CRCs check, and each member is a PDF."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        corrupt = archive.testzip()
        pdfs = 0
        for member in members:
            with archive.open(member) as content:
                pdfs += member.filename.endswith(".pdf") and content.read(5) == b"%PDF-"
    return {
        "members": len(members),
        "distinct_names": len({m.filename for m in members}),
        "pdf_members": pdfs,
        "first_corrupt_member": corrupt,
    }


# The benchmark -------------------------------------------------------------------------------------


def _memory(pids: dict[str, int], before: RssSampler, during: RssSampler, after: RssSampler) -> dict:
    names = [*pids, "both"]
    return {
        name: {
            "before_mb": round(before.lowest_mb(name), 1),
            "peak_mb": round(during.peak_mb(name), 1),
            "after_mb": round(after.last_mb(name), 1),
            "growth_mb": round(during.peak_mb(name) - before.lowest_mb(name), 1),
        }
        for name in names
    }


async def zip_memory(
    system: System, documents: int = 1000, limit_mb: float = LIMIT_MB, source: str = "signed"
) -> dict[str, Any]:
    """Sets up one customer with `documents` documents and measures the download of their zip."""
    assert documents >= 1, "a zip needs a document"
    print(f"zip memory: {documents} documents for one customer from {SOURCES[source]} …", flush=True)
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en", name="Bench Customer")
    portal = await system.portal_session(customer)
    saved = system.stack.config.state_dir / "documents-download.zip"
    try:
        started = time.perf_counter()
        await ISSUE[source](system, customer, documents)
        issued_s = time.perf_counter() - started
        await until_listed(portal, documents, started)
        await system.renders_settled()
        listed_s = time.perf_counter() - started
        print(f"  {listed_s:5.0f} s: all {documents} listed; downloading the zip", flush=True)

        pids = {name: system.stack.processes[name].pid for name in MEASURED}
        processes = {name: 1 + len(descendants(pid)) for name, pid in pids.items()}
        before = await sampled(pids, 1.0)
        with RssSampler(pids) as during:
            got = await download(portal, "/documents.zip", saved)
        after = await sampled(pids, 1.0)
    finally:
        await portal.aclose()
    contents = zip_contents(saved)
    saved.unlink()
    memory = _memory(pids, before, during, after)
    whole = (
        contents["members"] == contents["distinct_names"] == contents["pdf_members"] == documents
        and contents["first_corrupt_member"] is None
    )
    return {
        "documents": documents,
        "source": source,
        "setup_s": {"issue": round(issued_s, 1), "until_listed_and_rendered": round(listed_s, 1)},
        "zip": {**got, **contents},
        "processes": processes,
        "samples_during": len(during.samples),
        "rss": memory,
        "limit_mb": limit_mb,
        "zip_whole": whole,
        "passed": whole and all(m["growth_mb"] < limit_mb for m in memory.values()),
    }


def report(result: dict[str, Any]) -> str:
    z = result["zip"]
    lines = [
        f"Zip of {result['documents']} documents ({SOURCES[result['source']]})"
        " through the portal (`/documents.zip`):"
        f" {z['mb']:.1f} MB, {z['members']} members ({z['pdf_members']} PDFs, CRCs"
        f" {'ok' if z['first_corrupt_member'] is None else 'BAD at ' + z['first_corrupt_member']}),"
        f" downloaded in {z['seconds']:.2f} s (first byte after {z['first_byte_s']:.2f} s);"
        f" setup {result['setup_s']['until_listed_and_rendered']:.0f} s",
        "",
        "| resident memory (with child processes) | processes | before | peak during | after | growth |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, m in result["rss"].items():
        processes = result["processes"].get(name, sum(result["processes"].values()))
        lines.append(
            f"| {name} | {processes} | {m['before_mb']:.1f} MB | {m['peak_mb']:.1f} MB"
            f" | {m['after_mb']:.1f} MB | {m['growth_mb']:+.1f} MB |"
        )
    limit = result["limit_mb"]
    over = [name for name, m in result["rss"].items() if m["growth_mb"] >= limit]
    if result["passed"]:
        lines += ["", f"PASS: every growth under {limit:g} MB, and the zip whole"]
    else:
        problems = [f"{name} grew by {limit:g} MB or more" for name in over]
        problems += [] if result["zip_whole"] else [f"the zip does not hold {result['documents']} PDFs"]
        lines += ["", f"FAIL: {'; '.join(problems)}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.zip_memory")
    parser.add_argument("--source", choices=SOURCES, default="signed", help="where the documents come from")
    parser.add_argument("--documents", type=int, default=1000, help="documents in the customer's zip")
    parser.add_argument("--limit-mb", type=float, default=LIMIT_MB, help="the growth that fails it")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()

    async def run() -> dict[str, Any]:
        async with running_system() as system:
            return await zip_memory(system, args.documents, args.limit_mb, args.source)

    result = asyncio.run(run())
    result["machine"] = {"arch": platform.machine(), "python": platform.python_version()}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-zip-memory.json").write_text(json.dumps(result, indent=2))
    print(report(result))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
