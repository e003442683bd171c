"""Fact matching of practice answers on labelled trainee answers: precision and recall of
"the answer states this fact", per answer kind, with the errors listed for inspection."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from belbot.errors import InvalidInputError
from belbot.training.matching import FactMatcher
from belbot.training.types import Scenario

Kind = Literal["exact", "paraphrase", "partial", "wrong", "empty-ish"]


class LabelledAnswer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    scenario_id: str
    answer: str
    labels: dict[str, bool]
    kind: Kind


def load_labelled(path: Path, scenarios: dict[str, Scenario]) -> list[LabelledAnswer]:
    items: list[LabelledAnswer] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = LabelledAnswer.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InvalidInputError(f"{path}, regel {number}: ongeldig ({exc}).") from exc
        scenario = scenarios.get(item.scenario_id)
        if scenario is None:
            raise InvalidInputError(
                f"{path}, regel {number}: onbekend scenario {item.scenario_id}."
            )
        if set(item.labels) != {f.id for f in scenario.facts}:
            raise InvalidInputError(f"{path}, regel {number}: labels passen niet bij de feiten.")
        items.append(item)
    return items


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return round(self.tp / (self.tp + self.fp), 4) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return round(self.tp / (self.tp + self.fn), 4) if self.tp + self.fn else None

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "precision": self.precision, "recall": self.recall}  # fmt: skip


@dataclass
class FactEvaluation:
    answers: int = 0
    facts: int = 0
    overall: Confusion = field(default_factory=Confusion)
    by_kind: dict[str, Confusion] = field(default_factory=dict)
    by_how: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "facts": self.facts,
            "overall": self.overall.to_dict(),
            "by_kind": {k: c.to_dict() for k, c in sorted(self.by_kind.items())},
            "found_by": dict(sorted(self.by_how.items())),
            "errors": self.errors,
        }


def evaluate_matching(
    matcher: FactMatcher, items: list[LabelledAnswer], scenarios: dict[str, Scenario]
) -> FactEvaluation:
    result = FactEvaluation(answers=len(items))
    for item in items:
        scenario = scenarios[item.scenario_id]
        for fact, match in zip(scenario.facts, matcher.match_all(scenario.facts, item.answer),
                               strict=True):  # fmt: skip
            actual = item.labels[fact.id]
            result.facts += 1
            result.overall.add(match.found, actual)
            result.by_kind.setdefault(item.kind, Confusion()).add(match.found, actual)
            if match.how:
                result.by_how[match.how] = result.by_how.get(match.how, 0) + 1
            if match.found != actual:
                result.errors.append({
                    "id": item.id, "fact": fact.id, "labelled": actual, "found": match.found,
                    "coverage": match.coverage, "fact_text": fact.text, "answer": item.answer,
                })  # fmt: skip
    return result
