"""Deterministic per-item metrics: they need no judge model, so a weak judge cannot blur them.

Each takes the test case and the answer as shown to the agent; None means "does not apply" (a
key-fact recall for a refusal, a citation precision without gold quotes) and is left out of the
averages rather than counted as zero."""

from __future__ import annotations

from typing import Any

from belbot.answering.numbers import numbers_in
from belbot.answering.types import Answer
from belbot.answering.verify import answer_sentences, markers_in, sentence_citations, support
from belbot.evaluation.answer_eval import fact_present
from belbot.evaluation.retrieval_eval import first_hit_rank, normalise_ws
from belbot.evaluation.testset import TestCase
from belbot.retrieval.lexical import TermStats

RECALL_DEPTH = 5


def path_class(answer: Answer) -> str:
    """generated / extractive / refused (no evidence) / blocked (a guardrail refused)."""
    return answer.path_class


def source_transparency(answer: Answer, stats: TermStats, threshold: float) -> float | None:
    """Share of the answer's sentences supported (term overlap >= threshold) by the sources that
    sentence cites; a sentence citing nothing counts as unsupported."""
    sentences = answer_sentences(answer.text)
    if not sentences:
        return None
    given = {c.marker: c.text for c in answer.citations}
    supported = 0
    for sentence, cites in zip(sentences, sentence_citations(sentences), strict=True):
        source = " ".join(given[m] for m in cites if m in given)
        supported += bool(source) and support(stats, sentence, source) >= threshold
    return supported / len(sentences)


def _key_fact_recall(case: TestCase, answer: Answer, refused: bool) -> float | None:
    """Over answerable questions with key facts; a refusal there holds none of them."""
    if not case.key_facts or case.expects_refusal:
        return None
    if refused:
        return 0.0
    return sum(fact_present(f, answer.text) for f in case.key_facts) / len(case.key_facts)


def item_metrics(
    case: TestCase,
    answer: Answer,
    retrieved_texts: list[str],
    stats: TermStats,
    support_threshold: float,
) -> dict[str, Any]:
    refused = answer.path == "refused"
    cited = [c for c in answer.citations if c.marker in markers_in(answer.text)]
    cited_text = " ".join(c.text for c in cited)
    rank = first_hit_rank(retrieved_texts, case.gold_quotes) if case.gold_quotes else None
    quotes = [normalise_ws(q) for q in case.gold_quotes]
    answer_numbers = numbers_in(answer.text)
    return {
        "refused": refused,
        "refusal_correct": refused == case.expects_refusal,
        "key_fact_recall": _key_fact_recall(case, answer, refused),
        "gold_rank": rank,
        "recall_at_5": (rank is not None and rank <= RECALL_DEPTH) if case.gold_quotes else None,
        "reciprocal_rank": (1.0 / rank if rank else 0.0) if case.gold_quotes else None,
        # A cited passage is precise when it holds a gold quote or supports the answer.
        "citation_precision": (
            sum(
                any(q in normalise_ws(c.text) for q in quotes)
                or support(stats, answer.text, c.text) >= support_threshold
                for c in cited
            )
            / len(cited)
            if cited
            else None
        ),
        "numbers_in_sources": (
            len(answer_numbers & numbers_in(cited_text)) / len(answer_numbers)
            if answer_numbers and not refused
            else None
        ),
        "source_transparency": (
            source_transparency(answer, stats, support_threshold) if not refused else None
        ),
        "pii_leaks": sum(value in answer.model_dump_json() for value in case.pii),
    }
