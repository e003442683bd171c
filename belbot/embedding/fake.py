"""Deterministic fake embedder for fast tests: vectors from SHA-256 of the text."""

from __future__ import annotations

import hashlib

import numpy as np

from belbot.embedding.base import Vectors, normalise_rows


class FakeEmbedder:
    def __init__(self, dim: int = 64) -> None:
        self._dim = dim
        self.calls = 0  # texts embedded so far, so tests can check incremental builds

    @property
    def model_id(self) -> str:
        return f"fake-sha256-{self._dim}"

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.model_id.encode()).hexdigest()

    @property
    def dim(self) -> int:
        return self._dim

    def warm_up(self) -> None:
        return None

    def _vector(self, text: str) -> np.ndarray:
        seed = hashlib.sha256(text.encode("utf-8")).digest()
        rng = np.random.default_rng(int.from_bytes(seed[:8], "little"))
        return rng.standard_normal(self._dim).astype(np.float32)

    def embed_passages(self, texts: list[str]) -> Vectors:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return normalise_rows(np.stack([self._vector(text) for text in texts]))

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self.embed_passages(texts)
