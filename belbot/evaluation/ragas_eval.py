"""Ragas metrics per evaluated item, with every judge failure counted.

A weak judge fails in three ways that ragas does not report as errors: an exception (timeout,
output that fits no schema), a NaN (ragas returns NaN when it extracts no statements) and a value
outside [0, 1] (context precision's verdict is a plain int). All three are recorded as failures
with their reason; a failed metric has no value and never enters an average silently."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from belbot.logs import get_logger

log = get_logger(__name__)

METRICS = ("faithfulness", "answer_relevancy", "context_precision", "context_recall")


@dataclass(frozen=True)
class RagasInput:
    question: str
    answer: str
    contexts: list[str]
    reference: str
    shown: bool  # an answer was shown (not refused, not blocked)
    answerable: bool  # the test set expects an answer (so the reference is a real answer)


def _check_value(value: Any) -> tuple[float | None, str | None]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"not a number: {value!r}"
    if math.isnan(number):
        return None, "nan"
    if not 0.0 <= number <= 1.0:
        return None, f"out of range: {number:g}"
    return number, None


class RagasScorer:
    """Scores one item at a time with ragas' per-metric (collections) API."""

    def __init__(self, llm: Any, embeddings: Any, metrics: Sequence[str]) -> None:
        from ragas.metrics.collections import (
            AnswerRelevancy,
            ContextPrecision,
            ContextRecall,
            Faithfulness,
        )

        unknown = set(metrics) - set(METRICS)
        if unknown:
            raise ValueError(f"unknown ragas metrics: {sorted(unknown)}")
        factories: dict[str, Any] = {
            "faithfulness": lambda: Faithfulness(llm=llm),
            # One generated question: the judge runs at temperature 0, so more are identical.
            "answer_relevancy": lambda: AnswerRelevancy(
                llm=llm, embeddings=embeddings, strictness=1
            ),
            "context_precision": lambda: ContextPrecision(llm=llm),
            "context_recall": lambda: ContextRecall(llm=llm),
        }
        self.metrics = {name: factories[name]() for name in METRICS if name in metrics}

    @staticmethod
    def applicable(name: str, item: RagasInput) -> bool:
        if name in ("faithfulness", "answer_relevancy"):
            return item.shown and bool(item.answer.strip()) and bool(item.contexts)
        # Against the gold answer: only meaningful where the test set has one.
        return item.answerable and bool(item.reference.strip()) and bool(item.contexts)

    def _arguments(self, name: str, item: RagasInput) -> dict[str, Any]:
        if name == "faithfulness":
            return {
                "user_input": item.question,
                "response": item.answer,
                "retrieved_contexts": item.contexts,
            }
        if name == "answer_relevancy":
            return {"user_input": item.question, "response": item.answer}
        return {
            "user_input": item.question,
            "reference": item.reference,
            "retrieved_contexts": item.contexts,
        }

    def score(self, item: RagasInput) -> dict[str, Any]:
        """``{"ragas": {metric: value|None}, "ragas_failures": {metric: reason},
        "ragas_seconds": float}``; metrics that do not apply to the item are absent."""
        values: dict[str, float | None] = {}
        failures: dict[str, str] = {}
        started = time.perf_counter()
        for name, metric in self.metrics.items():
            if not self.applicable(name, item):
                continue
            try:
                result = asyncio.run(metric.ascore(**self._arguments(name, item)))
                value, failure = _check_value(result.value)
            except Exception as exc:
                value, failure = None, f"{type(exc).__name__}: {str(exc)[:200]}"
            values[name] = value
            if failure:
                failures[name] = failure
                log.info("ragas_judge_failure", metric=name, reason=failure[:120])
        return {
            "ragas": values,
            "ragas_failures": failures,
            "ragas_seconds": round(time.perf_counter() - started, 2),
        }
