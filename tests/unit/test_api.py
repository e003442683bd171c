"""The HTTP API with the deterministic fakes behind it: contract, access, errors, feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from belbot.answering.factory import create_answer_service
from belbot.api.app import create_app
from belbot.embedding.fake import FakeEmbedder
from belbot.index.builder import IndexBuilder
from belbot.settings import Settings

from .conftest import auth

pytestmark = pytest.mark.unit

QUESTION = "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"


@pytest.fixture
def client(api_client: TestClient) -> TestClient:
    return api_client


def test_ask_returns_the_full_answer(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": QUESTION}, headers=auth(client, "anna"))
    assert response.status_code == 200
    answer = response.json()
    assert "2,44" in answer["text"] and answer["citations"] and answer["index_version"]
    follow = client.post(
        "/v1/ask",
        json={"question": "en over 2025?", "conversation_id": answer["conversation_id"]},
        headers=auth(client, "anna"),
    ).json()
    assert follow["turn"] == 2


def test_stream_ends_with_the_verified_answer(client: TestClient) -> None:
    with client.stream(
        "POST", "/v1/ask/stream", json={"question": QUESTION}, headers=auth(client, "anna")
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = "".join(response.iter_text())
    events = [block for block in raw.split("\n\n") if block.strip()]
    kinds = [block.split("\n")[0].removeprefix("event: ") for block in events]
    assert kinds[0] == "token" and kinds[-1] == "answer"
    final = json.loads(events[-1].split("\n")[1].removeprefix("data: "))
    assert final["citations"] and "2,44" in final["text"]


def test_agents_see_only_their_own_conversations(client: TestClient) -> None:
    answer = client.post(
        "/v1/ask", json={"question": QUESTION}, headers=auth(client, "anna")
    ).json()
    cid, aid = answer["conversation_id"], answer["answer_id"]
    assert client.get(f"/v1/conversations/{cid}", headers=auth(client, "anna")).status_code == 200
    # Another agent's conversation is forbidden (403); an unknown one is not found (404).
    other = client.get(f"/v1/conversations/{cid}", headers=auth(client, "bob"))
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
    assert client.get(f"/v1/answers/{aid}", headers=auth(client, "bob")).status_code == 403
    assert client.get("/v1/conversations/onbekend", headers=auth(client, "bob")).status_code == 404
    assert client.get(f"/v1/answers/{aid}", headers=auth(client, "monitor")).status_code == 200
    assert [
        c["id"] for c in client.get("/v1/conversations", headers=auth(client, "bob")).json()
    ] == []
    everyone = client.get("/v1/conversations", headers=auth(client, "monitor")).json()
    assert cid in [c["id"] for c in everyone]
    bob_continues = client.post(
        "/v1/ask",
        json={"question": "en 2025?", "conversation_id": cid},
        headers=auth(client, "bob"),
    )
    assert bob_continues.status_code == 403


def test_feedback_one_current_verdict_with_history(client: TestClient) -> None:
    aid = client.post("/v1/ask", json={"question": QUESTION}, headers=auth(client, "anna")).json()[
        "answer_id"
    ]
    url = f"/v1/answers/{aid}/feedback"
    assert client.post(url, json={"rating": "up"}, headers=auth(client, "anna")).status_code == 201
    no_reason = client.post(url, json={"rating": "down"}, headers=auth(client, "anna"))
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "invalid_input"
    changed = client.post(
        url, json={"rating": "down", "reason": "onvolledig", "comment": "mist 2025"},
        headers=auth(client, "anna"),
    )  # fmt: skip
    assert changed.status_code == 201
    current = changed.json()["feedback"]
    assert len(current) == 1 and current[0]["rating"] == "down"
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.count_feedback() == 2
    bad_reason = client.post(
        url, json={"rating": "down", "reason": "stom"}, headers=auth(client, "anna")
    )
    assert bad_reason.status_code == 422
    summary = client.get("/v1/feedback/summary", headers=auth(client, "monitor")).json()
    assert summary[0]["down"] == 1 and summary[0]["reasons"] == {"onvolledig": 1}
    assert client.get("/v1/feedback/summary", headers=auth(client, "anna")).status_code == 403


def test_sources_and_events(client: TestClient) -> None:
    answer = client.post(
        "/v1/ask", json={"question": QUESTION}, headers=auth(client, "anna")
    ).json()
    chunk_id = answer["citations"][0]["chunk_id"]
    source = client.get(f"/v1/sources/{chunk_id}", headers=auth(client, "anna")).json()
    assert source["text"] and source["title"] and "before" in source and "after" in source
    assert client.get("/v1/sources/onbekend", headers=auth(client, "anna")).status_code == 404
    for kind in ("answer_shown", "source_opened", "answer_copied", "conversation_ended"):
        response = client.post(
            "/v1/events",
            json={"kind": kind, "conversation_id": answer["conversation_id"],
                  "answer_id": answer["answer_id"], "chunk_id": chunk_id},
            headers=auth(client, "anna"),
        )  # fmt: skip
        assert response.status_code == 201
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 4
    assert store.conversations("anna")[0]["ended_at"]


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"json": {"question": ""}}, 422, "invalid_input"),
        ({"json": {"question": "x" * 2001}}, 422, "invalid_input"),
        ({"json": {"vraag": "wat?"}}, 422, "invalid_input"),
        ({"content": b"{niet: json", "headers_extra": {"Content-Type": "application/json"}}, 422,
         "invalid_input"),
        ({"json": {"question": "   "}}, 400, "invalid_input"),
        ({"json": {"question": QUESTION, "conversation_id": "onbekend"}}, 404, "not_found"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_dutch_json_error(
    client: TestClient, request_kwargs: dict[str, object], status: int, code: str
) -> None:
    headers = {**auth(client, "anna"), **request_kwargs.pop("headers_extra", {})}  # type: ignore[dict-item]
    response = client.post("/v1/ask", headers=headers, **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and body["message"]


def test_keys_are_required_and_checked(client: TestClient) -> None:
    assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 401
    wrong = client.post(
        "/v1/ask", json={"question": QUESTION}, headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "unauthorized"
    assert client.post("/v1/admin/reingest", headers=auth(client, "monitor")).status_code == 403
    store = client.app.state.store  # type: ignore[attr-defined]
    hashes = [row[0] for row in store.db.execute("SELECT key_hash FROM api_keys")]
    assert client.keys["anna"] not in hashes and len(hashes[0]) == 64  # type: ignore[attr-defined]


def test_health_readiness_metrics_and_the_panel(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["index_version"] and ready["policy_version"]
    client.post("/v1/ask", json={"question": QUESTION}, headers=auth(client, "anna"))
    metrics = client.get("/metrics").text
    assert "belbot_answers_total" in metrics and "belbot_request_seconds_bucket" in metrics
    page = client.get("/")
    assert page.status_code == 200 and "BelBot" in page.text and "app.js" in page.text
    assert client.get("/app.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "BelBot API"


def test_overload_is_a_clear_503(client: TestClient) -> None:
    gate = client.app.state.gate  # type: ignore[attr-defined]
    gate._waiting = gate._max_queue + 1  # the queue is full
    response = client.post("/v1/ask", json={"question": QUESTION}, headers=auth(client, "anna"))
    gate._waiting = 0
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json()["code"] == "overloaded"


def test_production_mode_refuses_the_development_key(
    store_engine: str, fake_stack_settings: Settings
) -> None:
    from belbot.errors import ConfigError

    IndexBuilder(fake_stack_settings, FakeEmbedder()).build()
    settings = fake_stack_settings.model_copy(
        update={"api": fake_stack_settings.api.model_copy(update={"production": True})}
    )
    app = create_app(settings, create_answer_service(settings))
    with pytest.raises(ConfigError), TestClient(app):
        pass


def test_admin_reingest_switches_the_running_service(
    store_engine: str, fake_stack_settings: Settings, small_corpus: Path
) -> None:
    settings = fake_stack_settings
    IndexBuilder(settings, FakeEmbedder()).build()
    app = create_app(settings, create_answer_service(settings))
    with TestClient(app) as client:
        admin = {"Authorization": f"Bearer {app.state.store.add_api_key('admin', 'beheer')}"}
        before = client.get("/readyz").json()["index_version"]
        (small_corpus / "nieuw.md").write_text(
            "# Nieuw\n\nDe loketten sluiten om 17 uur.\n", "utf-8"
        )
        report = client.post("/v1/admin/reingest", headers=admin).json()
        assert report["changed"] and report["documents"] == 3
        after = client.get("/readyz").json()["index_version"]
        assert after == report["version_id"] != before
