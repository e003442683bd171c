"""The caller's written confirmation through the API on the fake stack: points only for shown,
non-rejected answers, each with its source; edits checked; approval immutable; corrections are
new versions; text and PDF output; no personal data."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from belbot.confirmation.draft import topic_line

from .conftest import auth

pytestmark = pytest.mark.unit

WAIT = "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"
REFUSED = "Wat is het btw-tarief op fietsreparaties?"


@pytest.fixture
def client(api_client: TestClient) -> TestClient:
    return api_client


def ask(client: TestClient, question: str, conversation_id: str | None = None) -> dict:  # type: ignore[type-arg]
    body = {"question": question, "conversation_id": conversation_id}
    response = client.post("/v1/ask", json=body, headers=auth(client))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def conversation(client: TestClient) -> tuple[str, list[dict]]:  # type: ignore[type-arg]
    first = ask(client, "Klant met bsn 111222333 vraagt: " + WAIT)
    cid = first["conversation_id"]
    return cid, [first, ask(client, REFUSED, cid)]


def draft(client: TestClient, cid: str) -> dict:  # type: ignore[type-arg]
    response = client.post(f"/v1/conversations/{cid}/confirmation", headers=auth(client))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_draft_has_a_point_per_answer_with_its_source_and_none_for_a_refusal(
    client: TestClient,
) -> None:
    cid, answers = conversation(client)
    assert answers[0]["path"] != "refused" and answers[1]["path"] == "refused"
    confirmation = draft(client, cid)
    assert len(confirmation["points"]) == 1
    point = confirmation["points"][0]
    assert point["answer_id"] == answers[0]["answer_id"] and "2,44" in point["text"]
    assert point["topic"] == WAIT  # lead-in and the placeholder are gone
    note = confirmation["notes"][0]
    assert point["notes"] == [1] and "2,44" in note["quote"] and note["title"]
    assert [o["reason"] for o in confirmation["omitted"]] == [
        "niet opgenomen: geen antwoord uit de kennisbank"
    ]
    text = confirmation["draft_text"]
    assert "[NAAM]" in text and "[ADRES]" in text and "Bronnen" in text
    assert "111222333" not in str(confirmation) and "[BSN]" not in text
    assert "geen besluit over uw eigen situatie" in text
    assert confirmation["reference"].startswith("BT-") and confirmation["version"] == 1


def test_thumbs_down_and_unseen_answers_are_left_out(client: TestClient) -> None:
    cid, answers = conversation(client)
    answer_id = answers[0]["answer_id"]
    down = {"rating": "down", "reason": "onjuist"}
    client.post(f"/v1/answers/{answer_id}/feedback", json=down, headers=auth(client))
    reasons = [o["reason"] for o in draft(client, cid)["omitted"]]
    assert "niet opgenomen: afgewezen met duim omlaag" in reasons
    # With display events reported, an answer never shown is not confirmed either.
    cid2, answers2 = conversation(client)
    event = {"kind": "answer_shown", "conversation_id": cid2, "answer_id": answers2[1]["answer_id"]}
    client.post("/v1/events", json=event, headers=auth(client))
    reasons2 = [o["reason"] for o in draft(client, cid2)["omitted"]]
    assert "niet opgenomen: niet getoond aan de medewerker" in reasons2


def test_edits_are_checked_and_approval_is_final(client: TestClient) -> None:
    cid, _ = conversation(client)
    confirmation = draft(client, cid)
    cid_url = f"/v1/confirmations/{confirmation['confirmation_id']}"
    edited = confirmation["draft_text"].replace(
        "Bronnen", "U krijgt volgend jaar 500 euro terug.\n\nBronnen"
    )
    check = client.post(f"{cid_url}/check", json={"text": edited}, headers=auth(client)).json()
    assert check["unsupported"] == ["U krijgt volgend jaar 500 euro terug."]
    unchanged = client.post(
        f"{cid_url}/check", json={"text": confirmation["draft_text"]}, headers=auth(client)
    ).json()
    assert unchanged["unsupported"] == [] and unchanged["checked"] >= 1
    approved = client.post(f"{cid_url}/approve", json={"text": edited}, headers=auth(client))
    assert approved.status_code == 200
    record = approved.json()
    assert record["status"] == "approved" and record["final_text"] == edited
    assert "+U krijgt volgend jaar 500 euro terug." in record["diff"]
    assert record["unsupported_in_final"] == ["U krijgt volgend jaar 500 euro terug."]
    assert record["seconds_to_approve"] >= 0
    again = client.post(f"{cid_url}/approve", json={"text": "anders"}, headers=auth(client))
    assert again.status_code == 409 and again.json()["code"] == "confirmation_conflict"
    assert client.get(cid_url, headers=auth(client)).json()["final_text"] == edited
    correction = client.post(f"{cid_url}/correction", headers=auth(client))
    assert correction.status_code == 201
    assert correction.json()["version"] == 2 and correction.json()["draft_text"] == edited
    versions = client.get(f"/v1/conversations/{cid}/confirmations", headers=auth(client)).json()
    assert [v["status"] for v in versions] == ["approved", "draft"]


def test_text_and_pdf_downloads(client: TestClient) -> None:
    cid, _ = conversation(client)
    confirmation = draft(client, cid)
    url = f"/v1/confirmations/{confirmation['confirmation_id']}"
    text = client.get(f"{url}/text", headers=auth(client))
    assert text.headers["content-type"].startswith("text/plain") and "2,44" in text.text
    pdf = client.get(f"{url}/pdf", headers=auth(client))
    assert pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    page = reader.pages[0]
    assert page.mediabox.width == pytest.approx(595.28, abs=1)  # A4
    extracted = " ".join(p.extract_text() for p in reader.pages)
    assert "Bevestiging van uw gesprek" in extracted and "2,44" in extracted
    assert confirmation["reference"] in extracted


def test_errors_are_clear(client: TestClient) -> None:
    empty = client.post("/v1/conversations/nope/confirmation", headers=auth(client))
    assert empty.status_code == 404 and empty.json()["code"] == "not_found"
    cid, _ = conversation(client)
    other = client.post(
        f"/v1/conversations/{cid}/confirmation", headers=auth(client, "bob")
    )  # not bob's conversation
    assert other.status_code == 403
    missing = client.get("/v1/confirmations/onbekend", headers=auth(client))
    assert missing.status_code == 404 and missing.json()["code"] == "confirmation_not_found"
    confirmation = draft(client, cid)
    blank = client.post(
        f"/v1/confirmations/{confirmation['confirmation_id']}/approve",
        json={"text": ""},
        headers=auth(client),
    )
    assert blank.status_code == 422 and blank.json()["code"] == "invalid_input"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Klant met [BSN] vraagt: hoe lang is de wachttijd?", "Hoe lang is de wachttijd?"),
        ("beller wil weten wat de KPI is", "Wat de KPI is"),
        ("Wat is de wachttijd [NAAM]?", "Wat is de wachttijd?"),
    ],
)
def test_topic_line(question: str, topic: str) -> None:
    assert topic_line(question) == topic
