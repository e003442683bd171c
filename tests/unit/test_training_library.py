"""The shipped practice library and its labelled answers: every scenario parses with its
content id, is approved, and each passage is found in the default corpus as pinned (a
corpus edit that moves a quote fails here before it reaches a trainee); at least 40 scenarios
over the tags; the labelled trainee answers fit their scenarios and their kinds."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from belbot.embedding.fake import FakeEmbedder
from belbot.evaluation.fact_eval import load_labelled
from belbot.index.builder import IndexBuilder
from belbot.index.store import load_index
from belbot.settings import PROJECT_ROOT, Settings
from belbot.tagging.taxonomy import load_taxonomy
from belbot.training.library import load_scenarios
from belbot.training.passages import PassageLocator
from belbot.training.types import Scenario
from tests.conftest import CORPUS, TESTSETS

LIBRARY = PROJECT_ROOT / "knowledge" / "training" / "scenarios.jsonl"


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scenario]:
    tags = set(load_taxonomy(Settings().tagging.taxonomy_file).ids)
    return {s.id: s for s in load_scenarios(LIBRARY, tags)}


def test_at_least_40_approved_scenarios_over_every_tag(shipped: dict[str, Scenario]) -> None:
    assert len(shipped) >= 40
    assert {s.status for s in shipped.values()} == {"approved"}
    per_tag = Counter(s.tag for s in shipped.values())
    assert set(per_tag) == set(load_taxonomy(Settings().tagging.taxonomy_file).ids)
    assert min(per_tag.values()) >= 4
    assert sum(bool(s.ask_first) for s in shipped.values()) >= 10


def test_every_passage_is_in_the_default_corpus_as_pinned(
    shipped: dict[str, Scenario], tmp_path: Path
) -> None:
    settings = Settings.model_validate(
        {"paths": {"data_dir": tmp_path, "corpus_dir": CORPUS,
                   "provenance_file": CORPUS / "provenance.json"},
         "embedding": {"backend": "fake"}}
    )  # fmt: skip
    IndexBuilder(settings, FakeEmbedder()).build()
    locator = PassageLocator(load_index(settings.paths.index_dir))
    for scenario in shipped.values():
        assert all(ref.chunk_sha256 for ref in scenario.passages), scenario.id
        assert locator.problems(scenario) == [], scenario.id


@pytest.mark.parametrize("name", ["training_answers_dev.jsonl", "training_answers.jsonl"])
def test_labelled_answers_fit_their_scenarios(shipped: dict[str, Scenario], name: str) -> None:
    items = load_labelled(TESTSETS / name, shipped)
    assert len(items) >= (60 if name == "training_answers.jsonl" else 20)
    assert len({i.id for i in items}) == len(items)
    for item in items:
        labels = set(item.labels.values())
        if item.kind in ("exact", "paraphrase"):
            assert labels == {True}, item.id
        if item.kind == "empty-ish":
            assert labels == {False}, item.id
    dev = {json.loads(line)["answer"] for line in (TESTSETS / "training_answers_dev.jsonl")
           .read_text("utf-8").splitlines() if line.strip()}  # fmt: skip
    held_out = {i.answer for i in load_labelled(TESTSETS / "training_answers.jsonl", shipped)}
    assert not dev & held_out  # tuned on one, reported on the other
