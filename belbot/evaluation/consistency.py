"""Consistency beyond repetition: answers to paraphrased questions, and answers given to the
same question for different agents (from the conversation store)."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from belbot.store.types import AgentAnswer

Embed = Callable[[list[str]], npt.NDArray[np.float32]]


def consistency(texts: list[str], vectors: npt.NDArray[np.float32]) -> dict[str, float]:
    """Exact-match rate and mean pairwise cosine over repeated answers (vectors normalised)."""
    pairs = list(itertools.combinations(range(len(texts)), 2))
    if not pairs:
        return {"exact_match": 1.0, "mean_cosine": 1.0}
    return {
        "exact_match": sum(texts[a] == texts[b] for a, b in pairs) / len(pairs),
        "mean_cosine": round(float(np.mean([float(vectors[a] @ vectors[b]) for a, b in pairs])), 4),
    }


def paraphrase_consistency(items: list[dict[str, Any]], embed: Embed) -> list[dict[str, Any]]:
    """One row per (paraphrase, original) pair present in the run: same decision (both answered
    or both refused), exact match and cosine similarity of the two answers."""
    by_id = {item["id"]: item for item in items}
    pairs = [
        (item, by_id[item["paraphrase_of"]])
        for item in items
        if item.get("paraphrase_of") and item["paraphrase_of"] in by_id
    ]
    if not pairs:
        return []
    vectors = embed([t for a, b in pairs for t in (a["answer"], b["answer"])])
    return [
        {
            "id": a["id"],
            "paraphrase_of": b["id"],
            "set": a["set"],
            "same_decision": a["refused"] == b["refused"],
            "exact_match": a["answer"] == b["answer"],
            "cosine": round(float(vectors[2 * n] @ vectors[2 * n + 1]), 4),
        }
        for n, (a, b) in enumerate(pairs)
    ]


def agents_consistency(groups: Mapping[str, Sequence[AgentAnswer]], embed: Embed) -> dict[str, Any]:
    """Over questions asked by two or more agents: pairs of answers to different agents, their
    exact-match rate and mean cosine similarity."""
    exact: list[bool] = []
    cosines: list[float] = []
    for answers in groups.values():
        vectors = embed([a.text for a in answers])
        for i, j in itertools.combinations(range(len(answers)), 2):
            if answers[i].agent_id == answers[j].agent_id:
                continue
            exact.append(answers[i].text == answers[j].text)
            cosines.append(float(vectors[i] @ vectors[j]))
    return {
        "questions": len(groups),
        "pairs": len(cosines),
        "exact_match": round(sum(exact) / len(exact), 4) if exact else None,
        "mean_cosine": round(statistics.fmean(cosines), 4) if cosines else None,
    }
