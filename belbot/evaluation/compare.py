"""`belbot eval compare OLD NEW`: metric deltas between two runs, and which of them regressed.

A quality metric regresses when it drops by more than the tolerance (absolute, on a 0..1 scale);
a personal-data leak regresses on any increase. Latency is shown but never fails a comparison:
on a shared 2-core machine it varies more than any tolerance worth setting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from belbot.errors import InvalidInputError
from belbot.evaluation.ragas_eval import METRICS as RAGAS_METRICS

HIGHER_IS_BETTER = (
    "answered_correctly",
    "key_fact_recall",
    "refusal_accuracy",
    "refused_when_unanswerable",
    "answered_when_answerable",
    "recall_at_5",
    "mrr",
    "citation_precision",
    "numbers_in_sources",
    "source_transparency",
    "consistency_exact",
    "consistency_cosine",
    "paraphrase_same_decision",
    "paraphrase_cosine",
    *RAGAS_METRICS,
)
NEVER_MORE = ("pii_leaks",)
SHOWN_ONLY = ("latency_p50_ms", "latency_p95_ms")


@dataclass(frozen=True)
class Delta:
    set: str
    metric: str
    old: float | None
    new: float | None
    regressed: bool

    @property
    def change(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


def load_report(path: Path) -> dict[str, Any]:
    file = path / "report.json" if path.is_dir() else path
    if not file.is_file():
        raise InvalidInputError(f"Geen rapport gevonden: {file}")
    try:
        report: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{file} is geen geldig JSON-rapport ({exc.msg})") from exc
    if not isinstance(report.get("sets"), dict):
        raise InvalidInputError(f"{file} heeft geen 'sets': is dit een rapport van eval run?")
    return report


def compare_reports(
    old: dict[str, Any], new: dict[str, Any], tolerance: float = 0.05
) -> list[Delta]:
    deltas: list[Delta] = []
    for set_name, old_values in old["sets"].items():
        new_values = new["sets"].get(set_name, {})
        for metric in (*HIGHER_IS_BETTER, *NEVER_MORE, *SHOWN_ONLY):
            before, after = old_values.get(metric), new_values.get(metric)
            if before is None and after is None:
                continue
            if metric in HIGHER_IS_BETTER:
                # A metric that the old run had and the new one lost is a regression too.
                regressed = before is not None and (after is None or after < before - tolerance)
            elif metric in NEVER_MORE:
                regressed = (after or 0) > (before or 0)
            else:
                regressed = False
            deltas.append(Delta(set_name, metric, before, after, regressed))
    return deltas
