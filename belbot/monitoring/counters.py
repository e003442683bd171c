"""Named daily counters: what the dashboard and the KPI report read, and all that is kept of a
conversation once retention has deleted it (or from the start, for one marked "niet bewaren").

One function per kind of item gives its counters, so counts rolled up from stored rows and
counts of conversations never stored are the same numbers. Latency and durations go into
fixed buckets: percentiles over purged days are estimated from them (within a bucket)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

LATENCY_BUCKETS_MS = (100, 250, 500, 1000, 1500, 2000, 3000, 5000, 10000, 30000)
SECONDS_BUCKETS = (5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)
UNTAGGED = "onbekend"

# Counts are floats: sums of milliseconds and seconds live beside the plain counts.
Counts = defaultdict[str, float]
VERDICTS = ("juist", "deels juist", "onjuist", "had moeten weigeren")


def counts_of(**initial: float) -> Counts:
    return defaultdict(float, initial)


def add(into: Counts, part: Mapping[str, float]) -> Counts:
    for name, value in part.items():
        into[name] += value
    return into


def bucket(prefix: str, value: float, bounds: tuple[int, ...]) -> str:
    for bound in bounds:
        if value <= bound:
            return f"{prefix}.le.{bound}"
    return f"{prefix}.le.inf"


def answer_counters(
    tag: str | None, path_class: str, cached: bool, total_ms: float | None, cpu_ms: float | None
) -> Counts:
    """Cached replays count in volume and per tag, not in paths, latency or cost (as in
    `belbot eval ops`): they repeat an earlier answer without running the pipeline."""
    topic = tag or UNTAGGED
    counts = add(counts_of(answers=1), {f"tag.{topic}.answers": 1})
    if cached:
        counts["answers.cached"] += 1
        return counts
    counts["answers.pipeline"] += 1
    counts[f"path.{path_class}"] += 1
    counts[f"tag.{topic}.path.{path_class}"] += 1
    if path_class != "blocked" and total_ms is not None:
        counts["latency.n"] += 1
        counts["latency.sum_ms"] += total_ms
        counts[bucket("latency", total_ms, LATENCY_BUCKETS_MS)] += 1
    counts["cpu.n"] += 1
    counts["cpu.sum_ms"] += cpu_ms or 0.0
    return counts


def feedback_counters(rating: str, reason: str | None, tag: str | None) -> Counts:
    counts = add(counts_of(), {f"thumbs.{rating}": 1, f"tag.{tag or UNTAGGED}.{rating}": 1})
    if rating == "down" and reason:
        counts[f"reason.{reason}"] += 1
    return counts


def escalation_counters(tag: str | None, target: str, reason: str) -> Counts:
    return add(
        counts_of(),
        {
            "escalations": 1,
            f"tag.{tag or UNTAGGED}.escalations": 1,
            f"escalation.target.{target}": 1,
            f"escalation.reason.{reason}": 1,
        },
    )


def review_counters(verdict: str, error_category: str | None) -> Counts:
    counts = add(counts_of(reviews=1), {f"review.{verdict}": 1})
    if error_category:
        counts[f"review.error.{error_category}"] += 1
    return counts


def found_counters(seconds: float | None) -> Counts:
    """One shown answer: found (a source opened or the text copied) after ``seconds``, or not."""
    counts = counts_of(**{"find.shown": 1})
    if seconds is not None:
        counts["find.found"] += 1
        counts["find.sum_s"] += seconds
        counts[bucket("find", seconds, SECONDS_BUCKETS)] += 1
    return counts


def resolve_counters(seconds: float, ended: bool) -> Counts:
    counts = add(counts_of(), {"resolve.n": 1, "resolve.sum_s": seconds})
    counts["resolve.ended" if ended else "resolve.open"] += 1
    counts[bucket("resolve", seconds, SECONDS_BUCKETS)] += 1
    return counts


def merge(parts: Iterable[Mapping[str, float]]) -> Counts:
    total = counts_of()
    for part in parts:
        add(total, part)
    return total


def bucket_percentile(
    counts: Mapping[str, float], prefix: str, bounds: tuple[int, ...], q: float
) -> float | None:
    """The q-th percentile estimated from bucket counts, linear within the bucket; the open
    last bucket reports its lower bound (an underestimate, and said so in the report)."""
    sizes = [counts.get(f"{prefix}.le.{b}", 0.0) for b in bounds]
    sizes.append(counts.get(f"{prefix}.le.inf", 0.0))
    total = sum(sizes)
    if total <= 0:
        return None
    wanted = total * q / 100.0
    seen, lower = 0.0, 0.0
    for size, upper in zip(sizes, (*bounds, None), strict=True):
        if size and seen + size >= wanted:
            if upper is None:
                return float(lower)
            return round(lower + (upper - lower) * (wanted - seen) / size, 1)
        seen += size
        lower = float(upper) if upper is not None else lower
    return float(lower)
