"""Render time of each document the run caused, from the documents service's `document.rendered.v1`
events on `mudjam.documents.v1`.

The event carries `render_ms`: the time of rendering the files it announces (today both languages,
`files` holding one file per language). Rendering may come to announce the customer's language
first and the other later, and to time each language; this reads, in order:

1. a `render_ms` on each file (`files[i].render_ms`): a time per language;
2. a mapping of language → ms in the payload (`render_ms_by_language`, or any field named
   `*render_ms*` whose value is such a mapping);
3. an event announcing one file: `render_ms` is that language's time;
4. otherwise `render_ms` with several files: the languages together ("both"), not one language;
   but when the same version was announced before with one language (what the documents service
   does: the customer's language first, then the version again with both files and both times
   together), the language added is timed by the difference.

A (document, version, language) counts once, with the first time announced for it.
"""

import statistics
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bench.flows import Phase
from bench.stats import percentile

BOTH = "both"


def language_times(data: dict[str, Any]) -> dict[str, int]:
    """Milliseconds per language the event tells, or {"both": ms} for languages rendered together."""
    files = [f for f in data.get("files", []) if isinstance(f, dict)]
    timed = [f for f in files if "render_ms" in f and "language" in f]
    per_file = {str(f["language"]): int(f["render_ms"]) for f in timed}
    if per_file:
        return per_file
    for name, value in data.items():
        if "render_ms" in name and isinstance(value, dict) and value:
            return {str(language): int(ms) for language, ms in value.items()}
    if "render_ms" not in data:
        return {}
    if len(files) == 1 and "language" in files[0]:
        return {str(files[0]["language"]): int(data["render_ms"])}
    return {BOTH: int(data["render_ms"])}


def _phase_of(at: str, phases: list[Phase]) -> str | None:
    when = datetime.fromisoformat(at)
    for phase in phases:
        if phase.started <= when <= phase.ended:
            return phase.label
    return None


def collect(events: Iterable[dict[str, Any]], tenant_id: str, phases: list[Phase]) -> list[dict[str, Any]]:
    """One row per (document, version, language) rendered for the tenant: kind, language, ms, and
    the phase of the flows it was rendered in (None: during setup)."""
    seen: set[tuple[str, int, str]] = set()
    first_language: dict[tuple[str, int], tuple[str, int]] = {}
    rows = []
    for event in events:
        if event.get("tenant_id") != tenant_id or event.get("type") != "document.rendered.v1":
            continue
        data = event["data"]
        times = language_times(data)
        version = (str(data["document_id"]), int(data["version"]))
        languages = {str(f.get("language")) for f in data.get("files", []) if isinstance(f, dict)}
        if set(times) == {BOTH} and version in first_language:
            # The version announced again with both files: render_ms is both together, so the
            # language added now took the difference from the first announcement's.
            first, first_ms = first_language[version]
            times = {language: times[BOTH] - first_ms for language in languages - {first}} or times
        elif len(times) == 1 and BOTH not in times:
            first_language.setdefault(version, next(iter(times.items())))
        for language, ms in times.items():
            key = (*version, language)
            if key in seen or ms <= 0:  # 0: stored as received (signed documents), not rendered
                continue
            seen.add(key)
            phase = _phase_of(event["time"], phases) if event.get("time") else None
            rows.append({"kind": data["kind"], "language": language, "ms": ms, "phase": phase})
    return rows


def _figures(values: list[int]) -> dict[str, Any]:
    return {
        "renders": len(values),
        "median": round(statistics.median(values)),
        "p95": round(percentile([float(v) for v in values], 0.95)),
    }


def summarise(rows: list[dict[str, Any]], customer_language: str) -> dict[str, Any]:
    """Per kind: the customer's language, the other language (or both together, if the events do
    not time languages apart), over the whole run and over the phases run one at a time."""
    by_kind: dict[str, Any] = {}
    for kind in sorted({r["kind"] for r in rows}):
        mine = [r for r in rows if r["kind"] == kind]
        figures: dict[str, Any] = {}
        for label, language in (
            ("customer_language", customer_language),
            ("other_language", None),
            ("both_languages", BOTH),
        ):
            chosen = [
                r
                for r in mine
                if (r["language"] == language if language else r["language"] not in (customer_language, BOTH))
            ]
            if chosen:
                figures[label] = _figures([r["ms"] for r in chosen])
                alone = [r["ms"] for r in chosen if r["phase"] and r["phase"].endswith("concurrency 1")]
                if alone:
                    figures[label]["one_at_a_time"] = _figures(alone)
        by_kind[kind] = figures
    per_language = any(r["language"] != BOTH for r in rows)
    return {
        "customer_language": customer_language,
        "per_language": per_language,
        "source": (
            "per-language times from document.rendered.v1"
            if per_language
            else "render_ms of document.rendered.v1: both languages together (the events do not time"
            " languages apart)"
        ),
        "kinds": by_kind,
    }
