"""The few statistics the bench reports: a percentile by nearest rank, and a latency summary."""

import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """The value at `share` (0–1) of the sorted values, by nearest rank on (n - 1): p50 of an even
    count is the upper middle value, p95 of 30 values the 29th smallest, p100 the largest."""
    if not values:
        raise ValueError("a percentile of no values")
    if not 0 <= share <= 1:
        raise ValueError(f"a share between 0 and 1, not {share}")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: Sequence[float], *, digits: int = 3) -> dict[str, float | int]:
    """Runs, median, p95 and max, rounded to `digits`."""
    return {
        "runs": len(values),
        "median": round(statistics.median(values), digits),
        "p95": round(percentile(values, 0.95), digits),
        "max": round(max(values), digits),
    }
