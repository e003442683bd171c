"""Answer evaluation: for answerable questions, whether the answer holds the key facts; for
unanswerable ones, whether BelBot refused; for every answer, whether each number in it occurs
in a cited source. Also the path taken and the latency of each stage."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from belbot.answering.numbers import numbers_in
from belbot.answering.service import AnswerService
from belbot.answering.types import Answer
from belbot.answering.verify import markers_in
from belbot.evaluation.retrieval_eval import normalise_ws
from belbot.evaluation.stats import percentile
from belbot.evaluation.testset import TestCase


def fact_present(fact: str, answer_text: str) -> bool:
    """A key fact is present verbatim (whitespace- and case-insensitive), or, for a fact with
    numbers, when all its numbers occur in the answer (so '7,3 %' matches '7,3%')."""
    if normalise_ws(fact).lower() in normalise_ws(answer_text).lower():
        return True
    wanted = numbers_in(fact)
    return bool(wanted) and wanted <= numbers_in(answer_text)


def numbers_faithful(answer: Answer) -> bool:
    sources = " ".join(c.text for c in answer.citations if c.marker in markers_in(answer.text))
    return numbers_in(answer.text) <= numbers_in(sources)


@dataclass
class CaseResult:
    case: TestCase
    answer: Answer

    @property
    def answerable(self) -> bool:
        return not self.case.expects_refusal

    @property
    def refused(self) -> bool:
        return self.answer.path == "refused"

    @property
    def facts_present(self) -> bool:
        return not self.refused and all(
            fact_present(f, self.answer.text) for f in self.case.key_facts
        )


@dataclass
class AnswerReport:
    results: list[CaseResult] = field(default_factory=list)

    def _share(self, items: list[bool]) -> float:
        return sum(items) / len(items) if items else 0.0

    def summary(self) -> dict[str, object]:
        answerable = [r for r in self.results if r.answerable]
        unanswerable = [r for r in self.results if not r.answerable]
        shown = [r for r in self.results if not r.refused]
        per_set: dict[str, dict[str, float]] = {}
        for name in sorted({r.case.set for r in answerable}):
            subset = [r for r in answerable if r.case.set == name]
            per_set[name] = {
                "n": len(subset),
                "key_facts_present": self._share([r.facts_present for r in subset]),
                "refused": self._share([r.refused for r in subset]),
            }
        stages = ("retrieval_ms", "compose_ms", "prompt_ms", "prompt_processing_ms",
                  "generation_ms", "verification_ms", "total_ms")  # fmt: skip
        latency = {}
        for stage in stages:
            # Over the answers that went through the stage (a refusal skips generation).
            values = [v for r in self.results if (v := getattr(r.answer.timings, stage)) > 0]
            if len(values) >= 2:
                latency[stage] = {
                    "p50": percentile(values, 50, 1),
                    "p95": percentile(values, 95, 1),
                }
        return {
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "key_facts_present": self._share([r.facts_present for r in answerable]),
            "answerable_refused": self._share([r.refused for r in answerable]),
            "unanswerable_refused": self._share([r.refused for r in unanswerable]),
            "numbers_faithful": self._share([numbers_faithful(r.answer) for r in shown]),
            "citations_valid": self._share(
                [set(markers_in(r.answer.text)) <= set(r.answer.cited_markers()) for r in shown]
            ),
            "paths": dict(Counter(r.answer.path for r in self.results)),
            "per_set": per_set,
            "latency_ms": latency,
        }


def evaluate_answers(service: AnswerService, cases: list[TestCase]) -> AnswerReport:
    report = AnswerReport()
    for case in cases:
        answer = service.ask(case.question, use_cache=False)
        report.results.append(CaseResult(case, answer))
    return report
