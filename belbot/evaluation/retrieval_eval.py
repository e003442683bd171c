"""Retrieval evaluation: recall@1, recall@5 and MRR@10 per test-set kind, for each mode.

A hit is a retrieved chunk whose whitespace-normalised text contains a gold quote."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from belbot.evaluation.testset import TestCase
from belbot.retrieval.retriever import Mode, Retriever

MRR_DEPTH = 10


def normalise_ws(text: str) -> str:
    return " ".join(text.split())


def first_hit_rank(chunk_texts: list[str], gold_quotes: list[str]) -> int | None:
    quotes = [normalise_ws(q) for q in gold_quotes]
    for rank, text in enumerate(chunk_texts, start=1):
        flat = normalise_ws(text)
        if any(quote in flat for quote in quotes):
            return rank
    return None


@dataclass(frozen=True)
class RetrievalScores:
    count: int
    recall_at_1: float
    recall_at_5: float
    mrr: float


def score(ranks: list[int | None]) -> RetrievalScores:
    count = len(ranks)
    if count == 0:
        return RetrievalScores(0, 0.0, 0.0, 0.0)
    return RetrievalScores(
        count=count,
        recall_at_1=sum(1 for r in ranks if r is not None and r <= 1) / count,
        recall_at_5=sum(1 for r in ranks if r is not None and r <= 5) / count,
        mrr=sum(1.0 / r for r in ranks if r is not None and r <= MRR_DEPTH) / count,
    )


def evaluate_retrieval(
    retriever: Retriever, cases: list[TestCase], modes: list[Mode]
) -> dict[Mode, dict[str, RetrievalScores]]:
    """Scores per mode, per set and for 'all'. Cases without gold quotes are ignored."""
    answerable = [case for case in cases if case.gold_quotes]
    results: dict[Mode, dict[str, RetrievalScores]] = {}
    for mode in modes:
        by_set: dict[str, list[int | None]] = defaultdict(list)
        for case in answerable:
            passages = retriever.search(case.question, k=MRR_DEPTH, mode=mode)
            rank = first_hit_rank([p.chunk.text for p in passages], case.gold_quotes)
            by_set[case.set].append(rank)
            by_set["all"].append(rank)
        results[mode] = {name: score(ranks) for name, ranks in sorted(by_set.items())}
    return results
