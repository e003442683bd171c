"""Question tags on the fake embedder: taxonomy loading and its errors, keyword rules, the
fallback to overig, determinism, the metric maths on hand-made cases, the labelled sets' own
rules, and `belbot eval tags` end to end."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from belbot.cli.app import app as cli_app
from belbot.embedding.fake import FakeEmbedder
from belbot.errors import ConfigError, InvalidInputError
from belbot.evaluation.tag_eval import (
    TagCase,
    classification_metrics,
    evaluate_tagger,
    load_tag_cases,
)
from belbot.settings import Settings, TaggingSettings
from belbot.tagging import Tagger, TagResult, create_tagger, load_taxonomy, parse_taxonomy
from belbot.tagging.classifier import Evidence, keyword_hits, probabilities

from ..conftest import TESTSETS

pytestmark = pytest.mark.unit

SHIPPED = TaggingSettings().taxonomy_file

SMALL = """
version = "test-v1"

[[tags]]
id = "btw"
label = "Btw"
description = "Omzetbelasting."
keywords = ['\\bbtw\\b', { pattern = 'omzetbelasting', weight = 2 }]
examples = ["Welk btw-tarief geldt voor boeken?"]

[[tags]]
id = "toeslagen"
label = "Toeslagen"
description = "Zorgtoeslag en huurtoeslag."
keywords = ['toeslag']
examples = ["Hoe vraag ik zorgtoeslag aan?"]

[[tags]]
id = "overig"
label = "Overig"
description = "De rest."
"""


def small_tagger(**settings: object) -> Tagger:
    # The fake embedder's cosines are noise of about +-0.3; at the shipped temperature (0.01)
    # that noise would outweigh any keyword, so these tests flatten it.
    options = {"temperature": 1.0, **settings}
    return Tagger(parse_taxonomy(SMALL), FakeEmbedder(), TaggingSettings.model_validate(options))


# --- taxonomy -------------------------------------------------------------------------------


def test_the_shipped_taxonomy_loads_with_every_tag() -> None:
    taxonomy = load_taxonomy(SHIPPED)
    assert re.fullmatch(r"tags-v\d+\+[0-9a-f]{8}", taxonomy.version)
    assert taxonomy.ids == [
        "inkomstenbelasting", "toeslagen", "btw", "vennootschapsbelasting", "loonheffingen",
        "invordering", "herstel", "dienstverlening", "fraude", "overig",
    ]  # fmt: skip
    for tag in taxonomy.tags:
        assert tag.label and tag.description and tag.keywords
        assert tag.id == "overig" or len(tag.examples) >= 10


def test_the_version_changes_with_the_content() -> None:
    assert parse_taxonomy(SMALL).version != parse_taxonomy(SMALL + "\n# edit\n").version
    assert parse_taxonomy(SMALL).version.startswith("test-v1+")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = ", "geen geldige TOML"),
        (SMALL.replace('version = "test-v1"', ""), "version"),
        (SMALL.replace("'toeslag'", "'toeslag('"), "ongeldig patroon"),
        (SMALL.replace('id = "toeslagen"', 'id = "btw"'), "dubbele tag-id's btw"),
        (SMALL.replace('id = "overig"', 'id = "rest"'), "'overig' ontbreekt"),
        (SMALL.replace('examples = ["Hoe vraag ik zorgtoeslag aan?"]', ""), "geen voorbeeld"),
        (SMALL.replace("keywords = ['toeslag']", "keyword = ['toeslag']"), "keyword"),
        (SMALL.replace('id = "btw"', 'id = "Btw tag"'), "id"),
        (SMALL.replace("weight = 2", "weight = -1"), "weight"),
    ],
)
def test_bad_taxonomies_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_taxonomy(text, source="tags.toml")


def test_a_missing_taxonomy_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="niet gevonden"):
        load_taxonomy(tmp_path / "tags.toml")


# --- tagger ---------------------------------------------------------------------------------


def test_keyword_rules_match_folded_text_without_placeholders() -> None:
    taxonomy = parse_taxonomy(SMALL)
    assert keyword_hits(taxonomy, "BTW op OMZETBELASTING") == (3.0, 0.0, 0.0)
    assert keyword_hits(taxonomy, "[BSN] vraagt naar zijn Zorgtoeslag") == (0.0, 1.0, 0.0)
    # A placeholder is not a word of the question: "[BTW]" would otherwise match \bbtw\b.
    assert keyword_hits(taxonomy, "[BTW] [NAAM]") == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("method", ["keywords", "combined"])
def test_a_clear_keyword_decides(method: str) -> None:
    tagger = small_tagger(method=method)
    tagger.warm_up()
    result = tagger.tag("Welk btw-tarief geldt voor [NAAM] op fietsreparaties?")
    assert result.tag == "btw" and result.label == "Btw" and result.method == method
    assert result.taxonomy_version.startswith("test-v1+")
    assert 0.3 < result.confidence <= 1.0


def test_low_confidence_and_no_evidence_fall_back_to_overig() -> None:
    # The fake embedder's cosines are noise: with a high bar nothing without a keyword passes.
    tagger = small_tagger(method="centroid", min_confidence=0.99)
    result = tagger.tag("Wat wordt het weer morgen?")
    assert result.tag == "overig" and result.confidence < 0.99
    # Nothing matches and nothing to embed: overig with zero confidence.
    assert small_tagger(method="keywords").tag("Wat wordt het weer morgen?") == TagResult(
        tag="overig", label="Overig", confidence=0.0, method="keywords",
        taxonomy_version=parse_taxonomy(SMALL).version,
    )  # fmt: skip
    assert small_tagger().tag("[BSN]").tag == "overig"


def test_probabilities_per_method_on_known_evidence() -> None:
    evidence = Evidence(cosines=(0.90, 0.89, float("nan")), hits=(0.0, 1.0, 0.0))
    settings = TaggingSettings(temperature=0.01, keyword_weight=3.0)
    assert probabilities(evidence, "keywords", settings).tolist() == [0.0, 1.0, 0.0]  # type: ignore[union-attr]
    centroid = probabilities(evidence, "centroid", settings)
    assert centroid is not None and centroid[2] == 0.0  # no centroid, no probability
    assert centroid[0] == pytest.approx(1 / (1 + math.exp(-1)))  # 0.01 apart at T 0.01
    combined = probabilities(evidence, "combined", settings)
    assert combined is not None and combined.argmax() == 1  # one rule outweighs 0.01 cosine
    assert combined[1] == pytest.approx(1 / (1 + math.exp(1 - 3)))
    assert probabilities(Evidence((float("nan"),) * 3, (0.0,) * 3), "combined", settings) is None


def test_tagging_is_deterministic_and_batch_equals_single() -> None:
    questions = ["btw op boeken", "huurtoeslag aanvragen", "wat is de hoofdstad van Peru", ""]
    first, second = small_tagger(), small_tagger()
    batch = first.tag_many(questions)
    assert batch == second.tag_many(questions) == [second.tag(q) for q in questions]


def test_ties_go_to_the_earlier_tag() -> None:
    result = small_tagger(method="keywords").tag("btw of toeslag?")
    assert result.tag == "btw" and result.confidence == 0.5


def test_tag_result_is_frozen_and_bounded() -> None:
    result = small_tagger().tag("btw")
    with pytest.raises(ValidationError):
        result.tag = "overig"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        TagResult(tag="btw", label="Btw", confidence=1.5, method="x", taxonomy_version="v")


def test_the_warm_up_embeds_the_seeds_once() -> None:
    embedder = FakeEmbedder()
    tagger = Tagger(load_taxonomy(SHIPPED), embedder)
    assert embedder.calls == 0  # a cheap constructor
    tagger.warm_up()
    seeds = sum(len(tag.examples) for tag in tagger.taxonomy.tags)
    assert embedder.calls == seeds
    tagger.warm_up()
    tagger.tag("Hoe vraagt een burger een betalingsregeling aan?")
    assert embedder.calls == seeds + 1  # one query embedding per question


@pytest.mark.parametrize(
    ("question", "tag"),
    [
        # Aspect terms carry weight 2 and beat the subject they are about.
        ("Hoe meldt een gedupeerde ouder zich voor herstel kinderopvangtoeslag?", "herstel"),
        ("betalingsregeling voor terugbetalen huurtoeslag", "invordering"),
        ("fraude met toeslagen van de buren melden", "fraude"),
        ("Hoe machtigt iemand zijn dochter voor zijn toeslagen?", "dienstverlening"),
        ("aangifte vennootschapsbelasting van de bv", "vennootschapsbelasting"),
    ],
)
def test_shipped_rules_on_typical_questions(question: str, tag: str) -> None:
    tagger = Tagger(load_taxonomy(SHIPPED), FakeEmbedder(), TaggingSettings(method="keywords"))
    assert tagger.tag(question).tag == tag


def test_create_tagger_follows_the_settings(fake_settings: Settings) -> None:
    tagger = create_tagger(fake_settings)
    assert tagger.taxonomy.ids[-1] == "overig" and tagger.embedder_id.startswith("fake-")
    broken = fake_settings.model_copy(
        update={"tagging": TaggingSettings(taxonomy_file=Path("nergens.toml"))}
    )
    with pytest.raises(ConfigError):
        create_tagger(broken)


# --- metrics --------------------------------------------------------------------------------


def test_metrics_on_a_hand_made_case() -> None:
    gold = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "a"]
    metrics = classification_metrics(gold, predicted, ["a", "b", "c", "d"])
    assert metrics.accuracy == pytest.approx(3 / 5)
    scores = {s.tag: s for s in metrics.per_tag}
    assert (scores["a"].precision, scores["a"].recall, scores["a"].f1) == (0.5, 0.5, 0.5)
    assert scores["b"].precision == pytest.approx(2 / 3) and scores["b"].recall == 1.0
    assert scores["b"].f1 == pytest.approx(0.8)
    assert (scores["c"].f1, scores["c"].support, scores["c"].predicted) == (0.0, 1, 0)
    # "d" never occurs: left out of the macro average, as scikit-learn does.
    assert metrics.macro_f1 == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert metrics.confusion["a"] == {"a": 1, "b": 1, "c": 0, "d": 0}
    assert metrics.confusion["c"]["a"] == 1 and metrics.confusion["b"]["b"] == 2


def test_metrics_agree_with_scikit_learn() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    gold = ["x", "y", "z", "x", "y", "z", "x", "x", "w"]
    predicted = ["x", "z", "z", "x", "y", "y", "y", "x", "x"]
    metrics = classification_metrics(gold, predicted, ["w", "x", "y", "z"])
    assert metrics.macro_f1 == pytest.approx(
        sklearn_metrics.f1_score(gold, predicted, average="macro", zero_division=0)
    )
    assert metrics.accuracy == pytest.approx(sklearn_metrics.accuracy_score(gold, predicted))


def test_perfect_and_empty_predictions() -> None:
    assert classification_metrics(["a", "b"], ["a", "b"], ["a", "b"]).macro_f1 == 1.0
    with pytest.raises(ValueError):
        classification_metrics(["a"], [], ["a"])


def test_evaluation_covers_every_method() -> None:
    tagger = small_tagger()
    cases = [
        TagCase(id="1", question="btw op boeken", tag="btw"),
        TagCase(id="2", question="zorgtoeslag aanvragen", tag="toeslagen"),
        TagCase(id="3", question="het weer", tag="overig"),
    ]
    evaluation = evaluate_tagger(tagger, cases)
    assert set(evaluation.results) == {"keywords", "centroid", "combined"}
    assert evaluation.results["keywords"].metrics.accuracy == 1.0
    assert evaluation.count == 3 and evaluation.latency_ms_p50 >= 0
    assert evaluation.embedder == "fake-sha256-64"


# --- labelled sets --------------------------------------------------------------------------


def test_bad_lines_are_reported_with_their_number(tmp_path: Path) -> None:
    path = tmp_path / "tags.jsonl"
    good = json.dumps({"id": "t1", "question": "btw?", "tag": "btw"})
    path.write_text(good + "\n\n{niet json\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="regel 3"):
        load_tag_cases(path, ["btw", "overig"])
    path.write_text(good + "\n" + good.replace("btw", "zorg") + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="regel 2: onbekende tag 'zorg'"):
        load_tag_cases(path, ["btw", "overig"])
    path.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="regel 2: id 't1' komt al voor"):
        load_tag_cases(path, ["btw", "overig"])


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_the_labelled_sets_follow_their_rules() -> None:
    taxonomy = load_taxonomy(SHIPPED)
    held_out = load_tag_cases(TESTSETS / "tags.jsonl", taxonomy.ids)
    dev = load_tag_cases(TESTSETS / "tags_dev.jsonl", taxonomy.ids)
    assert len(held_out) >= 160 and len(dev) >= 60
    for tag in taxonomy.ids:
        assert sum(case.tag == tag for case in held_out) >= 12, tag
    # No held-out question is a seed or a development question, and none is repeated.
    seeds = {_normal(example) for tag in taxonomy.tags for example in tag.examples}
    dev_questions = {_normal(case.question) for case in dev}
    held = [_normal(case.question) for case in held_out]
    assert len(set(held)) == len(held)
    assert not set(held) & (seeds | dev_questions)
    assert not dev_questions & seeds


# --- the command ----------------------------------------------------------------------------


def test_eval_tags_command_on_the_fake_embedder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BELBOT_EMBEDDING__BACKEND", "fake")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli_app,
        ["eval", "tags", "--testset", str(TESTSETS / "tags_dev.jsonl"), "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "Verwarringstabel" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["shipped"] == "combined" and report["count"] >= 60
    assert set(report["results"]) == {"keywords", "centroid", "combined"}
    missing = CliRunner().invoke(cli_app, ["eval", "tags", "--testset", "nergens.jsonl"])
    assert missing.exit_code == 2 and "Testset niet gevonden" in missing.output
