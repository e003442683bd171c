"""Question tags on a labelled set: accuracy, macro-F1, per-tag precision/recall/F1, a confusion
table and mean confidence, for every method from one embedding pass, so the shipped method is
chosen by measurement (``belbot eval tags``).

Metrics are plain code (a few lines; no scikit-learn in the dependencies). Macro-F1 averages
over the tags that occur in the gold labels or the predictions, as scikit-learn does by
default; a tag with no true positives counts as F1 0."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from belbot.errors import InvalidInputError
from belbot.evaluation.testset import first_line, read_records
from belbot.tagging.classifier import METHODS, Method, Tagger


class TagCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    tag: str = Field(min_length=1)
    note: str = ""


def load_tag_cases(path: Path, known_tags: Sequence[str]) -> list[TagCase]:
    """A labelled set, strictly: a malformed line, an unknown tag or a repeated id is an
    error naming the line."""
    cases: list[TagCase] = []
    seen: set[str] = set()
    for number, case in read_records(path, TagCase):
        where = f"{path.name} regel {number}"
        if isinstance(case, ValueError):
            raise InvalidInputError(f"{where}: ongeldig testgeval ({first_line(case)})") from case
        if case.tag not in known_tags:
            raise InvalidInputError(f"{where}: onbekende tag {case.tag!r}")
        if case.id in seen:
            raise InvalidInputError(f"{where}: id {case.id!r} komt al voor")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise InvalidInputError(f"{path.name}: geen testgevallen")
    return cases


@dataclass(frozen=True)
class TagScores:
    tag: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Metrics:
    accuracy: float
    macro_f1: float
    per_tag: list[TagScores]
    confusion: dict[str, dict[str, int]]  # gold tag -> predicted tag -> count


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def classification_metrics(
    gold: Sequence[str], predicted: Sequence[str], tags: Sequence[str]
) -> Metrics:
    """Metrics over ``tags`` (their order is the table's order)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    confusion = {g: {p: 0 for p in tags} for g in tags}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    per_tag: list[TagScores] = []
    for tag in tags:
        tp = confusion[tag][tag]
        support = sum(confusion[tag].values())
        n_pred = sum(confusion[g][tag] for g in tags)
        precision, recall = _ratio(tp, n_pred), _ratio(tp, support)
        f1 = _ratio(2 * tp, support + n_pred)  # = 2PR/(P+R), and 0 where undefined
        per_tag.append(TagScores(tag, precision, recall, f1, support, n_pred))
    occurring = [s for s in per_tag if s.support or s.predicted]
    correct = sum(confusion[t][t] for t in tags)
    return Metrics(
        accuracy=_ratio(correct, len(gold)),
        macro_f1=sum(s.f1 for s in occurring) / len(occurring) if occurring else 0.0,
        per_tag=per_tag,
        confusion=confusion,
    )


@dataclass(frozen=True)
class MethodResult:
    method: Method
    metrics: Metrics
    mean_confidence: float
    errors: list[dict[str, object]]


@dataclass(frozen=True)
class TagEvaluation:
    count: int
    taxonomy_version: str
    embedder: str
    shipped: Method
    results: dict[Method, MethodResult]
    latency_ms_p50: float
    latency_ms_p95: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def evaluate_tagger(
    tagger: Tagger, cases: Sequence[TagCase], methods: Sequence[Method] = METHODS
) -> TagEvaluation:
    """Every method on the same evidence (one embedding pass); latency is measured separately,
    one question at a time through ``tag()``, as the service would call it."""
    tagger.warm_up()
    tags = tagger.taxonomy.ids
    evidence = tagger.evidence([case.question for case in cases])
    gold = [case.tag for case in cases]
    results: dict[Method, MethodResult] = {}
    for method in methods:
        decided = [tagger.decide(e, method) for e in evidence]
        errors: list[dict[str, object]] = [
            {"id": c.id, "question": c.question, "gold": c.tag, "predicted": r.tag,
             "confidence": r.confidence}
            for c, r in zip(cases, decided, strict=True) if r.tag != c.tag
        ]  # fmt: skip
        results[method] = MethodResult(
            method=method,
            metrics=classification_metrics(gold, [r.tag for r in decided], tags),
            mean_confidence=sum(r.confidence for r in decided) / len(decided),
            errors=errors,
        )
    latencies = []
    for case in cases:
        started = time.perf_counter()
        tagger.tag(case.question)
        latencies.append((time.perf_counter() - started) * 1000)
    return TagEvaluation(
        count=len(cases),
        taxonomy_version=tagger.taxonomy.version,
        embedder=tagger.embedder_id,
        shipped=tagger.settings.method,
        results=results,
        latency_ms_p50=round(_percentile(latencies, 0.5), 2),
        latency_ms_p95=round(_percentile(latencies, 0.95), 2),
    )
