"""BM25 analysis, rank fusion and the retriever's contract, with the fake embedder."""

from __future__ import annotations

import pytest

from belbot.embedding.fake import FakeEmbedder
from belbot.errors import InvalidInputError
from belbot.index.builder import IndexBuilder
from belbot.index.store import load_index
from belbot.retrieval.fusion import reciprocal_rank_fusion
from belbot.retrieval.lexical import BM25Index, tokenize
from belbot.retrieval.retriever import MAX_QUERY_CHARS, Retriever
from belbot.settings import Settings

pytestmark = pytest.mark.unit


def test_dutch_analysis_stems_folds_and_drops_stop_words() -> None:
    assert tokenize("De bereikbaarheid van de BelastingTelefoon") == tokenize(
        "bereikbaarheid belastingtelefoon"
    )
    assert tokenize("Wachttijden") == tokenize("wachttijd")
    assert tokenize("toeslagen") == tokenize("Toeslag") and tokenize("bezwaren") == tokenize(
        "bezwaar"
    )
    assert tokenize("geïnd") == tokenize("geind")
    # Numbers stay whole, with Dutch separators.
    assert "28844" in tokenize("28.844 fte") and "73" in tokenize("7,3%")


def test_bm25_ranks_the_matching_text_first() -> None:
    index = BM25Index(["de wachttijd aan de telefoon", "toeslagen uitbetalen", "niets relevants"])
    scores = index.scores("Hoe lang is de wachttijd?")
    assert scores.argmax() == 0 and scores[1] == 0
    assert not index.scores("de het een").any()  # only stop words


def test_weighted_reciprocal_rank_fusion() -> None:
    rankings = {"bm25": [(1, 9.0), (2, 5.0)], "dense": [(2, 0.9), (3, 0.8)]}
    fused = reciprocal_rank_fusion(rankings, k=10)
    assert [row for row, _ in fused] == [2, 1, 3]  # in both lists beats first in one
    heavier = reciprocal_rank_fusion(rankings, k=10, weights={"dense": 3.0})
    assert [row for row, _ in heavier][:2] == [2, 3]
    assert reciprocal_rank_fusion({"a": [(5, 1.0)], "b": [(4, 1.0)]})[0][0] == 4  # tie -> row


def test_retriever_contract(fake_settings: Settings) -> None:
    IndexBuilder(fake_settings, FakeEmbedder()).build()
    retriever = Retriever(
        load_index(fake_settings.paths.index_dir), FakeEmbedder(), fake_settings.retrieval
    )
    passages = retriever.search("gemiddelde telefonische wachttijd", k=3, mode="bm25")
    # BM25 alone returns only chunks sharing a term with the question.
    assert 1 <= len(passages) <= 3 and "wachttijd" in passages[0].chunk.text.lower()
    assert all(p.scores["bm25"] > 0 for p in passages)
    assert passages[0].ranks == {"bm25": 1}
    hybrid = retriever.search("gemiddelde telefonische wachttijd", k=3)
    assert {"bm25", "dense"} >= set(hybrid[0].scores) and hybrid[0].document.title
    with pytest.raises(InvalidInputError):
        retriever.search("   ")
    with pytest.raises(InvalidInputError):
        retriever.search("x" * (MAX_QUERY_CHARS + 1))
