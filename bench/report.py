"""Writes a run's figures where people read them: the generated part of bench/REPORT.md (between
`<!-- bench:results:start -->` and `<!-- bench:results:end -->`), the README's figures table
(between `<!-- bench:figures:start -->` and `<!-- bench:figures:end -->`), and every figure as
JSON (bench/results.json). Everything outside the markers is written by hand and left as it is.

The JSON keeps each part of the bench (flows, render, chromium, text, portal, zip) with the time and
machine it was measured on, so a run of some parts (`--only`) replaces those and keeps the others
from the run before, each labelled with its own date.
"""

import json
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPORT_MARKERS = ("<!-- bench:results:start -->", "<!-- bench:results:end -->")
README_MARKERS = ("<!-- bench:figures:start -->", "<!-- bench:figures:end -->")
PARTS = ("flows", "render", "chromium", "text", "portal", "zip")
KIND_NAMES = {
    "deposit_request": "Deposit Request (with PromptPay QR)",
    "deposit_receipt": "Deposit Receipt (DEPR)",
    "deposit_return_receipt": "Deposit Return Receipt (DEPRR)",
    "invoice": "Invoice (with PromptPay QR while due)",
    "receipt": "Receipt (RC)",
    "prepayment_receipt": "Pre-payment Receipt (PREREC)",
    "tax_invoice": "Tax Invoice",
    "job_report": "Job report",
}
PAGE_NAMES = {"home": "Home", "documents": "Documents", "receipts": "Receipts"}


# Marked regions ------------------------------------------------------------------------------------


class MarkersMissing(Exception):
    pass


def replace_between(text: str, markers: tuple[str, str], content: str) -> str:
    """The text with what lies between the two markers replaced by `content` (on lines of its own);
    the markers and everything outside them unchanged."""
    start, end = markers
    begin = text.find(start)
    finish = text.find(end, begin + len(start)) if begin >= 0 else -1
    if begin < 0 or finish < 0:
        raise MarkersMissing(f"{start} … {end} not found")
    return f"{text[: begin + len(start)]}\n{content.strip(chr(10))}\n{text[finish:]}"


def rewrite(path: Path, markers: tuple[str, str], content: str) -> None:
    path.write_text(replace_between(path.read_text(encoding="utf-8"), markers, content), encoding="utf-8")


# The machine ---------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    memory_kb = first("/proc/meminfo", "MemTotal").split()[0]
    return {
        "cores": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory_gb": round(int(memory_kb) / 2**20) if memory_kb.isdigit() else None,
        "arch": platform.machine(),
        "python": platform.python_version(),
        "load_average": _load_average(),
    }


def _load_average() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def describe(m: dict[str, Any]) -> str:
    memory = f", {m['memory_gb']} GB" if m.get("memory_gb") else ""
    return f"{m['cores']} cores ({m['cpu']}, {m['arch']}{memory}), Python {m['python']}"


# Results: merged parts -----------------------------------------------------------------------------


def merge(
    previous: dict[str, Any] | None, parts: dict[str, Any], at: datetime, options: dict[str, Any]
) -> dict[str, Any]:
    """The record after this run: its parts (with when, where and how they were measured) over the
    previous record's."""
    merged = dict((previous or {}).get("parts", {}))
    here = machine()
    for name, figures in parts.items():
        merged[name] = {
            "measured_at": at.isoformat(),
            "machine": here,
            "options": options,
            "figures": figures,
        }
    return {"written_at": at.isoformat(), "parts": {name: merged[name] for name in PARTS if name in merged}}


def load(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None


# Goals ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """A figure of issue 9's goals: the bench's value, the goal and whether it is met."""

    name: str
    part: str
    goal: str
    value: Callable[[dict[str, Any]], float | None]
    shown: Callable[[float], str]
    met: Callable[[float], bool]


def _dig(figures: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures


def _seconds(v: float) -> str:
    return f"{v:.2f} s"


def _ms(v: float) -> str:
    return f"{v:.0f} ms"


def _one_language_ms(figures: dict[str, Any], kind: str) -> float | None:
    kinds = _dig(figures, "kinds", kind) or {}
    chosen = kinds.get("customer_language")
    return None if chosen is None else float(chosen["median"])


def _of_page(page: str, *keys: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda figures: _dig(figures, "pages", page, *keys)


GOALS = [
    Goal(
        "return → DEPRR downloadable, one at a time, p95",
        "flows",
        "≤ 0.4 s",
        lambda f: _dig(f, "latency_s", "return", "concurrency 1", "p95"),
        _seconds,
        lambda v: v <= 0.4,
    ),
    Goal(
        "return → DEPRR downloadable, ten at once, p95",
        "flows",
        "≤ 1.0 s",
        lambda f: _dig(f, "latency_s", "return", "concurrency 10", "p95"),
        _seconds,
        lambda v: v <= 1.0,
    ),
    Goal(
        '"I\'ve paid" → staff alert, one at a time, p95',
        "flows",
        "≤ 0.3 s",
        lambda f: _dig(f, "latency_s", "report", "concurrency 1", "p95"),
        _seconds,
        lambda v: v <= 0.3,
    ),
    Goal(
        "recorded payment → RC downloadable, ten at once, p95",
        "flows",
        "≤ 1.5 s",
        lambda f: _dig(f, "latency_s", "payment", "concurrency 10", "p95"),
        _seconds,
        lambda v: v <= 1.5,
    ),
    Goal(
        "one PDF render (DEPRR, one language), median, in the running system",
        "render",
        "≤ 50 ms",
        lambda f: _one_language_ms(f, "deposit_return_receipt"),
        _ms,
        lambda v: v <= 50,
    ),
    Goal(
        "one PDF render (DEPRR, one language), median, alone in a warm render process",
        "chromium",
        "≤ 50 ms",
        lambda f: _dig(f, "kinds", "deposit_return_receipt", "weasyprint", "median_ms"),
        _ms,
        lambda v: v <= 50,
    ),
    Goal(
        "same HTML (DEPRR): WeasyPrint vs warm Chromium page reused",
        "chromium",
        "≥ 1.6× faster",
        lambda f: _dig(f, "kinds", "deposit_return_receipt", "chromium_warm_page_vs_weasyprint"),
        lambda v: f"{v:.2f}×",
        lambda v: v >= 1.6,
    ),
    *(
        Goal(
            f"Thai strings extracted exactly from every document's PDF, {name}",
            "text",
            "100 %",
            lambda f, extractor=extractor: _dig(f, "percent", extractor, "thai"),
            lambda v: f"{v:.1f} %",
            lambda v: v >= 100,
        )
        for extractor, name in (("pdfium", "PDFium"), ("poppler", "poppler"))
    ),
    *(
        Goal(
            f"portal {PAGE_NAMES[page]} at 50 connections, 500 documents: requests/s",
            "portal",
            "≥ 1,000 /s",
            _of_page(page, "requests_per_s"),
            lambda v: f"{v:,.0f} /s",
            lambda v: v >= 1000,
        )
        for page in PAGE_NAMES
    ),
    *(
        Goal(
            f"portal {PAGE_NAMES[page]} at 50 connections, 500 documents: p99",
            "portal",
            "≤ 50 ms",
            _of_page(page, "latency_ms", "p99"),
            _ms,
            lambda v: v <= 50,
        )
        for page in PAGE_NAMES
    ),
]


def goal_rows(record: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, this run, goal, met) of each goal whose part has been measured."""
    rows = []
    for goal in GOALS:
        part = record["parts"].get(goal.part)
        value = goal.value(part["figures"]) if part else None
        if part is None:
            rows.append((goal.name, "not measured", goal.goal, ""))
        elif value is None:  # measured, but not this figure (see its section)
            rows.append((goal.name, "—", goal.goal, ""))
        else:
            met = "met" if goal.met(float(value)) else "not yet"
            rows.append((goal.name, goal.shown(float(value)), goal.goal, met))
    return rows


# Markdown ------------------------------------------------------------------------------------------


def _when(part: dict[str, Any]) -> str:
    return f"{datetime.fromisoformat(part['measured_at']):%Y-%m-%d %H:%M} UTC"


def _heading(record: dict[str, Any]) -> str:
    parts = record["parts"]
    latest = max(parts.values(), key=lambda p: p["measured_at"])
    load = latest["machine"].get("load_average")
    when = {_when(p) for p in parts.values()}
    lines = [
        f"`make bench` run {_when(latest)} on {describe(latest['machine'])}"
        + (f"; load average {load:.1f} as it started" if load is not None else "")
        + "."
    ]
    if len(when) > 1:
        lines.append(
            "Parts measured at other times: "
            + "; ".join(f"{name} {_when(p)}" for name, p in parts.items() if _when(p) != _when(latest))
            + "."
        )
    missing = [name for name in PARTS if name not in parts]
    if missing:
        lines.append(f"Not measured yet: {', '.join(missing)}.")
    return " ".join(lines)


def _table(header: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def goals_table(record: dict[str, Any]) -> list[str]:
    return _table(["figure", "this run", "goal", "met?"], [list(row) for row in goal_rows(record)])


def flows_section(figures: dict[str, Any]) -> list[str]:
    from bench.flows import FLOWS

    rows = []
    for flow, by_concurrency in figures["latency_s"].items():
        first = True
        for label, r in by_concurrency.items():
            rows.append(
                [
                    FLOWS[flow] if first else "",
                    label.removeprefix("concurrency "),
                    str(r["runs"]),
                    _seconds(r["median"]),
                    _seconds(r["p95"]),
                    _seconds(r["max"]),
                ]
            )
            first = False
    lines = _table(["flow", "at once", "runs", "median", "p95", "max"], rows)
    lines += ["", "How each flow knows it is done:"]
    lines += [f"- {FLOWS[flow]}: {wait}" for flow, wait in figures["waits"].items()]
    heard = figures.get("live_updates", {})
    if heard:
        lines.append(
            "- live updates heard per pushed flow (each followed by one download try): "
            + "; ".join(f"{label}: {h['updates_per_flow']:.1f}" for label, h in heard.items())
        )
    return lines


def render_section(figures: dict[str, Any]) -> list[str]:
    rows = []
    columns = [("customer_language", f"customer's language ({figures['customer_language']})")]
    if figures["per_language"]:
        columns.append(("other_language", "other language"))
    else:
        columns = [("both_languages", "both languages together")]
    for kind, f in figures["kinds"].items():
        row = [KIND_NAMES.get(kind, kind)]
        for key, _ in columns:
            c = f.get(key)
            if c is None:
                row += ["—", "—", "—"]
                continue
            alone = c.get("one_at_a_time")
            row += [
                f"{c['renders']}",
                f"{_ms(c['median'])} / {_ms(c['p95'])}",
                f"{_ms(alone['median'])}" if alone else "—",
            ]
        rows.append(row)
    header = ["document"]
    for _, name in columns:
        header += [f"{name}: renders", "median / p95", "median, one flow at a time"]
    return [f"Source: {figures['source']}.", "", *_table(header, rows)]


def chromium_section(figures: dict[str, Any]) -> list[str]:
    rows = []
    for kind, f in figures["kinds"].items():
        w, c, n = f["weasyprint"], f["chromium_warm_page"], f["chromium_new_page"]
        rows.append(
            [
                KIND_NAMES.get(kind, kind),
                f"{w['median_ms']:.1f} ms ({w['cpu_ms']:.0f})",
                f"{c['median_ms']:.1f} ms ({c['cpu_ms']:.0f})",
                f"{n['median_ms']:.1f} ms ({n['cpu_ms']:.0f})",
                f"{f['chromium_warm_page_vs_weasyprint']:.2f}×",
                f"{f['chromium_new_page_vs_weasyprint']:.2f}×",
            ]
        )
    return [
        f"The same HTML, one language ({figures['language']}), {figures['runs']} renders of each by each:"
        " median wall time (median CPU ms per document in brackets); ratio = Chromium's median ÷"
        " WeasyPrint's, so above 1× WeasyPrint is that many times faster.",
        "",
        *_table(
            [
                "document",
                "WeasyPrint, warm process",
                "Chromium, warm page reused",
                "Chromium, new page each",
                "warm page ÷ WeasyPrint",
                "new page ÷ WeasyPrint",
            ],
            rows,
        ),
    ]


def portal_section(figures: dict[str, Any]) -> list[str]:
    rows = []
    for page, p in figures["pages"].items():
        latency = p["latency_ms"]
        errors = sum(p["socket_errors"].values()) + p["non_2xx_3xx"]
        none = "none in time" if p["requests"] == 0 else "—"
        rows.append(
            [
                f"{PAGE_NAMES.get(page, page)} (`{p['path']}`)",
                f"{p['requests_per_s']:,.0f}",
                _ms(latency["p50"]) if "p50" in latency else none,
                _ms(latency["p99"]) if "p99" in latency else none,
                f"{p['portal_cpu_ms_per_request']:.1f} ms",
                f"{p['stack_cpu_ms_per_request']:.1f} ms",
                _one_connection(p.get("one_connection")),
                str(errors),
            ]
        )
    return [
        f"wrk, {figures['connections']} connections on {figures['threads']} threads, {figures['seconds']} s"
        f" a page, one customer with {figures['documents']} documents and {figures['receipts']} receipts:",
        "",
        *_table(
            [
                "page",
                "requests/s",
                "p50",
                "p99",
                "portal CPU / request",
                "whole stack CPU / request",
                "one connection: portal CPU / request, p50",
                "errors + non-2xx",
            ],
            rows,
        ),
    ]


def _one_connection(one: dict[str, Any] | None) -> str:
    if not one:
        return "—"
    p50 = one["latency_ms"].get("p50")
    return f"{one['portal_cpu_ms_per_request']:.1f} ms, " + (_ms(p50) if p50 is not None else "—")


def text_section(figures: dict[str, Any]) -> list[str]:
    rows = [
        [
            extractor,
            f"{figures['exact'][key]['thai']} of {figures['thai']} ({figures['percent'][key]['thai']:.1f} %)",
            f"{figures['exact'][key]['sara_am']} of {figures['sara_am']}"
            f" ({figures['percent'][key]['sara_am']:.1f} %)",
        ]
        for key, extractor in (("pdfium", "PDFium (pypdfium2)"), ("poppler", "poppler (`pdftotext -raw`)"))
    ]
    missed = [f"- {m['document']}, {m['extractor']}: “{m['text']}”" for m in figures["missed"]]
    return [
        f"Every document type in both languages ({figures['documents']} PDFs, made as the service makes"
        " them): each Thai text of the page looked for exactly in the PDF's extracted text, nothing"
        " normalised (`bench/text_layer.py`).",
        "",
        *_table(["extractor", "Thai strings found exactly", "of them with ำ"], rows),
        *(["", "Not found (the first 20):", *missed] if missed else []),
    ]


def zip_section(figures: dict[str, Any]) -> list[str]:
    from bench import zip_memory

    return [zip_memory.report(figures)]


SECTIONS: dict[str, tuple[str, Callable[[dict[str, Any]], list[str]]]] = {
    "flows": ("Flows", flows_section),
    "render": ("Render time per document", render_section),
    "chromium": ("WeasyPrint and Chromium on the same HTML", chromium_section),
    "text": ("Text inside the PDFs", text_section),
    "portal": ("Portal at 50 connections", portal_section),
    "zip": ("Zip of documents: memory", zip_section),
}


def report_results(record: dict[str, Any]) -> str:
    """The generated part of bench/REPORT.md."""
    lines = [
        "<!-- Generated by `python -m bench` from bench/results.json; edits here are overwritten. -->",
        "",
        _heading(record),
        "",
        "### Against the goals (issue 9)",
        "",
        *goals_table(record),
    ]
    for name, (title, section) in SECTIONS.items():
        part = record["parts"].get(name)
        if part is None:
            continue
        lines += ["", f"### {title}", "", f"Measured {_when(part)}.", "", *section(part["figures"])]
    return "\n".join(lines)


def readme_figures(record: dict[str, Any]) -> str:
    """The README's figures table."""
    lines = [
        "<!-- Generated by `python -m bench`; edits here are overwritten. -->",
        _heading(record),
        "",
        *goals_table(record),
    ]
    flows = record["parts"].get("flows")
    if flows:
        from bench.flows import FLOWS

        rows = []
        for flow, by_concurrency in flows["figures"]["latency_s"].items():
            row = [FLOWS[flow]]
            for label in ("concurrency 1", "concurrency 10"):
                r = by_concurrency.get(label)
                row += [_seconds(r["median"]), _seconds(r["p95"])] if r else ["—", "—"]
            rows.append(row)
        lines += ["", *_table(["flow", "one at a time: median", "p95", "ten at once: median", "p95"], rows)]
    zipped = record["parts"].get("zip")
    if zipped:
        z = zipped["figures"]
        rss = z["rss"]
        lines += [
            "",
            f"A zip of {z['documents']:,} documents ({z['zip']['mb']:.0f} MB) streams through the portal with"
            f" the documents and portal processes growing by {rss['documents']['growth_mb']:.1f} MB and"
            f" {rss['portal']['growth_mb']:.1f} MB (limit {z['limit_mb']:g} MB each).",
        ]
    return "\n".join(lines)


def write(record: dict[str, Any], *, json_path: Path, report_path: Path, readme_path: Path) -> None:
    json_path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rewrite(report_path, REPORT_MARKERS, report_results(record))
    rewrite(readme_path, README_MARKERS, readme_figures(record))


def now() -> datetime:
    return datetime.now(UTC)
