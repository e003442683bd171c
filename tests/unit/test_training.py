"""Practice mode (issue 11) on the fake stack: fact matching, the simulated caller, scores and
topic completion, the library file, and the API end to end over the small corpus on each
store engine: sessions in practice conversations kept out of production figures, feedback
naming the missed fact and its source, coach review, and re-review when a passage changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from belbot.answering.factory import create_answer_service
from belbot.api.app import create_app
from belbot.embedding.fake import FakeEmbedder
from belbot.errors import InvalidInputError
from belbot.evaluation.ops import operational_report
from belbot.index.builder import IndexBuilder
from belbot.settings import Settings
from belbot.store.training import Attempt
from belbot.training.caller import UNKNOWN_REPLY, reply_to
from belbot.training.library import dump_scenarios, parse_scenarios
from belbot.training.matching import FactMatcher, normalise, numbers
from belbot.training.progress import score, topic_progress
from belbot.training.types import AskItem, Fact, PassageRef, Scenario, scenario_id
from tests.unit.conftest import API_USERS, auth

BSR = "000_f3d06f99e03346db.txt"
TAGS = {"dienstverlening", "invordering", "toeslagen", "overig"}


def make(
    question: str,
    tag: str,
    facts: list[tuple[str, list[str]]],
    quotes: list[str],
    ask_first: tuple[AskItem, ...] = (),
    doc_id: str = BSR,
) -> Scenario:
    fact_models = tuple(
        Fact(id=f"f{n}", text=text, variants=tuple(variants))
        for n, (text, variants) in enumerate(facts, start=1)
    )
    return Scenario(
        id=scenario_id(question, tag, [f.text for f in fact_models]),
        question=question,
        tag=tag,
        difficulty=2,
        facts=fact_models,
        passages=tuple(PassageRef(document=doc_id, quote=q) for q in quotes),
        ask_first=ask_first,
        model_answer=" ".join(f.text for f in fact_models),
        status="approved",
        reviewed_by="test-coach",
    )


CALLED = AskItem(
    id="a1",
    text="Heeft u telefonisch contact gezocht?",
    cues=("telefonisch", "gebeld", "via de telefoon"),
    reply="Ja, ik heb gebeld.",
)
REACH = make(
    "Hoe snel word ik bij BSR te woord gestaan als ik bel?",
    "dienstverlening",
    [
        ("92% van de klanten wordt binnen 5 minuten te woord gestaan.", ["binnen vijf minuten"]),
        ("Lukt dat niet, dan wordt de klant uiterlijk binnen 2 werkdagen teruggebeld.", []),
    ],
    ["worden binnen 5 minuten te woord gestaan", "uiterlijk binnen 2 werkdagen teruggebeld"],
    (CALLED,),
)
WAIT = make(
    "Hoe lang moest je in 2023 gemiddeld wachten als je BSR belde?",
    "dienstverlening",
    [("De gemiddelde telefonische wachttijd over 2023 was 3,14 minuten.", [])],
    ["wachttijd over 2023 was 3,14 min"],
)
GONE = make(
    "Klopt het dat BSR alle aanslagen kwijtscheldt?",
    "invordering",
    [("BSR scheldt geen aanslagen kwijt zonder verzoek.", [])],
    ["Deze zin staat nergens in de kennisbank van BSR."],
)


# -- fact matching ------------------------------------------------------------------------


@pytest.fixture
def matcher() -> FactMatcher:
    return FactMatcher()


def fact(text: str, *variants: str) -> Fact:
    return Fact(id="f1", text=text, variants=variants)


def test_exact_and_variant_matches_are_named(matcher: FactMatcher) -> None:
    wanted = fact("Bellers worden binnen 5 minuten te woord gestaan.", "binnen vijf minuten")
    exact = matcher.match(wanted, "Goed nieuws: bellers worden binnen 5 minuten te woord gestaan!")
    assert (exact.found, exact.how) == (True, "exact")
    variant = matcher.match(wanted, "Meestal heeft u binnen vijf minuten iemand.")
    assert (variant.found, variant.how) == (True, "variant")


def test_a_paraphrase_is_found_with_its_sentence_as_evidence(matcher: FactMatcher) -> None:
    wanted = fact("De gemiddelde telefonische wachttijd over 2023 was 3,14 minuten.")
    answer = (
        "Dat scheelt per jaar. In 2023 wachtte je telefonisch gemiddeld 3,14 minuut. Fijne dag."
    )
    found = matcher.match(wanted, answer)
    assert found.found and found.how == "paraphrase"
    assert found.evidence == "In 2023 wachtte je telefonisch gemiddeld 3,14 minuut."


def test_a_wrong_number_or_a_flipped_negation_is_a_missed_fact(matcher: FactMatcher) -> None:
    wanted = fact("De doelstelling van 99% aanslagoplegging is in 2025 gehaald.")
    assert not matcher.match(
        wanted, "De doelstelling van 98% aanslagoplegging is in 2025 gehaald."
    ).found
    assert not matcher.match(wanted, "De doelstelling van 99% is in 2025 niet gehaald.").found
    assert matcher.match(
        wanted, "In 2025 is het doel van 99 procent aanslagoplegging gehaald."
    ).found


def test_vague_answers_and_number_words(matcher: FactMatcher) -> None:
    wanted = fact("De klant wordt uiterlijk binnen 2 werkdagen teruggebeld.")
    assert not matcher.match(wanted, "Dat moet ik even voor u nakijken.").found
    assert matcher.match(wanted, "U wordt binnen twee werkdagen teruggebeld.").found
    assert numbers("28.844 en 7,3% en twee") == {"28844", "73", "2"}
    assert normalise("Éénmalig 2,44% — klaar!") == "eenmalig 244 procent klaar"


# -- the caller, scores and progress ------------------------------------------------------


def test_the_caller_answers_a_question_that_asks_a_required_item() -> None:
    assert reply_to("Heeft u ons telefonisch geprobeerd?", (CALLED,)) == (
        "Ja, ik heb gebeld.",
        "a1",
    )
    assert reply_to("Heeft u telefonisch contact gezocht met ons?", (CALLED,))[1] == "a1"
    assert reply_to("Wat is uw klantnummer?", (CALLED,)) == (UNKNOWN_REPLY, None)


def attempt(scenario: str, passed: bool, at: str, tag: str = "toeslagen") -> Attempt:
    return Attempt(f"pa-{at}", "anna", scenario, tag, 1.0 if passed else 0.2, passed, at)


def test_score_weighs_the_questions_to_ask_first() -> None:
    assert score(2, 2, 0, 0) == 1.0
    assert score(1, 2, 0, 0) == 0.5
    assert score(2, 2, 0, 1) == 0.8
    assert score(1, 2, 1, 1) == 0.6


def test_a_topic_is_completed_by_passing_different_scenarios() -> None:
    attempts = [
        attempt("s1", True, "2026-12-01T10:00"),
        attempt("s1", True, "2026-12-01T11:00"),  # the same scenario again counts once
        attempt("s2", False, "2026-12-01T12:00"),
        attempt("s2", True, "2026-12-02T09:00"),
        attempt("s3", True, "2026-12-03T09:00", tag="btw"),
    ]
    progress = topic_progress(attempts, "toeslagen", 2, {"toeslagen": 5})
    assert (progress.passed, progress.needed, progress.completed) == (2, 2, True)
    assert progress.completed_at == "2026-12-02T09:00" and progress.attempts == 4
    short = topic_progress(attempts, "toeslagen", 9, {"toeslagen": 2})  # only 2 in the library
    assert short.needed == 2 and short.completed
    assert not topic_progress(attempts, "btw", 2, {"btw": 4}).completed


# -- the library file ---------------------------------------------------------------------


def test_the_library_file_is_checked_line_by_line() -> None:
    text = dump_scenarios([REACH, WAIT])
    assert [s.id for s in parse_scenarios(text, "lib", TAGS)] == [REACH.id, WAIT.id]
    with pytest.raises(InvalidInputError, match="regel 2"):
        parse_scenarios(text.splitlines()[0] + "\n{kapot\n", "lib", TAGS)
    with pytest.raises(InvalidInputError, match="onbekend onderwerp"):
        parse_scenarios(dump_scenarios([REACH]), "lib", {"toeslagen"})
    tampered = json.loads(dump_scenarios([REACH]))
    tampered["question"] = "Een andere vraag over bereikbaarheid?"
    with pytest.raises(InvalidInputError, match="past niet bij de inhoud"):
        parse_scenarios(json.dumps(tampered), "lib", TAGS)
    with pytest.raises(InvalidInputError, match="twee keer"):
        parse_scenarios(dump_scenarios([REACH, REACH]), "lib", TAGS)


# -- the API over the small corpus --------------------------------------------------------


@pytest.fixture
def training_client(
    store_engine: str, fake_stack_settings: Settings, tmp_path: Path
) -> Iterator[TestClient]:
    library = tmp_path / "scenarios.jsonl"
    library.write_text(dump_scenarios([REACH, WAIT, GONE]), encoding="utf-8")
    settings = fake_stack_settings.model_copy(
        update={
            "training": fake_stack_settings.training.model_copy(
                update={"scenarios_file": library, "scenarios_per_topic": 2}
            )
        }
    )
    IndexBuilder(settings, FakeEmbedder()).build()
    app = create_app(settings, create_answer_service(settings))
    with TestClient(app) as client:
        store = app.state.store
        users = {**API_USERS, "coach": ("coach", "coco")}
        client.keys = {  # type: ignore[attr-defined]
            name: store.add_api_key(role, agent) for name, (role, agent) in users.items()
        }
        client.store = store  # type: ignore[attr-defined]
        yield client


def start(client: TestClient, who: str = "anna", tag: str | None = "dienstverlening") -> dict:  # type: ignore[type-arg]
    response = client.post("/v1/training/sessions", json={"tag": tag}, headers=auth(client, who))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_trainee_practises_gets_feedback_and_completes_a_topic(
    training_client: TestClient,
) -> None:
    client = training_client
    first = start(client)
    scenario = first["scenario"]
    assert scenario["tag_label"] == "Bereikbaarheid en dienstverlening"
    assert "facts" not in scenario and "model_answer" not in scenario  # no answer key up front
    session = first["session_id"]
    # BelBot's search works inside the practice conversation.
    asked = client.post(
        "/v1/ask",
        json={
            "question": "hoe snel neemt BSR de telefoon op?",
            "conversation_id": first["conversation_id"],
        },
        headers=auth(client),
    )
    assert asked.status_code == 200 and asked.json()["conversation_id"] == first["conversation_id"]

    if scenario["id"] == REACH.id:
        caller = client.post(
            f"/v1/training/sessions/{session}/caller",
            json={"question": "Heeft u telefonisch contact gezocht?"},
            headers=auth(client),
        )
        assert caller.json() == {"reply": "Ja, ik heb gebeld.", "ask_id": "a1"}
        partial = "Ongeveer 92% van de klanten wordt binnen 5 minuten te woord gestaan."
    else:
        partial = "Dat weet ik niet precies, ik ga het voor u nakijken."
    result = client.post(
        f"/v1/training/sessions/{session}/answer", json={"answer": partial}, headers=auth(client)
    ).json()
    assert not result["passed"]
    missed = [f for f in result["facts"] if not f["found"]]
    assert missed and missed[0]["source"]["document"] == BSR
    assert missed[0]["source"]["title"].startswith("Resultaten KPI")
    assert result["model_answer"] and result["topic"]["completed"] is False
    again = client.post(
        f"/v1/training/sessions/{session}/answer", json={"answer": partial}, headers=auth(client)
    )
    assert again.status_code == 409 and again.json()["code"] == "already_answered"

    # Two different scenarios passed (scenarios_per_topic = 2) complete the topic.
    for _ in range(4):
        nxt = start(client)
        chosen = REACH if nxt["scenario"]["id"] == REACH.id else WAIT
        sid = nxt["session_id"]
        if chosen.ask_first:
            client.post(
                f"/v1/training/sessions/{sid}/caller",
                json={"question": "Heeft u gebeld?"},
                headers=auth(client),
            )
        done = client.post(
            f"/v1/training/sessions/{sid}/answer",
            json={"answer": chosen.model_answer},
            headers=auth(client),
        ).json()
        assert done["passed"] and done["score"] == 1.0
        if done["topic"]["completed"]:
            break
    assert done["topic"] == {
        "tag": "dienstverlening",
        "tag_label": "Bereikbaarheid en dienstverlening",
        "passed": 2,
        "needed": 2,
        "completed": True,
    }

    mine = client.get("/v1/training/progress", headers=auth(client)).json()
    topic = next(t for t in mine["topics"] if t["tag"] == "dienstverlening")
    assert topic["completed"] and topic["completed_at"]
    coach = client.get("/v1/coach/progress", headers=auth(client, "coach")).json()
    assert [t["tag"] for t in coach["tags"]] == ["dienstverlening"]  # GONE is not practicable
    anna = next(t for t in coach["trainees"] if t["agent_id"] == "anna")
    assert anna["topics"]["dienstverlening"]["completed"] and anna["all_completed"]


def test_practice_answers_stay_out_of_production_figures(training_client: TestClient) -> None:
    client = training_client
    production = client.post(
        "/v1/ask", json={"question": "Hoe lang wacht je bij BSR?"}, headers=auth(client, "bob")
    ).json()
    practice = start(client)
    trained = client.post(
        "/v1/ask",
        json={
            "question": "Hoe lang wacht je bij BSR?",
            "conversation_id": practice["conversation_id"],
        },
        headers=auth(client),
    ).json()
    # The trainee uses the practice answer as in a call: shown, a source opened, a thumb.
    for kind in ("answer_shown", "source_opened"):
        event = {"kind": kind, "conversation_id": practice["conversation_id"],
                 "answer_id": trained["answer_id"]}  # fmt: skip
        assert client.post("/v1/events", json=event, headers=auth(client)).status_code == 201
    down = {"rating": "down", "reason": "onjuist"}
    thumb = client.post(f"/v1/answers/{trained['answer_id']}/feedback", json=down,
                        headers=auth(client))  # fmt: skip
    assert thumb.status_code == 201
    listed = client.get("/v1/monitor/answers", headers=auth(client, "monitor")).json()
    ids = {item["answer_id"] for item in listed["items"]}
    assert listed["total"] == 1 and ids == {production["answer_id"]}
    store = client.store  # type: ignore[attr-defined]
    assert store.is_practice(practice["conversation_id"])
    kpi = client.get("/v1/monitor/kpi", headers=auth(client, "monitor")).json()
    assert kpi["totals"]["answers"] == 1 and kpi["totals"]["conversations"] == 1
    assert kpi["totals"]["thumbs_down"] == 0
    ops = operational_report(store, datetime.now(UTC) - timedelta(hours=1))
    assert ops.volume.answers == 1 and ops.time_to_find.shown == 0
    assert (ops.feedback.up, ops.feedback.down) == (0, 0)


def test_coach_review_and_changed_knowledge(
    training_client: TestClient, fake_stack_settings: Settings
) -> None:
    client = training_client
    assert client.get("/v1/coach/scenarios", headers=auth(client)).status_code == 403
    flagged = client.get(
        "/v1/coach/scenarios?status=needs_review", headers=auth(client, "coach")
    ).json()["scenarios"]
    assert [s["id"] for s in flagged] == [GONE.id]
    assert "staat niet meer in de kennisbank" in flagged[0]["reason"]
    refused = client.post(
        f"/v1/coach/scenarios/{GONE.id}/review",
        json={"decision": "approve"},
        headers=auth(client, "coach"),
    )
    assert refused.status_code == 400 and "Goedkeuren kan niet" in refused.json()["message"]
    rejected = client.post(
        f"/v1/coach/scenarios/{GONE.id}/review",
        json={"decision": "reject", "note": "bestaat niet"},
        headers=auth(client, "coach"),
    ).json()
    assert rejected["status"] == "rejected" and rejected["reviewed_by"] == "coco"
    approved = client.get(
        "/v1/coach/scenarios?status=approved", headers=auth(client, "coach")
    ).json()
    assert all(p["chunk_sha256"] for s in approved["scenarios"] for p in s["passages"])  # pinned

    # The document under WAIT changes: re-ingestion sends WAIT back to the coach.
    corpus = fake_stack_settings.paths.corpus_dir / "000_f3d06f99e03346db.txt"
    text = corpus.read_text(encoding="utf-8")
    assert "3,14 min" in text
    corpus.write_text(text.replace("3,14 min", "3,41 min"), encoding="utf-8")
    admin = client.post("/v1/admin/reingest", headers=auth(client, "admin")).json()
    assert WAIT.id in admin["scenarios_flagged"]
    again = client.get("/v1/coach/scenarios?status=needs_review", headers=auth(client, "coach"))
    flagged_now = {s["id"]: s["reason"] for s in again.json()["scenarios"]}
    assert "staat niet meer in de kennisbank" in flagged_now[WAIT.id]
    # REACH's quotes survive, but on this small document they share WAIT's passage, whose
    # text changed: it is flagged too, and a coach approves it again against the new text.
    assert flagged_now.get(REACH.id, "gewijzigd").endswith("gewijzigd")
    assert (
        client.post(
            f"/v1/coach/scenarios/{WAIT.id}/review",
            json={"decision": "approve"},
            headers=auth(client, "coach"),
        ).status_code
        == 400
    )  # quote gone
    assert (
        client.post(
            f"/v1/coach/scenarios/{REACH.id}/review",
            json={"decision": "approve"},
            headers=auth(client, "coach"),
        ).status_code
        == 200
    )
    # A flagged scenario is not practised.
    for _ in range(3):
        assert start(client)["scenario"]["id"] == REACH.id


def test_bad_practice_input_gets_a_dutch_4xx(training_client: TestClient) -> None:
    client = training_client
    assert (
        client.post(
            "/v1/training/sessions", json={"tag": "bestaat-niet"}, headers=auth(client)
        ).status_code
        == 400
    )
    none_left = client.post("/v1/training/sessions", json={"tag": "btw"}, headers=auth(client))
    assert none_left.status_code == 404 and none_left.json()["code"] == "no_scenario"
    session = start(client)["session_id"]
    other = client.post(
        f"/v1/training/sessions/{session}/answer", json={"answer": "x"}, headers=auth(client, "bob")
    )
    assert other.status_code == 404  # another trainee's session
    empty = client.post(
        f"/v1/training/sessions/{session}/answer", json={"answer": "  "}, headers=auth(client)
    )
    assert empty.status_code == 400 and empty.json()["message"] == "Het antwoord is leeg."
    assert (
        client.post(
            f"/v1/training/sessions/{session}/answer", json={}, headers=auth(client)
        ).status_code
        == 422
    )
    assert (
        client.get("/v1/coach/scenarios?status=kapot", headers=auth(client, "coach")).status_code
        == 422
    )


def test_personal_data_in_practice_texts_is_redacted_before_storage(
    training_client: TestClient,
) -> None:
    client = training_client
    session = start(client)["session_id"]
    client.post(
        f"/v1/training/sessions/{session}/caller",
        json={"question": "Wat is uw e-mailadres, jan@example.nl?"},
        headers=auth(client),
    )
    client.post(
        f"/v1/training/sessions/{session}/answer",
        json={"answer": "Ik mail het naar jan@example.nl, BSN 111222333."},
        headers=auth(client),
    )
    store = client.store  # type: ignore[attr-defined]
    texts = [r[0] for r in store.db.execute("SELECT question FROM practice_asks")]
    texts += [r[0] for r in store.db.execute("SELECT answer FROM practice_attempts")]
    assert texts and not any("jan@example.nl" in t or "111222333" in t for t in texts)


def test_the_training_report_counts_completion_and_escalations_around_it(
    training_client: TestClient,
) -> None:
    from belbot.training.report import render_markdown, training_report

    client = training_client
    question = {"question": "Wat is de wachttijd aan de telefoon bij BSR?"}
    before = client.post("/v1/ask", json=question, headers=auth(client, "bob")).json()

    # The fake embedder's tags mean nothing: a monitor sets the topic, as in production.
    def topic(answer_id: str) -> None:
        fixed = client.post(
            f"/v1/monitor/answers/{answer_id}/tag",
            json={"tag": "dienstverlening"},
            headers=auth(client, "monitor"),
        )
        assert fixed.status_code == 200, fixed.text

    topic(before["answer_id"])
    escalated = client.post(
        f"/v1/conversations/{before['conversation_id']}/escalations",
        json={"target": "collega", "reason": "beller is ontevreden",
              "answer_id": before["answer_id"]},
        headers=auth(client, "bob"),
    )  # fmt: skip
    assert escalated.status_code == 201
    for _ in range(4):  # bob completes the topic (two different scenarios)
        nxt = start(client, "bob")
        chosen = REACH if nxt["scenario"]["id"] == REACH.id else WAIT
        done = client.post(
            f"/v1/training/sessions/{nxt['session_id']}/answer",
            json={"answer": chosen.model_answer + " Heeft u telefonisch contact gezocht?"},
            headers=auth(client, "bob"),
        ).json()
        if done["topic"]["completed"]:
            break
    start(client, "anna")  # anna practises, answers nothing: a trainee, not completed
    anna = start(client, "anna")
    client.post(f"/v1/training/sessions/{anna['session_id']}/answer",
                json={"answer": "Geen idee."}, headers=auth(client, "anna"))  # fmt: skip
    after = {"question": "Hoe bereikbaar is BSR telefonisch in de drukke weken?"}
    topic(client.post("/v1/ask", json=after, headers=auth(client, "bob")).json()["answer_id"])

    now = datetime.now(UTC)
    report = training_report(
        client.app.state.training,  # type: ignore[attr-defined]
        now - timedelta(days=1),
        now + timedelta(days=1),
        "test",
    )
    assert (report.trainees, report.completed_all, report.share_completed_all) == (2, 1, 0.5)
    row = next(t for t in report.topics if t.tag == "dienstverlening")
    assert (row.trainees_practised, row.trainees_completed, row.share_completed) == (2, 1, 0.5)
    assert (row.before.answers, row.before.escalations, row.before.rate) == (1, 1, 1.0)
    assert row.after.escalations == 0 and row.after.answers >= 1
    assert row.attempts >= 3 and row.mean_score is not None and row.pass_rate is not None
    text = render_markdown(report)
    assert "| Bereikbaarheid en dienstverlening |" in text and "100% (1/1)" in text


def test_drafts_from_the_knowledge_base_and_from_reviews_quote_their_passages(
    fake_stack_settings: Settings,
) -> None:
    from belbot.index.store import load_index
    from belbot.training.drafting import draft_from_index, draft_from_review
    from belbot.training.passages import PassageLocator

    IndexBuilder(fake_stack_settings, FakeEmbedder()).build()
    index = load_index(fake_stack_settings.paths.index_dir)
    drafts = draft_from_index(index, lambda _: "dienstverlening", limit=4, per_document=2)
    assert 1 <= len(drafts) <= 4
    locator = PassageLocator(index)
    for draft in drafts:
        assert draft.status == "draft" and draft.id == draft.content_id
        assert locator.problems(draft) == [] and locator.holds(draft)  # facts are verbatim
        assert all(any(ch.isdigit() for ch in fact.text) for fact in draft.facts)
        assert "dit onderwerp" not in draft.question
    chunk = locator.find(REACH.passages[0])
    assert chunk is not None
    line = {"id": "review-x", "question": "Hoe snel neemt BSR op?", "expected": "answer",
            "gold_answer": "92% van de bellers wordt binnen 5 minuten geholpen. Anders binnen "
            "2 werkdagen terugbellen.", "gold_quotes": ["worden binnen 5 minuten te woord gestaan"],
            "source": chunk.chunk.chunk_id}  # fmt: skip
    draft = draft_from_review(line, chunk.chunk, BSR, "dienstverlening")
    assert draft is not None and draft.origin == "review" and len(draft.facts) == 2
    assert locator.holds(draft)
    refusal = {**line, "expected": "refuse", "gold_answer": ""}
    assert draft_from_review(refusal, chunk.chunk, BSR, "dienstverlening") is None


def test_practice_answers_stay_out_of_samples_consistency_and_purged_counters(
    training_client: TestClient,
) -> None:
    from belbot.monitoring.retention import purge
    from belbot.monitoring.rollup import stored_counters
    from belbot.store.reviews import ReviewStore

    client = training_client
    store = client.store  # type: ignore[attr-defined]
    question = {"question": "Hoe lang wacht je bij BSR?"}
    for who in ("anna", "bob"):  # two trainees ask the same thing in practice
        practice = start(client, who)
        asked = dict(question, conversation_id=practice["conversation_id"])
        assert client.post("/v1/ask", json=asked, headers=auth(client, who)).status_code == 200
        client.post(f"/v1/training/sessions/{practice['session_id']}/answer",
                    json={"answer": "Dat zoek ik na."}, headers=auth(client, who))  # fmt: skip
    now = datetime.now(UTC)
    day = now.date()
    assert ReviewStore(store).candidates((now - timedelta(hours=1)).isoformat(), "9999") == []
    assert store.answers_by_question_across_agents(now - timedelta(hours=1)) == {}
    report = purge(store, now + timedelta(minutes=1))  # everything is past retention
    assert report.conversations >= 2
    kept = stored_counters(store, day, day + timedelta(days=1))
    assert not any(kept.values())  # practice left no counts behind
    progress = client.get("/v1/training/progress", headers=auth(client)).json()
    topic = next(t for t in progress["topics"] if t["tag"] == "dienstverlening")
    assert topic["attempts"] == 1  # the trainee's record outlives the purged conversation
