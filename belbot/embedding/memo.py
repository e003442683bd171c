"""An embedder wrapper that remembers recent vectors: the question is embedded once for
retrieval and evidence, and popular source sentences are not embedded again."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from belbot.embedding.base import Embedder, Vectors


class MemoEmbedder:
    def __init__(self, inner: Embedder, size: int = 4096) -> None:
        self._inner = inner
        self._size = size
        self._memo: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def fingerprint(self) -> str:
        return self._inner.fingerprint

    @property
    def dim(self) -> int:
        return self._inner.dim

    def warm_up(self) -> None:
        self._inner.warm_up()

    def _embed(self, texts: list[str], is_query: bool) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if (is_query, t) not in self._memo]
        if missing:
            embed = self._inner.embed_queries if is_query else self._inner.embed_passages
            for text, vector in zip(missing, embed(missing), strict=True):
                self._memo[(is_query, text)] = vector
                if len(self._memo) > self._size:
                    self._memo.popitem(last=False)
        rows = []
        for text in texts:
            self._memo.move_to_end((is_query, text))
            rows.append(self._memo[(is_query, text)])
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack(rows).astype(np.float32)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._embed(texts, is_query=False)

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._embed(texts, is_query=True)
