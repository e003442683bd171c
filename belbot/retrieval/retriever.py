"""Hybrid retrieval: BM25 (Dutch) and dense (FAISS, inner product on normalised vectors),
fused by reciprocal rank fusion. Each mode can be asked for on its own, for evaluation."""

from __future__ import annotations

import time
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from belbot.domain import Passage
from belbot.embedding.base import Embedder
from belbot.embedding.memo import MemoEmbedder
from belbot.errors import InvalidInputError
from belbot.index.store import IndexVersion
from belbot.logs import get_logger
from belbot.retrieval.fusion import reciprocal_rank_fusion
from belbot.retrieval.lexical import BM25Index, TermStats
from belbot.settings import RetrievalSettings

log = get_logger(__name__)

Mode = Literal["hybrid", "bm25", "dense"]
MAX_QUERY_CHARS = 2000


class Retriever:
    def __init__(
        self, index: IndexVersion, embedder: Embedder, settings: RetrievalSettings
    ) -> None:
        self._index = index
        # Remembered vectors: the question serves retrieval and evidence from one embedding.
        self._embedder: Embedder = MemoEmbedder(embedder)
        self._settings = settings
        self._bm25: BM25Index | None = None
        self._faiss: Any = None  # faiss.IndexFlatIP (untyped library)
        self._terms: TermStats | None = None

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    @property
    def settings(self) -> RetrievalSettings:
        return self._settings

    @property
    def index(self) -> IndexVersion:
        return self._index

    @property
    def term_stats(self) -> TermStats:
        if self._terms is None:
            texts = [chunk.index_text for chunk in self._index.chunks]
            self._terms = TermStats(texts, self._settings.stemmer)
        return self._terms

    def warm_up(self) -> None:
        import faiss

        if self._bm25 is None:
            self._bm25 = BM25Index(
                [chunk.index_text for chunk in self._index.chunks], self._settings.stemmer
            )
        if self._faiss is None:
            dense = faiss.IndexFlatIP(self._index.vectors.shape[1])
            dense.add(self._index.vectors)
            self._faiss = dense
        self._embedder.warm_up()

    def search(self, query: str, k: int | None = None, mode: Mode | None = None) -> list[Passage]:
        query = query.strip()
        if not query:
            raise InvalidInputError("De vraag is leeg.")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInputError(f"De vraag is te lang (maximaal {MAX_QUERY_CHARS} tekens).")
        self.warm_up()
        k = k or self._settings.top_k
        mode = mode or self._settings.mode
        started = time.perf_counter()
        rankings: dict[str, list[tuple[int, float]]] = {}
        if mode in ("bm25", "hybrid"):
            rankings["bm25"] = self._bm25_ranking(query)
        if mode in ("dense", "hybrid"):
            rankings["dense"] = self._dense_ranking(query)
        if mode == "hybrid":
            fused = reciprocal_rank_fusion(
                rankings, self._settings.rrf_k, {"dense": self._settings.dense_weight}
            )
        else:
            fused = rankings[mode]
        passages = self._passages(fused[:k], rankings)
        log.debug(
            "retrieval.done",
            mode=mode,
            k=k,
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return passages

    def _bm25_ranking(self, query: str) -> list[tuple[int, float]]:
        assert self._bm25 is not None
        scores = self._bm25.scores(query)
        return _top(scores, self._settings.candidates, positive_only=True)

    def _dense_ranking(self, query: str) -> list[tuple[int, float]]:
        vector = self._embedder.embed_queries([query])
        count = min(self._settings.candidates, len(self._index.chunks))
        distances, ids = self._faiss.search(vector, count)
        return [(int(i), float(d)) for i, d in zip(ids[0], distances[0], strict=True) if i >= 0]

    def _passages(
        self, ranked: list[tuple[int, float]], rankings: dict[str, list[tuple[int, float]]]
    ) -> list[Passage]:
        per_retriever = {
            name: {row: (position + 1, score) for position, (row, score) in enumerate(ranking)}
            for name, ranking in rankings.items()
        }
        passages = []
        for rank, (row, score) in enumerate(ranked, start=1):
            chunk = self._index.chunks[row]
            scores, ranks = {}, {}
            for name, table in per_retriever.items():
                if row in table:
                    ranks[name], scores[name] = table[row]
            passages.append(
                Passage(
                    chunk=chunk,
                    document=self._index.documents[chunk.doc_id],
                    rank=rank,
                    score=round(score, 6),
                    scores=scores,
                    ranks=ranks,
                )
            )
        return passages


def _top(
    scores: npt.NDArray[np.float32], count: int, positive_only: bool = False
) -> list[tuple[int, float]]:
    if scores.size == 0:
        return []
    count = min(count, scores.size)
    rows = np.argpartition(-scores, count - 1)[:count]
    # Stable order: by score, then by position, so equal scores rank reproducibly.
    ordered = sorted(rows.tolist(), key=lambda row: (-float(scores[row]), row))
    return [(row, float(scores[row])) for row in ordered if not positive_only or scores[row] > 0]
