"""WeasyPrint against Debian's Chromium on the same HTML, side by side.

For each document type the documents service renders, the HTML it renders (`render_html(sheet)` of
a sample sheet, in one language: the file printed in that language first) is made into a PDF `runs`
times by:

  (a) WeasyPrint in one warm process, as a render process does: spawned and started and warmed up
      the way the service starts its render processes, then `render_pages_to_pdf` on the page the
      service renders (its styles parsed once per process, images cached, the collector kept out of
      the render), so the figure is the service's own;
  (b) Chromium through Playwright, reusing one warm page: `page.set_content` + `page.pdf`;
  (c) Chromium with a new page per document (what a Gotenberg-style service does): a new page
      opens the HTML from a file, `page.pdf`, and closes.

Chromium is Debian's (/usr/bin/chromium), launched once and kept for all runs. The three take turns
document by document, so noise on a shared machine falls on all of them alike. Each time is the
wall time as the caller sees it (for (a) including the hand-over to its process, as the service
sees it); CPU is the render process's own for (a) and the Chromium processes' (browser, renderer,
utility; not Playwright's driver) for (b) and (c). The ratio is Chromium's median over
WeasyPrint's: above 1, WeasyPrint is that many times faster.

Usage: python -m bench.render_compare [--runs 20] [--language th] [--kinds invoice,receipt] [--out FILE]
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.processes import descendants, process_cpu_s
from bench.stats import percentile

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APPROACHES = {
    "weasyprint": "WeasyPrint, one warm process",
    "chromium_warm_page": "Chromium, one warm page reused",
    "chromium_new_page": "Chromium, a new page per document",
}
WARM_UP_RUNS = 2


def sample_sheets(language: str) -> dict[str, Any]:
    """A sheet of each document type the service renders, from the unit tests' sample facts."""
    from services.documents.content import build_sheet
    from services.documents.domain import job_report_facts
    from tests.unit.documents import factories

    facts: dict[str, Any] = {
        "deposit_request": factories.request(),
        "deposit_receipt": factories.receipt(),
        "deposit_return_receipt": factories.deposit_return(),
        "invoice": factories.invoice(),
        "receipt": factories.payment_receipt(),
        "prepayment_receipt": factories.prepayment_receipt(),
        "tax_invoice": factories.tax_invoice(),
        "job_report": job_report_facts(factories.job_report_published(), job_number="JOB-1000"),
    }
    return {
        kind: build_sheet(
            facts=fact,
            version=1,
            branch_id="bkk",
            tenant=factories.tenant(),
            customer=factories.customer(preferred_language=language),
            language=language,  # type: ignore[arg-type]
        )
        for kind, fact in facts.items()
    }


def sample_html(
    language: str, kinds: list[str] | None = None, *, inline_styles: bool = True
) -> dict[str, str]:
    """Each document's HTML: with its styles inline, as a browser takes it; without, as the
    service hands it to its render processes (which add the styles they parsed once)."""
    from services.documents.adapters.renderer import render_html

    sheets = sample_sheets(language)
    return {
        kind: render_html(sheet, inline_styles=inline_styles)
        for kind, sheet in sheets.items()
        if not kinds or kind in kinds
    }


# (a) WeasyPrint in a process of its own ------------------------------------------------------------


def _warm_render_process(parent_pid: int) -> None:
    from services.documents.adapters import renderer

    renderer._start_render_process(parent_pid)
    renderer._warm_up()


def weasyprint_pdf(html: str) -> tuple[bytes, float]:
    """In the render process: the PDF and the CPU seconds it took there."""
    from services.documents.adapters.renderer import render_pages_to_pdf

    started = time.process_time()
    [pdf] = render_pages_to_pdf([html])
    return pdf, time.process_time() - started


class WeasyPrint:
    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_render_process,
            initargs=(os.getpid(),),
        )

    def render(self, html: str) -> tuple[float, float, bytes]:
        started = time.perf_counter()
        pdf, cpu_s = self._pool.submit(weasyprint_pdf, html).result()
        return time.perf_counter() - started, cpu_s, pdf

    def close(self) -> None:
        self._pool.shutdown()


# (b), (c) Chromium ---------------------------------------------------------------------------------


def chromium_pids() -> list[int]:
    """Chromium's processes under this one (Playwright's driver starts it)."""
    found = []
    for pid in descendants(os.getpid()):
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if name.startswith("chrom"):
            found.append(pid)
    return found


def chromium_cpu_s() -> float:
    # A renderer that ended counts in its parent's (the zygote's) children's time from then on.
    return sum(process_cpu_s(pid) for pid in chromium_pids())


def _html_files(pages: dict[str, str], folder: Path) -> dict[str, Path]:
    """Each HTML as a file, for the new page per document to open (as a Gotenberg-style service does)."""
    files = {}
    for kind, html in pages.items():
        files[kind] = folder / f"{kind}.html"
        files[kind].write_text(html, encoding="utf-8")
    return files


async def compare(runs: int, language: str = "th", kinds: list[str] | None = None) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from services.documents.adapters.renderer import FONT_DIR

    pages = sample_html(language, kinds)
    service_pages = sample_html(language, kinds, inline_styles=False)
    times: dict[str, dict[str, list[float]]] = {k: {a: [] for a in APPROACHES} for k in pages}
    cpu: dict[str, dict[str, list[float]]] = {k: {a: [] for a in APPROACHES} for k in pages}
    sizes: dict[str, dict[str, int]] = {k: {} for k in pages}
    folder = tempfile.TemporaryDirectory(prefix="mudjam-render-compare-")
    files = _html_files(pages, Path(folder.name))
    weasyprint = WeasyPrint()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = await browser.new_context()
            warm = await context.new_page()
            # The page's origin is file: so the HTML may load the packaged fonts it names.
            await warm.goto(FONT_DIR.as_uri() + "/")

            async def warm_page(html: str, _: Path) -> bytes:
                await warm.set_content(html)
                return await warm.pdf(prefer_css_page_size=True, print_background=True)

            async def new_page(_: str, file: Path) -> bytes:
                page = await context.new_page()
                try:
                    await page.goto(file.as_uri())
                    return await page.pdf(prefer_css_page_size=True, print_background=True)
                finally:
                    await page.close()

            chromium: dict[str, Callable[[str, Path], Any]] = {
                "chromium_warm_page": warm_page,
                "chromium_new_page": new_page,
            }
            for round_ in range(WARM_UP_RUNS + runs):
                for kind, html in pages.items():
                    took, cpu_s, pdf = await asyncio.to_thread(weasyprint.render, service_pages[kind])
                    measured = {"weasyprint": (took, cpu_s, pdf)}
                    for name, make in chromium.items():
                        cpu_before = chromium_cpu_s()
                        started = time.perf_counter()
                        pdf = await make(html, files[kind])
                        took = time.perf_counter() - started
                        measured[name] = (took, chromium_cpu_s() - cpu_before, pdf)
                    if round_ < WARM_UP_RUNS:
                        continue
                    for name, (took, cpu_s, pdf) in measured.items():
                        assert pdf.startswith(b"%PDF"), f"{name} made no PDF of {kind}"
                        times[kind][name].append(took * 1000)
                        cpu[kind][name].append(cpu_s * 1000)
                        sizes[kind][name] = len(pdf)
            await browser.close()
    finally:
        weasyprint.close()
        folder.cleanup()
    return {
        "runs": runs,
        "language": language,
        "approaches": APPROACHES,
        "kinds": {kind: _figures(times[kind], cpu[kind], sizes[kind]) for kind in pages},
    }


def _figures(
    times: dict[str, list[float]], cpu: dict[str, list[float]], sizes: dict[str, int]
) -> dict[str, Any]:
    figures: dict[str, Any] = {
        name: {
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "cpu_ms": round(statistics.median(cpu[name]), 1),
            "pdf_bytes": sizes[name],
        }
        for name, values in times.items()
    }
    base = figures["weasyprint"]["median_ms"]
    for name in ("chromium_warm_page", "chromium_new_page"):
        figures[f"{name}_vs_weasyprint"] = round(figures[name]["median_ms"] / base, 2)
    return figures


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Same HTML, one language ({result['language']}), {result['runs']} runs each, medians"
        " (CPU: median per document); ratio = Chromium ÷ WeasyPrint, above 1 WeasyPrint is faster:",
        "",
        "| document | WeasyPrint | Chromium warm page | Chromium new page | warm page ÷ WeasyPrint"
        " | new page ÷ WeasyPrint |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, f in result["kinds"].items():
        w, c, n = f["weasyprint"], f["chromium_warm_page"], f["chromium_new_page"]
        lines.append(
            f"| {kind} | {w['median_ms']:.1f} ms (CPU {w['cpu_ms']:.0f}) | {c['median_ms']:.1f} ms"
            f" (CPU {c['cpu_ms']:.0f}) | {n['median_ms']:.1f} ms (CPU {n['cpu_ms']:.0f})"
            f" | {f['chromium_warm_page_vs_weasyprint']:.2f}× | {f['chromium_new_page_vs_weasyprint']:.2f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.render_compare")
    parser.add_argument("--runs", type=int, default=20, help="renders of each document by each approach")
    parser.add_argument("--language", choices=("th", "en"), default="th", help="the language printed first")
    parser.add_argument("--kinds", default="", help="comma-separated document types (default: all)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k] or None
    result = asyncio.run(compare(args.runs, args.language, kinds))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    print(report(result))


if __name__ == "__main__":
    main()
