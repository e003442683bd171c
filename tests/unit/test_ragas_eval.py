"""Ragas metrics through the real ragas code with deterministic judges: known scores for a
faithful and an unfaithful answer, and every kind of judge failure counted, never dropped."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import numpy as np
import pytest
from pydantic import BaseModel

from belbot.embedding.fake import FakeEmbedder
from belbot.errors import InvalidInputError
from belbot.evaluation.compare import compare_reports, load_report
from belbot.evaluation.judge import (
    JudgeError,
    LexicalJudgeCore,
    bounded_schema,
    make_llama_judge,
    make_ragas_embeddings,
)
from belbot.evaluation.ragas_eval import RagasInput, RagasScorer, _check_value

pytestmark = pytest.mark.unit

T = TypeVar("T", bound=BaseModel)
CONTEXT = "Gemiddelde telefonische wachttijd over 2024 was 2,44 min. Het doel was 3 minuten."
ITEM = RagasInput(
    question="Wat was de gemiddelde telefonische wachttijd over 2024?",
    answer="Gemiddelde telefonische wachttijd over 2024 was 2,44 min. [1]",
    contexts=[CONTEXT],
    reference="De gemiddelde telefonische wachttijd over 2024 was 2,44 min.",
    shown=True,
    answerable=True,
)
ALL = ["faithfulness", "answer_relevancy", "context_precision", "context_recall"]


def scorer(core: Any, metrics: list[str] = ALL) -> RagasScorer:
    embedder = FakeEmbedder()
    embedder.warm_up()
    return RagasScorer(make_llama_judge(core), make_ragas_embeddings(embedder), metrics)


def test_a_faithful_answer_scores_one_on_every_metric() -> None:
    result = scorer(LexicalJudgeCore()).score(ITEM)
    assert result["ragas_failures"] == {}
    assert result["ragas"]["faithfulness"] == 1.0
    assert result["ragas"]["context_recall"] == 1.0
    assert result["ragas"]["context_precision"] == pytest.approx(1.0)
    # The fake embedder gives identical text identical vectors: the question generated from
    # the answer is the answer itself, so relevancy is the question/answer cosine.
    assert 0.0 <= result["ragas"]["answer_relevancy"] <= 1.0


def test_an_invented_sentence_halves_faithfulness() -> None:
    invented = RagasInput(**{**ITEM.__dict__, "answer": ITEM.answer + " Bellen kost 5 euro."})
    result = scorer(LexicalJudgeCore(), ["faithfulness"]).score(invented)
    assert result["ragas"]["faithfulness"] == 0.5


def test_a_refusal_gets_only_the_context_metrics() -> None:
    refused = RagasInput(**{**ITEM.__dict__, "shown": False})
    result = scorer(LexicalJudgeCore()).score(refused)
    assert set(result["ragas"]) == {"context_precision", "context_recall"}
    unanswerable = RagasInput(**{**ITEM.__dict__, "shown": False, "answerable": False})
    assert scorer(LexicalJudgeCore()).score(unanswerable)["ragas"] == {}


class BrokenJudge:
    """Fails in the ways a small judge does, one per response model."""

    def complete_json(self, prompt: str, response_model: type[T]) -> T:
        name = response_model.__name__
        if name == "StatementGeneratorOutput":  # no statements: ragas returns NaN
            return response_model.model_validate({"statements": []})
        if name == "ContextPrecisionOutput":  # a verdict that is no 0/1
            return response_model.model_validate({"reason": "", "verdict": 10**15})
        if name == "AnswerRelevanceOutput":
            raise JudgeError("judge call exceeded 90 s")
        raise JudgeError("judge output truncated at max_tokens")


def test_every_judge_failure_is_counted_with_its_reason() -> None:
    result = scorer(BrokenJudge()).score(ITEM)
    assert result["ragas"] == dict.fromkeys(ALL)
    failures = result["ragas_failures"]
    assert failures["faithfulness"] == "nan"
    assert failures["context_precision"].startswith("out of range")
    assert "90 s" in failures["answer_relevancy"]
    assert "truncated" in failures["context_recall"]


def test_check_value() -> None:
    assert _check_value(0.25) == (0.25, None)
    assert _check_value(float("nan")) == (None, "nan")
    assert _check_value(1.5)[1] == "out of range: 1.5"
    assert _check_value("x")[1] == "not a number: 'x'"


def test_unknown_metric_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        scorer(LexicalJudgeCore(), ["bleu"])


def test_bounded_schema_caps_arrays_and_free_strings_only() -> None:
    schema = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"type": "string"}},
            "kind": {"type": "string", "enum": ["a", "b"]},
        },
    }
    bounded = bounded_schema(schema)
    assert bounded["properties"]["items"]["maxItems"] == 4
    assert bounded["properties"]["items"]["items"]["maxLength"] == 200
    assert "maxLength" not in bounded["properties"]["kind"]
    assert "maxItems" not in schema["properties"]["items"]  # the original is untouched


def test_ragas_embeddings_are_the_embedders_query_vectors() -> None:
    embedder = FakeEmbedder()
    embedder.warm_up()
    adapter = make_ragas_embeddings(embedder)
    vector = adapter.embed_text("wachttijd")
    assert np.allclose(vector, embedder.embed_queries(["wachttijd"])[0])
    assert len(adapter.embed_texts(["a", "b"])) == 2


# -- compare --------------------------------------------------------------------------------


def report(**values: Any) -> dict[str, Any]:
    return {"sets": {"all": {"answered_correctly": 0.5, "pii_leaks": 0, **values}}}


def test_compare_flags_drops_beyond_tolerance_and_any_new_leak() -> None:
    old = report(faithfulness=0.8, latency_p50_ms=100.0)
    same = compare_reports(old, report(faithfulness=0.77, latency_p50_ms=900.0), tolerance=0.05)
    assert not any(d.regressed for d in same)  # small drop, and latency never fails
    worse = compare_reports(old, report(answered_correctly=0.4, pii_leaks=1, faithfulness=None))
    assert {d.metric for d in worse if d.regressed} == {
        "answered_correctly",
        "pii_leaks",
        "faithfulness",
    }
    assert next(d for d in worse if d.metric == "answered_correctly").change == pytest.approx(-0.1)


def test_load_report_errors_are_clear(tmp_path: Any) -> None:
    with pytest.raises(InvalidInputError, match="Geen rapport"):
        load_report(tmp_path)
    (tmp_path / "report.json").write_text("{kapot")
    with pytest.raises(InvalidInputError, match="geen geldig JSON"):
        load_report(tmp_path)
    (tmp_path / "report.json").write_text(json.dumps({"x": 1}))
    with pytest.raises(InvalidInputError, match="geen 'sets'"):
        load_report(tmp_path)
