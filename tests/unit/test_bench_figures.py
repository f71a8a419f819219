"""The figures the bench reads and computes: percentiles, wrk's output, the render times in
document.rendered.v1 (as announced today, and per language if rendering comes to time each), and
CPU time from /proc."""

from datetime import UTC, datetime, timedelta

import pytest

from bench.flows import Phase
from bench.portal_load import duration_ms, parse_wrk
from bench.processes import cpu_ticks
from bench.render_times import BOTH, collect, language_times, summarise
from bench.stats import percentile, summary

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41234/documents
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   530.12ms  200.31ms   1.84s    70.00%
    Req/Sec    34.00     10.00    60.00     70.00%
  Latency Distribution
     50%  528.00ms
     75%  700.10ms
     90%    1.20s
     99%    1.84s
  680 requests in 10.01s, 5.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 12
Requests/sec:     67.93
Transfer/sec:    511.00KB
"""

FAST_WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41234/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms    3.10ms  80.00ms   90.00%
    Req/Sec   610.00     40.00   700.00     80.00%
  Latency Distribution
     50%  812.00us
     75%    1.10ms
     90%    2.00ms
     99%   12.50ms
  12150 requests in 10.00s, 90.00MB read
Requests/sec:   1215.00
Transfer/sec:      9.00MB
"""


# Percentiles ---------------------------------------------------------------------------------------


def test_the_median_and_p95_of_a_hundred_values() -> None:
    values = [float(v) for v in range(1, 101)]

    assert percentile(values, 0.5) == 51  # nearest rank on (n - 1): 49.5 rounds to index 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 1.0) == 100
    assert percentile(values, 0.0) == 1


def test_a_percentile_does_not_care_about_the_order_given() -> None:
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2
    assert percentile([5.0], 0.95) == 5


def test_p95_of_thirty_runs_is_the_second_slowest() -> None:
    runs = [float(v) for v in range(30)]

    assert percentile(runs, 0.95) == 28


def test_no_values_or_a_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0], 95)


def test_a_latency_summary_gives_runs_median_p95_and_max() -> None:
    assert summary([0.5, 0.1, 0.3, 0.2]) == {"runs": 4, "median": 0.25, "p95": 0.5, "max": 0.5}


# wrk -----------------------------------------------------------------------------------------------


def test_wrk_durations_in_every_unit_it_prints() -> None:
    assert duration_ms("812.00us") == pytest.approx(0.812)
    assert duration_ms("528.00ms") == 528
    assert duration_ms("1.84s") == 1840
    assert duration_ms("2.00m") == 120_000
    with pytest.raises(ValueError, match="not a wrk duration"):
        duration_ms("fast")


def test_wrk_latency_output_gives_rate_percentiles_errors_and_failed_answers() -> None:
    figures = parse_wrk(WRK_OUTPUT)

    assert figures["requests"] == 680
    assert figures["seconds"] == pytest.approx(10.01)
    assert figures["requests_per_s"] == 67.93
    assert figures["latency_ms"] == {"p50": 528.0, "p75": 700.1, "p90": 1200.0, "p99": 1840.0}
    assert figures["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 3}
    assert figures["non_2xx_3xx"] == 12


def test_a_clean_fast_wrk_run_has_no_errors_and_sub_millisecond_medians() -> None:
    figures = parse_wrk(FAST_WRK_OUTPUT)

    assert figures["requests_per_s"] == 1215.0
    assert figures["latency_ms"]["p50"] == pytest.approx(0.812)
    assert figures["latency_ms"]["p99"] == 12.5
    assert figures["socket_errors"] == {}
    assert figures["non_2xx_3xx"] == 0


def test_a_run_in_which_no_request_completed_has_no_latencies() -> None:
    output = FAST_WRK_OUTPUT.replace("12150 requests in 10.00s", "0 requests in 3.02s").replace(
        "1215.00", "0.00"
    )

    figures = parse_wrk(output)

    assert figures["requests"] == 0
    assert figures["requests_per_s"] == 0
    assert figures["latency_ms"] == {}


def test_output_that_is_not_wrks_is_refused() -> None:
    with pytest.raises(ValueError, match="not the output of wrk"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


# Render times --------------------------------------------------------------------------------------


def _files(*languages: str, **per_file_ms: int) -> list[dict[str, object]]:
    return [
        {
            "language": language,
            "storage_key": f"k/{language}.pdf",
            **({"render_ms": per_file_ms[language]} if language in per_file_ms else {}),
        }
        for language in languages
    ]


def test_todays_event_times_both_languages_together() -> None:
    assert language_times({"files": _files("th", "en"), "render_ms": 230}) == {BOTH: 230}


def test_an_event_announcing_one_file_times_that_language() -> None:
    assert language_times({"files": _files("th"), "render_ms": 95}) == {"th": 95}


def test_a_time_on_each_file_is_a_time_per_language() -> None:
    data = {"files": _files("th", "en", th=96, en=90), "render_ms": 186}

    assert language_times(data) == {"th": 96, "en": 90}


def test_a_mapping_of_language_to_time_is_read_whatever_its_name() -> None:
    assert language_times(
        {"files": _files("th", "en"), "render_ms": 186, "render_ms_by_language": {"th": 96, "en": 90}}
    ) == {
        "th": 96,
        "en": 90,
    }
    assert language_times({"files": _files("th"), "language_render_ms": {"th": 80}, "render_ms": 80}) == {
        "th": 80
    }


def _event(doc: str, version: int, at: datetime, **data: object) -> dict[str, object]:
    return {
        "type": "document.rendered.v1",
        "tenant_id": "t-1",
        "time": at.isoformat(),
        "data": {"document_id": doc, "version": version, "kind": "deposit_return_receipt", **data},
    }


T0 = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
PHASES = [
    Phase("return, concurrency 1", T0, T0 + timedelta(minutes=1)),
    Phase("return, concurrency 10", T0 + timedelta(minutes=2), T0 + timedelta(minutes=3)),
]


def test_the_customers_language_first_then_the_other_later_counts_each_language_once() -> None:
    events = [
        _event("d1", 1, T0 + timedelta(seconds=5), files=_files("th"), render_ms=40),
        _event("d1", 1, T0 + timedelta(seconds=6), files=_files("th", "en", th=40, en=45), render_ms=85),
        _event(
            "d2",
            1,
            T0 + timedelta(minutes=2, seconds=5),
            files=_files("th", "en", th=60, en=70),
            render_ms=130,
        ),
        {**_event("d3", 1, T0, files=_files("th"), render_ms=10), "tenant_id": "t-other"},
    ]

    rows = collect(events, "t-1", PHASES)
    figures = summarise(rows, "th")

    assert sorted((r["language"], r["ms"], r["phase"]) for r in rows) == [
        ("en", 45, "return, concurrency 1"),
        ("en", 70, "return, concurrency 10"),
        ("th", 40, "return, concurrency 1"),
        ("th", 60, "return, concurrency 10"),
    ]
    deprr = figures["kinds"]["deposit_return_receipt"]
    assert figures["per_language"] is True
    assert deprr["customer_language"]["renders"] == 2
    assert deprr["customer_language"]["median"] == 50
    assert deprr["customer_language"]["one_at_a_time"]["median"] == 40
    assert deprr["other_language"]["median"] == 58  # 57.5, rounded half to even
    assert "both_languages" not in deprr


def test_a_version_announced_again_with_both_files_times_the_added_language_by_the_difference() -> None:
    """What the documents service sends: the customer's language with its time, then the same
    version with both files and both languages' time together."""
    events = [
        _event("d1", 1, T0 + timedelta(seconds=5), files=_files("th"), render_ms=40),
        _event("d1", 1, T0 + timedelta(seconds=6), files=_files("th", "en"), render_ms=85),
    ]

    rows = collect(events, "t-1", PHASES)

    assert sorted((r["language"], r["ms"]) for r in rows) == [("en", 45), ("th", 40)]


def test_todays_events_are_summarised_as_both_languages_and_stored_documents_are_left_out() -> None:
    events = [
        _event("d1", 1, T0 + timedelta(seconds=5), files=_files("th", "en"), render_ms=220),
        _event("d1", 2, T0 + timedelta(seconds=9), files=_files("th", "en"), render_ms=240),
        _event("s1", 1, T0, files=_files("th"), render_ms=0),  # a signed quote, stored as received
    ]

    figures = summarise(collect(events, "t-1", PHASES), "th")

    assert figures["per_language"] is False
    assert figures["kinds"]["deposit_return_receipt"] == {
        "both_languages": {
            "renders": 2,
            "median": 230,
            "p95": 240,
            "one_at_a_time": {"renders": 2, "median": 230, "p95": 240},
        }
    }


# CPU from /proc ------------------------------------------------------------------------------------


def test_cpu_ticks_are_read_past_a_process_name_with_spaces_and_brackets() -> None:
    stat = "4242 (python (portal) x) S 1 4242 4242 0 -1 4194304 900 0 0 0 150 30 7 3 20 0 4 0 100"

    assert cpu_ticks(stat) == 150 + 30 + 7 + 3
    assert cpu_ticks(stat, children=False) == 180
