"""A KpiReport as CSV files: the days in long format, the period's totals, the tag table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from belbot.monitoring.kpi import KpiReport, TagKpi


def _flat(values: dict[str, object]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for name, value in values.items():
        if isinstance(value, dict):
            out.extend((f"{name}.{key}", inner) for key, inner in value.items())
        else:
            out.append((name, value))
    return out


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    # A text cell starting like a formula is not run by a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _numeric(text) else text


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def render_csv(report: KpiReport) -> dict[str, str]:
    """File name -> content: the days in long format (day, metric, value), the period's totals
    (metric, value) and the per-tag table."""
    days: list[list[object]] = [["day", "metric", "value"]]
    for day in report.days:
        days.extend(
            [day.day, name, value] for name, value in _flat(day.model_dump()) if name != "day"
        )
    meta = [("period", report.period), ("start", report.start), ("end", report.end),
            ("generated_at", report.generated_at),
            ("watts_per_core", report.watts_per_core)]  # fmt: skip
    totals = [["metric", "value"], *meta, *_flat(report.totals.model_dump())]
    fields = list(TagKpi.model_fields)
    tags = [fields, *([getattr(t, f) for f in fields] for t in report.tags)]
    return {
        "kpi_dagen.csv": _csv(days),
        "kpi_totalen.csv": _csv(totals),
        "kpi_tags.csv": _csv(tags),
    }
