"""Wiring: settings -> embedder + live index -> retriever. Shared by every edge."""

from __future__ import annotations

from belbot.embedding.factory import create_embedder
from belbot.errors import ConfigError
from belbot.index.store import load_index
from belbot.retrieval.retriever import Retriever
from belbot.settings import Settings


def open_retriever(settings: Settings) -> Retriever:
    index = load_index(settings.paths.index_dir)
    embedder = create_embedder(settings.embedding)
    if index.manifest.embedder.fingerprint != embedder.fingerprint:
        raise ConfigError(
            f"De index is gebouwd met {index.manifest.embedder.model_id}, maar ingesteld is "
            f"{embedder.model_id}. Draai 'belbot ingest' opnieuw."
        )
    retriever = Retriever(index, embedder, settings.retrieval)
    retriever.warm_up()
    return retriever
