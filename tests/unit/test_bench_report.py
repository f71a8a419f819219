"""`make bench` rewrites its report from the run: the generated part of bench/REPORT.md and the
README's figures table, between their markers, with the run's time, machine and the goals; the
hand-written rest of each file stays as it was."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bench import report

AT = datetime(2026, 12, 2, 5, 30, tzinfo=UTC)
HAND_WRITTEN_TOP = "# Benchmark report\n\nHow the bench works, written by hand.\n\n## Results\n\n"
HAND_WRITTEN_BOTTOM = "\n\n## Reading them\n\n- Rendering is most of it.\n"


def _flows() -> dict[str, Any]:
    def row(median: float, p95: float) -> dict[str, Any]:
        return {"runs": 30, "median": median, "p95": p95, "max": p95 + 0.1}

    return {
        "latency_s": {
            "return": {"concurrency 1": row(0.31, 0.38), "concurrency 10": row(0.9, 1.4)},
            "report": {"concurrency 1": row(0.2, 0.25), "concurrency 10": row(0.5, 0.7)},
            "payment": {"concurrency 1": row(0.4, 0.5), "concurrency 10": row(1.2, 1.6)},
        },
        "waits": {"return": "pushed", "report": "polled every 50 ms", "payment": "pushed"},
        "live_updates": {"concurrency 1": {"flows": 30, "updates_per_flow": 2.0, "downloads_per_flow": 2.0}},
    }


def _chromium() -> dict[str, Any]:
    def approach(ms: float) -> dict[str, Any]:
        return {"median_ms": ms, "p95_ms": ms + 5, "cpu_ms": ms - 5, "pdf_bytes": 30_000}

    return {
        "runs": 20,
        "language": "th",
        "kinds": {
            "deposit_return_receipt": {
                "weasyprint": approach(45.0),
                "chromium_warm_page": approach(81.0),
                "chromium_new_page": approach(265.0),
                "chromium_warm_page_vs_weasyprint": 1.8,
                "chromium_new_page_vs_weasyprint": 5.89,
            }
        },
    }


def _portal() -> dict[str, Any]:
    def page(path: str, rate: float, p99: float) -> dict[str, Any]:
        return {
            "path": path,
            "requests": int(rate * 10),
            "seconds": 10.0,
            "requests_per_s": rate,
            "latency_ms": {"p50": 20.0, "p75": 25.0, "p90": 30.0, "p99": p99},
            "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
            "non_2xx_3xx": 0,
            "portal_cpu_ms_per_request": 1.1,
            "stack_cpu_ms_per_request": 1.3,
            "one_connection": {
                "requests": 900,
                "requests_per_s": 300.0,
                "latency_ms": {"p50": 3.2, "p99": 5.0},
                "portal_cpu_ms_per_request": 0.9,
            },
        }

    return {
        "connections": 50,
        "threads": 2,
        "seconds": 10,
        "documents": 503,
        "receipts": 500,
        "pages": {
            "home": page("/", 1200.0, 45.0),
            "documents": page("/documents", 980.0, 60.0),
            "receipts": page("/receipts", 1100.0, 40.0),
        },
    }


def _record(**parts: dict[str, Any]) -> dict[str, Any]:
    return report.merge(None, parts, AT, {"runs": 30})


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Mudjam\n\n## Benchmarks\n\nResults:\n\n"
        "<!-- bench:figures:start -->\n| old | table |\n<!-- bench:figures:end -->\n\n## Production\n"
    )
    bench_report = tmp_path / "REPORT.md"
    bench_report.write_text(
        HAND_WRITTEN_TOP
        + "<!-- bench:results:start -->\nold figures: 0.57 s\n<!-- bench:results:end -->"
        + HAND_WRITTEN_BOTTOM
    )
    return tmp_path / "results.json", bench_report, readme


def test_the_text_between_the_markers_is_replaced_and_the_rest_kept() -> None:
    text = "before\n<!-- a -->\nold\nlines\n<!-- b -->\nafter\n"

    replaced = report.replace_between(text, ("<!-- a -->", "<!-- b -->"), "\nnew\n")

    assert replaced == "before\n<!-- a -->\nnew\n<!-- b -->\nafter\n"
    assert report.replace_between(replaced, ("<!-- a -->", "<!-- b -->"), "new") == replaced


def test_a_file_without_its_markers_is_refused_not_appended_to() -> None:
    with pytest.raises(report.MarkersMissing):
        report.replace_between("no markers here\n", report.REPORT_MARKERS, "figures")
    with pytest.raises(report.MarkersMissing):
        report.replace_between(
            f"{report.REPORT_MARKERS[1]} {report.REPORT_MARKERS[0]}", report.REPORT_MARKERS, "x"
        )


def test_writing_a_run_rewrites_the_generated_parts_and_leaves_the_hand_written_ones(tmp_path: Path) -> None:
    json_path, bench_report, readme = _files(tmp_path)

    report.write(_record(flows=_flows()), json_path=json_path, report_path=bench_report, readme_path=readme)

    written = bench_report.read_text()
    assert written.startswith(HAND_WRITTEN_TOP + report.REPORT_MARKERS[0])
    assert written.endswith(report.REPORT_MARKERS[1] + HAND_WRITTEN_BOTTOM)
    assert "old figures" not in written
    assert "0.38 s" in written  # the return's p95, one at a time
    readme_text = readme.read_text()
    assert readme_text.startswith("# Mudjam\n\n## Benchmarks\n\nResults:\n\n<!-- bench:figures:start -->\n")
    assert readme_text.endswith("<!-- bench:figures:end -->\n\n## Production\n")
    assert "| old | table |" not in readme_text
    assert report.load(json_path) == _record(flows=_flows())


def test_the_report_says_when_and_on_what_machine_it_ran() -> None:
    generated = report.report_results(_record(flows=_flows()))

    machine = report.machine()
    assert "2026-12-02 05:30 UTC" in generated
    assert f"{machine['cores']} cores" in generated
    assert f"Python {machine['python']}" in generated


def test_each_figure_stands_beside_its_goal_and_says_whether_it_is_met() -> None:
    rows = {row[0]: row[1:] for row in report.goal_rows(_record(flows=_flows(), chromium=_chromium()))}

    assert rows["return → DEPRR downloadable, one at a time, p95"] == ("0.38 s", "≤ 0.4 s", "met")
    assert rows["return → DEPRR downloadable, ten at once, p95"] == ("1.40 s", "≤ 1.0 s", "not yet")
    assert rows["recorded payment → RC downloadable, ten at once, p95"] == ("1.60 s", "≤ 1.5 s", "not yet")
    assert rows["same HTML (DEPRR): WeasyPrint vs warm Chromium page reused"] == (
        "1.80×",
        "≥ 1.6× faster",
        "met",
    )
    assert rows["one PDF render (DEPRR, one language), median, alone in a warm render process"] == (
        "45 ms",
        "≤ 50 ms",
        "met",
    )
    assert rows["portal Home at 50 connections, 500 documents: requests/s"] == (
        "not measured",
        "≥ 1,000 /s",
        "",
    )


def test_portal_figures_are_measured_per_page_against_their_goals() -> None:
    rows = {row[0]: row[1:] for row in report.goal_rows(_record(portal=_portal()))}

    assert rows["portal Home at 50 connections, 500 documents: requests/s"] == (
        "1,200 /s",
        "≥ 1,000 /s",
        "met",
    )
    assert rows["portal Documents at 50 connections, 500 documents: requests/s"][2] == "not yet"
    assert rows["portal Documents at 50 connections, 500 documents: p99"] == ("60 ms", "≤ 50 ms", "not yet")
    assert (
        "| Receipts (`/receipts`) | 1,100 | 20 ms | 40 ms | 1.1 ms | 1.3 ms | 0.9 ms, 3 ms | 0 |"
        in report.report_results(_record(portal=_portal()))
    )


def test_a_run_of_some_parts_keeps_the_others_from_the_run_before_with_their_own_date() -> None:
    earlier = report.merge(None, {"flows": _flows()}, datetime(2026, 12, 1, 22, 0, tzinfo=UTC), {})

    record = report.merge(earlier, {"chromium": _chromium()}, AT, {})

    assert list(record["parts"]) == ["flows", "chromium"]
    assert record["parts"]["flows"] == earlier["parts"]["flows"]
    generated = report.report_results(record)
    assert "flows 2026-12-01 22:00 UTC" in generated
    assert "Not measured yet: render, text, portal, zip." in generated


def test_without_per_language_times_the_render_table_says_both_languages() -> None:
    render = {
        "customer_language": "th",
        "per_language": False,
        "source": "render_ms of document.rendered.v1: both languages together",
        "kinds": {
            "deposit_return_receipt": {
                "both_languages": {
                    "renders": 10,
                    "median": 220,
                    "p95": 300,
                    "one_at_a_time": {"renders": 5, "median": 200, "p95": 210},
                }
            }
        },
    }

    generated = report.report_results(_record(render=render))

    assert "both languages together: renders" in generated
    assert "| Deposit Return Receipt (DEPRR) | 10 | 220 ms / 300 ms | 200 ms |" in generated
    rows = {row[0]: row[1:] for row in report.goal_rows(_record(render=render))}
    assert rows["one PDF render (DEPRR, one language), median, in the running system"] == ("—", "≤ 50 ms", "")
    assert rows["same HTML (DEPRR): WeasyPrint vs warm Chromium page reused"][0] == "not measured"
