"""Issue 9 over HTTP with the deterministic fakes: tags on answers, escalation, the monitor's
answer list and trace, replay, tag correction, review sample → verdict → agreement → export,
the audit log, "niet bewaren", and access (agents get 403)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from belbot.evaluation.testset import load_testset

from .conftest import auth

pytestmark = pytest.mark.unit

QUESTION = "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"
OTHER = "Waarom zijn er bij de huurtoeslag over 2023 hoge terugvorderingen?"


@pytest.fixture
def client(api_client: TestClient) -> TestClient:
    return api_client


def ask(client: TestClient, who: str, question: str, **extra: object) -> dict[str, object]:
    response = client.post(
        "/v1/ask", json={"question": question, **extra}, headers=auth(client, who)
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_answers_carry_a_tag_from_the_versioned_taxonomy(client: TestClient) -> None:
    answer = ask(client, "anna", OTHER)
    tag = answer["tag"]
    assert isinstance(tag, dict) and 0.0 <= tag["confidence"] <= 1.0
    tags = client.get("/v1/tags", headers=auth(client, "anna")).json()
    assert tag["tag"] in [t["id"] for t in tags["tags"]]
    assert tag["taxonomy_version"] == tags["version"]


def test_escalation_is_recorded_and_validated(client: TestClient) -> None:
    answer = ask(client, "anna", QUESTION)
    cid = answer["conversation_id"]
    options = client.get("/v1/escalation-options", headers=auth(client, "anna")).json()
    assert {t["id"] for t in options["targets"]} == {"collega", "specialist"}
    url = f"/v1/conversations/{cid}/escalations"
    body = {
        "target": "specialist",
        "reason": options["reasons"][0],
        "answer_id": answer["answer_id"],
    }
    made = client.post(url, json=body, headers=auth(client, "anna"))
    assert made.status_code == 201 and made.json()["tag"] == answer["tag"]["tag"]  # type: ignore[index]
    bad = client.post(url, json={**body, "reason": "geen zin"}, headers=auth(client, "anna"))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    assert client.post(url, json=body, headers=auth(client, "bob")).status_code == 403
    assert (
        client.post(
            "/v1/conversations/x/escalations", json=body, headers=auth(client, "anna")
        ).status_code
        == 404
    )
    listed = client.get(
        "/v1/monitor/answers?escalated=true", headers=auth(client, "monitor")
    ).json()
    assert [i["answer_id"] for i in listed["items"]] == [answer["answer_id"]]


def test_agents_cannot_use_the_console(client: TestClient) -> None:
    answer = ask(client, "anna", QUESTION)
    for method, url in [
        ("get", "/v1/monitor/answers"),
        ("get", f"/v1/monitor/answers/{answer['answer_id']}/trace"),
        ("post", f"/v1/monitor/answers/{answer['answer_id']}/replay"),
        ("get", "/v1/monitor/audit"),
        ("get", "/v1/monitor/review/items"),
    ]:
        response = getattr(client, method)(url, headers=auth(client, "anna"))
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden" and response.json()["message"]


def test_filters_trace_audit_and_tag_correction(client: TestClient) -> None:
    first = ask(client, "anna", QUESTION)
    second = ask(client, "bob", OTHER)
    down = {"rating": "down", "reason": "onvolledig"}
    client.post(
        f"/v1/answers/{first['answer_id']}/feedback", json=down, headers=auth(client, "anna")
    )
    mona = auth(client, "monitor")
    by_thumbs = client.get("/v1/monitor/answers?thumbs=down", headers=mona).json()
    assert [i["answer_id"] for i in by_thumbs["items"]] == [first["answer_id"]]
    assert by_thumbs["items"][0]["reasons"] == ["onvolledig"]
    by_agent = client.get("/v1/monitor/answers?agent=bob", headers=mona).json()
    assert [i["answer_id"] for i in by_agent["items"]] == [second["answer_id"]]
    today = datetime.now(UTC).date()
    in_period = client.get(f"/v1/monitor/answers?since={today}&until={today}", headers=mona)
    assert in_period.json()["total"] == 2
    yesterday = today - timedelta(days=1)
    assert client.get(f"/v1/monitor/answers?until={yesterday}", headers=mona).json()["total"] == 0
    path = first["path"]
    assert client.get(f"/v1/monitor/answers?path={path}", headers=mona).json()["total"] >= 1
    assert client.get("/v1/monitor/answers?max_support=1.5", headers=mona).status_code == 422

    trace = client.get(f"/v1/monitor/answers/{first['answer_id']}/trace", headers=mona).json()
    assert trace["prompt"] and trace["answer"]["verdicts"] and trace["answer"]["retrieval"]
    assert trace["answer"]["question"] == QUESTION and trace["feedback"][0]["rating"] == "down"
    audit = client.get("/v1/monitor/audit", headers=mona).json()["items"]
    assert audit[0] == {
        **audit[0],
        "actor_id": "mona",
        "action": "view_trace",
        "target_id": first["answer_id"],
    }

    tags = [t["id"] for t in client.get("/v1/tags", headers=mona).json()["tags"]]
    new = next(t for t in tags if t != first["tag"]["tag"])  # type: ignore[index]
    fixed = client.post(
        f"/v1/monitor/answers/{first['answer_id']}/tag", json={"tag": new}, headers=mona
    )
    assert fixed.status_code == 200 and fixed.json()["previous_tag"] == first["tag"]["tag"]  # type: ignore[index]
    assert client.get(f"/v1/monitor/answers?tag={new}", headers=mona).json()["items"][0][
        "tag_corrected"
    ]
    unknown = client.post(
        f"/v1/monitor/answers/{first['answer_id']}/tag", json={"tag": "x"}, headers=mona
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid_input"


def test_replay_over_the_api_is_identical(client: TestClient) -> None:
    answer = ask(client, "anna", QUESTION)
    result = client.post(
        f"/v1/monitor/answers/{answer['answer_id']}/replay", headers=auth(client, "monitor")
    ).json()
    assert result["identical"] and all(result["checks"].values())
    missing = client.post("/v1/monitor/answers/onbekend/replay", headers=auth(client, "monitor"))
    assert missing.status_code == 404


def test_sample_verdicts_kappa_and_export_to_a_test_set(client: TestClient, tmp_path: Path) -> None:
    answers = [ask(client, "anna", q) for q in (QUESTION, OTHER)]
    today = datetime.now(UTC).date().isoformat()
    mona, max_ = auth(client, "monitor"), auth(client, "max")
    drawn = client.post(
        "/v1/monitor/review/sample", json={"since": today, "until": today, "n": 5}, headers=mona
    )
    assert drawn.status_code == 201
    sample = drawn.json()
    assert len(sample["items"]) == 2 and sum(sample["strata"].values()) == 2
    again = client.post(
        "/v1/monitor/review/sample", json={"since": today, "until": today, "n": 5}, headers=mona
    ).json()
    assert (
        again["batch_id"] == sample["batch_id"] and len(again["items"]) == 2
    )  # same draw, no dupes

    item = next(i for i in sample["items"] if i["answer_id"] == answers[0]["answer_id"])
    url = f"/v1/monitor/review/items/{item['item_id']}/verdict"
    no_category = client.post(url, json={"verdict": "onjuist"}, headers=mona)
    assert no_category.status_code == 400 and "foutcategorie" in no_category.json()["message"]
    chunk_id = answers[0]["citations"][0]["chunk_id"]  # type: ignore[index]
    verdict = {
        "verdict": "onjuist",
        "error_category": "verkeerd feit",
        "chunk_id": chunk_id,
        "corrected_answer": "De gemiddelde wachttijd bij BSR was 2,44 minuten.",
    }
    assert client.post(url, json=verdict, headers=mona).status_code == 201
    assert client.post(url, json={"verdict": "juist"}, headers=max_).status_code == 201
    other = next(i for i in sample["items"] if i is not item)
    other_url = f"/v1/monitor/review/items/{other['item_id']}/verdict"
    client.post(
        other_url, json={"verdict": "had moeten weigeren", "error_category": "anders"}, headers=mona
    )
    client.post(
        other_url, json={"verdict": "had moeten weigeren", "error_category": "anders"}, headers=max_
    )
    agreement = client.get(
        f"/v1/monitor/review/agreement?batch_id={sample['batch_id']}", headers=mona
    ).json()
    assert agreement["items_with_two_reviews"] == 2 and agreement["observed_agreement"] == 0.5
    # po = 1/2; pe = P1(weigeren)·P2(weigeren) = 1/2 · 1/2 = 1/4; κ = (1/2 - 1/4) / (3/4) = 1/3
    assert agreement["kappa"] == 0.3333
    open_items = client.get("/v1/monitor/review/items?open=true", headers=mona).json()["items"]
    assert open_items == []

    exported = client.post(
        "/v1/monitor/review/export",
        json={"item_ids": [item["item_id"], other["item_id"]]},
        headers=mona,
    )
    assert exported.status_code == 200, exported.text
    path = tmp_path / "review.jsonl"
    path.write_text(exported.json()["jsonl"], encoding="utf-8")
    cases = load_testset(path)
    assert [c.expected for c in cases] == ["answer", "refuse"]
    assert cases[0].key_facts == ["2,44"] and cases[0].gold_quotes
    passage = client.get(f"/v1/sources/{chunk_id}", headers=mona).json()["text"]
    assert all(" ".join(q.split()) in " ".join(passage.split()) for q in cases[0].gold_quotes)
    unreviewed = client.post(
        "/v1/monitor/review/export", json={"item_ids": ["onbekend"]}, headers=mona
    )
    assert unreviewed.status_code == 404


def test_a_conversation_not_recorded_keeps_only_counters(client: TestClient) -> None:
    store = client.store  # type: ignore[attr-defined]
    before = store.count_answers()
    first = ask(client, "anna", QUESTION, record=False)
    follow = ask(client, "anna", "en over 2025?", conversation_id=first["conversation_id"])
    assert (
        follow["turn"] == 2 and follow["resolved_query"] != "en over 2025?"
    )  # history kept in memory
    assert store.count_answers() == before  # nothing of it is stored
    thumb = client.post(
        f"/v1/answers/{first['answer_id']}/feedback",
        json={"rating": "down", "reason": "onjuist"},
        headers=auth(client, "anna"),
    )
    assert thumb.status_code == 201 and thumb.json()["recorded"] is False
    counters = dict(
        store.db.execute("SELECT name, SUM(value) FROM counters GROUP BY name").fetchall()
    )
    assert (
        counters["answers"] == 2
        and counters["thumbs.down"] == 1
        and counters["reason.onjuist"] == 1
    )

    # Mid-call: what was stored becomes counters and is deleted; later turns are not stored.
    recorded = ask(client, "bob", QUESTION)
    cid = recorded["conversation_id"]
    client.post(
        f"/v1/answers/{recorded['answer_id']}/feedback",
        json={"rating": "up"},
        headers=auth(client, "bob"),
    )
    stop = client.post(f"/v1/conversations/{cid}/no-record", headers=auth(client, "bob"))
    assert stop.json() == {"conversation_id": cid, "recorded": False, "deleted_answers": 1}
    assert (
        client.post(f"/v1/conversations/{cid}/no-record", headers=auth(client, "anna")).status_code
        == 403
    )
    later = ask(client, "bob", "en over 2025?", conversation_id=cid)
    assert later["turn"] == 2
    assert store.count_answers() == before
    counters = dict(
        store.db.execute("SELECT name, SUM(value) FROM counters GROUP BY name").fetchall()
    )
    assert counters["answers"] == 4 and counters["thumbs.up"] == 1
    listed = client.get("/v1/monitor/answers", headers=auth(client, "monitor")).json()
    assert listed["total"] == 0
    assert json.dumps(store.db.execute("SELECT * FROM counters").fetchall()).count("BSR") == 0


def test_monitor_views_are_audited_and_unrecorded_calls_get_no_confirmation(
    client: TestClient,
) -> None:
    answer = ask(client, "anna", QUESTION)
    cid = answer["conversation_id"]
    assert (
        client.get(f"/v1/conversations/{cid}", headers=auth(client, "monitor")).status_code == 200
    )
    assert client.get(f"/v1/conversations/{cid}", headers=auth(client, "anna")).status_code == 200
    entries = client.get("/v1/monitor/audit", headers=auth(client, "monitor")).json()["items"]
    views = [e for e in entries if e["action"] == "view_conversation"]
    assert [(e["actor_id"], e["role"], e["target_id"]) for e in views] == [("mona", "monitor", cid)]

    unrecorded = ask(client, "anna", QUESTION, record=False)
    draft = client.post(
        f"/v1/conversations/{unrecorded['conversation_id']}/confirmation",
        headers=auth(client, "anna"),
    )
    assert draft.status_code == 409 and "niet bewaard" in draft.json()["message"]
