"""`make bench`: every benchmark in one run, and the report rewritten from it.

Parts (`--only` picks some; all by default), in the order they run:

  chromium  WeasyPrint against Debian's Chromium on the same HTML, for each document type
            (bench/render_compare.py; before the system starts, on a quieter machine);
  text      whether every document's PDF reads back its Thai text exactly, in PDFium and poppler
            (bench/text_layer.py; before the system starts);
  flows     the three customer-facing flows, one at a time and ten at once, waiting on the portal's
            live stream (bench/flows.py);
  render    the render time of each document those flows caused, from document.rendered.v1
            (bench/render_times.py; without `flows`, the flows run one at a time for it, unreported);
  portal    wrk at 50 connections on Home, Documents and Receipts of a customer with 500 documents
            and 500 receipts (bench/portal_load.py);
  zip       the memory of a 1,000-document zip downloaded through the portal (bench/zip_memory.py;
            fails the run at 30 MB of growth).

The system (flows, render, portal, zip) is started here on embedded defaults (bench/harness.py).
The figures go to bench/results/<time>.json (this run's), bench/results.json (every part's latest,
with when and where it was measured), the generated part of bench/REPORT.md and the README's
figures table (bench/report.py); `--no-write` leaves the last three as they are.

Usage: python -m bench [--only flows,render,chromium,text,portal,zip] [--runs 30] [--concurrency 1,10]
       [--render-runs 20] [--portal-seconds 10] [--portal-documents 500] [--portal-receipts 500]
       [--zip-documents 1000] [--zip-source signed|receipts] [--no-write]
"""

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bench import portal_load, render_compare, render_times, report, text_layer, zip_memory
from bench.flows import run_flows
from bench.harness import running_system
from shared.contracts.catalogue import DOCUMENTS

RESULTS = Path("bench/results")
RESULTS_JSON = Path("bench/results.json")
REPORT_MD = Path("bench/REPORT.md")
README_MD = Path("README.md")
CUSTOMER_LANGUAGE = "th"  # the flows' customers are Thai-speaking


def parts_of(only: str) -> list[str]:
    chosen = [p.strip() for p in only.split(",") if p.strip()] or list(report.PARTS)
    unknown = [p for p in chosen if p not in report.PARTS]
    if unknown:
        raise SystemExit(f"--only: unknown part {', '.join(unknown)}; the parts: {', '.join(report.PARTS)}")
    return [p for p in report.PARTS if p in chosen]


async def run(args: argparse.Namespace, parts: list[str]) -> dict[str, Any]:
    measured: dict[str, Any] = {}
    if "chromium" in parts:
        print(f"chromium: each document type, {args.render_runs} renders by each approach …", flush=True)
        measured["chromium"] = await render_compare.compare(args.render_runs, CUSTOMER_LANGUAGE)
    if "text" in parts:
        print("text: every document's text layer in PDFium and poppler …", flush=True)
        measured["text"] = text_layer.check()
    if not {"flows", "render", "portal", "zip"} & set(parts):
        return measured
    async with running_system() as system:
        if {"flows", "render"} & set(parts):
            tenant_id = await system.new_tenant()
            concurrencies = args.concurrency if "flows" in parts else [1]
            at_once = ", ".join(map(str, concurrencies))
            print(f"flows: {args.runs} runs each at {at_once} at once …", flush=True)
            flows, phases = await run_flows(system, tenant_id, args.runs, concurrencies)
            if "flows" in parts:
                measured["flows"] = flows
            if "render" in parts:
                rows = render_times.collect(await system.events(DOCUMENTS.name), tenant_id, phases)
                measured["render"] = render_times.summarise(rows, CUSTOMER_LANGUAGE)
        if "portal" in parts:
            measured["portal"] = await portal_load.portal_throughput(
                system,
                seconds=args.portal_seconds,
                documents=args.portal_documents,
                receipts=args.portal_receipts,
            )
        if "zip" in parts and args.zip_documents:
            measured["zip"] = await zip_memory.zip_memory(system, args.zip_documents, source=args.zip_source)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Every benchmark, one report.")
    parser.add_argument("--only", default="", help=f"comma-separated parts: {','.join(report.PARTS)}")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each flow per concurrency")
    parser.add_argument(
        "--concurrency",
        type=lambda v: [int(c) for c in v.split(",")],
        default=[1, 10],
        help="comma-separated flows in flight at once (default 1,10)",
    )
    parser.add_argument("--render-runs", type=int, default=20, help="renders of each document by each")
    parser.add_argument("--portal-seconds", type=int, default=portal_load.SECONDS, help="wrk's time per page")
    parser.add_argument("--portal-documents", type=int, default=500)
    parser.add_argument("--portal-receipts", type=int, default=500)
    parser.add_argument(
        "--zip-documents", type=int, default=1000, help="documents in the zip measured (0: skip)"
    )
    parser.add_argument(
        "--zip-source", choices=zip_memory.SOURCES, default="signed", help="where its documents come from"
    )
    parser.add_argument("--no-write", action="store_true", help="leave results.json, REPORT.md and README.md")
    args = parser.parse_args()
    parts = parts_of(args.only)
    started = report.now()
    options = {
        "parts": parts,
        "runs": args.runs,
        "concurrency": args.concurrency,
        "render_runs": args.render_runs,
        "portal_seconds": args.portal_seconds,
        "portal_documents": args.portal_documents,
        "portal_receipts": args.portal_receipts,
        "zip_documents": args.zip_documents,
        "zip_source": args.zip_source,
    }
    measured = asyncio.run(run(args, parts))
    this_run = report.merge(None, measured, started, options)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{started:%Y%m%dT%H%M%S}.json").write_text(json.dumps(this_run, indent=2, ensure_ascii=False))
    print(report.report_results(this_run))
    if not args.no_write:
        record = report.merge(report.load(RESULTS_JSON), measured, started, options)
        report.write(record, json_path=RESULTS_JSON, report_path=REPORT_MD, readme_path=README_MD)
        print(f"\nwrote {RESULTS_JSON}, {REPORT_MD} and {README_MD}")
    if not measured.get("zip", {"passed": True})["passed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
