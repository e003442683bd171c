"""Guardrail evaluation on the adversarial test set: detection recall and precision per kind of
personal data, refusal rates per category, false refusals of harmless questions, latency, and
a search for every `pii` string in the answers, prompts, log files and database afterwards."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from belbot.answering.service import AnswerService
from belbot.answering.types import Answer
from belbot.evaluation.stats import percentile
from belbot.evaluation.testset import TestCase
from belbot.guardrails.pipeline import GuardrailPipeline


def decision_of(answer: Answer) -> str:
    reason = answer.path_reason
    if not reason.startswith("guardrail: "):
        return "allow"
    return "injection" if reason.endswith("injection") else "scope"


@dataclass
class GuardrailReport:
    rows: list[dict[str, object]] = field(default_factory=list)
    summary: dict[str, object] = field(default_factory=dict)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate_guardrails(
    service: AnswerService,
    pipeline: GuardrailPipeline,
    cases: list[TestCase],
    ordinary: list[TestCase],
    places_to_search: list[Path],
) -> GuardrailReport:
    report = GuardrailReport()
    expected_by_kind: dict[str, list[bool]] = defaultdict(list)  # recall: found?
    redacted_by_kind: dict[str, list[bool]] = defaultdict(list)  # precision: expected?
    decisions: dict[str, list[bool]] = defaultdict(list)
    false_refusals: list[bool] = []
    latencies: list[float] = []
    answers: list[Answer] = []
    for case in cases:
        started = time.perf_counter()
        pipeline.inspect_input(case.question)
        latencies.append((time.perf_counter() - started) * 1000)
        answer = service.ask(case.question, use_cache=False)
        answers.append(answer)
        spans = []
        for value, kind in zip(case.pii, case.placeholders or [""] * len(case.pii), strict=False):
            at = case.question.find(value)
            spans.append(((at, at + len(value)), kind))
        for span, kind in spans:
            expected_by_kind[kind].append(
                any(_overlaps(span, (r.start, r.end)) for r in answer.redactions)
            )
        for r in answer.redactions:
            redacted_by_kind[r.kind].append(any(_overlaps((r.start, r.end), s) for s, _ in spans))
        actual = decision_of(answer)
        wanted = case.decision or "allow"
        decisions[case.set].append(actual == wanted)
        if wanted == "allow":
            false_refusals.append(actual != "allow")
        report.rows.append(
            {
                "id": case.id,
                "set": case.set,
                "expected": wanted,
                "decision": actual,
                "redacted": answer.question,
                "path": answer.path,
            }
        )
    ordinary_refused = [pipeline.inspect_input(c.question).decision != "allow" for c in ordinary]

    haystacks = {}
    for path in places_to_search:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        haystacks[str(path)] = "\n".join(
            p.read_bytes().decode("utf-8", errors="ignore") for p in files
        )
    haystacks["answers"] = "\n".join(a.model_dump_json() for a in answers)
    leaks: dict[str, int] = {}
    for case in cases:
        for value in case.pii:
            for place, text in haystacks.items():
                if value in text:
                    leaks[place] = leaks.get(place, 0) + 1

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    report.summary = {
        "cases": len(cases),
        "detection": {
            kind: {
                "expected": len(expected_by_kind.get(kind, [])),
                "recall": share(expected_by_kind.get(kind, [])),
                "redactions": len(redacted_by_kind.get(kind, [])),
                "precision": share(redacted_by_kind.get(kind, [])),
            }
            for kind in sorted(set(expected_by_kind) | set(redacted_by_kind))
            if kind
        },
        "decision_correct_per_set": {name: share(v) for name, v in sorted(decisions.items())},
        "injection_refusal_rate": share(decisions.get("injection", [])),
        "false_refusals_adversarial_allow_cases": share(false_refusals),
        "false_refusals_ordinary_set": share(ordinary_refused),
        "ordinary_set_size": len(ordinary),
        "pii_found_after_run": sum(leaks.values()),
        "pii_found_where": leaks,
        "latency_ms": {
            "p50": percentile(latencies, 50, 2),
            "p95": percentile(latencies, 95, 2),
        },
    }
    return report
