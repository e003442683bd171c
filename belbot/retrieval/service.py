"""Wiring: settings -> embedder + live index -> retriever. Shared by every edge."""

from __future__ import annotations

from belbot.embedding.factory import create_embedder
from belbot.errors import ConfigError
from belbot.index.store import load_index
from belbot.retrieval.retriever import Retriever
from belbot.settings import Settings


def open_retriever(
    settings: Settings, index_version: str | None = None, warm: bool = True
) -> Retriever:
    """The live index (or ``index_version``) with the configured embedder, which must be the
    one the index was built with."""
    index = load_index(settings.paths.index_dir, index_version)
    embedder = create_embedder(settings.embedding)
    if index.manifest.embedder.fingerprint != embedder.fingerprint:
        raise ConfigError(
            f"De index is gebouwd met {index.manifest.embedder.model_id}, maar ingesteld is "
            f"{embedder.model_id}. Draai 'belbot ingest' opnieuw."
        )
    retriever = Retriever(index, embedder, settings.retrieval)
    if warm:
        retriever.warm_up()
    return retriever
