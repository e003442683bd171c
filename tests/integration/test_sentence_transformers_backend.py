"""sentence-transformers stays a supported embedder backend: tested with the bundled MiniLM."""

from __future__ import annotations

import pytest

from belbot.embedding.st_backend import SentenceTransformerEmbedder
from belbot.index.builder import IndexBuilder
from belbot.index.store import load_index
from belbot.retrieval.retriever import Retriever
from belbot.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_minilm_builds_an_index_and_retrieves(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(
        update={
            "embedding": fake_settings.embedding.model_copy(
                update={"backend": "sentence-transformers"}
            )
        }
    )
    embedder = SentenceTransformerEmbedder(threads=2)
    IndexBuilder(settings, embedder).build()
    index = load_index(settings.paths.index_dir)
    assert index.manifest.embedder.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert index.vectors.shape[1] == 384
    vectors = embedder.embed_queries(["telephone waiting time", "wachttijd telefoon"])
    assert abs(float((vectors**2).sum(axis=1).max()) - 1.0) < 1e-4
    retriever = Retriever(index, embedder, settings.retrieval)
    passages = retriever.search("telefonische wachttijd", k=5, mode="dense")
    assert len(passages) == 5 and all(p.scores["dense"] <= 1.0001 for p in passages)
    hybrid = retriever.search("telefonische wachttijd", k=5)
    assert any("wachttijd" in p.chunk.text for p in hybrid)
