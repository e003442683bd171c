"""Reciprocal rank fusion (Cormack et al., 2009): robust to retrievers whose scores live on
different scales, which BM25 and cosine similarity do."""

from __future__ import annotations


def reciprocal_rank_fusion(
    rankings: dict[str, list[tuple[int, float]]],
    k: int = 60,
    weights: dict[str, float] | None = None,
) -> list[tuple[int, float]]:
    """Fused (row, score) pairs, best first; ties broken by row for reproducibility.

    ``weights`` scales each retriever's contribution (default 1.0)."""
    weights = weights or {}
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for position, (row, _score) in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + position)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
