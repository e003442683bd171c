"""The `belbot` command on the real stack, as an agent or analyst runs it, including a
build killed halfway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from belbot.index.store import current_version_id, load_index
from belbot.settings import PROJECT_ROOT

from ..conftest import CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _env(data_dir: Path, corpus: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BELBOT_PATHS__DATA_DIR=str(data_dir),
        BELBOT_PATHS__CORPUS_DIR=str(corpus),
        BELBOT_PATHS__PROVENANCE_FILE=str(corpus / "provenance.json"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _belbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "belbot.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_ROOT,
    )


def test_ingest_search_and_eval(tmp_path: Path, small_corpus: Path) -> None:
    env = _env(tmp_path / "data", small_corpus)
    first = _belbot("ingest", env=env)
    assert first.returncode == 0, first.stderr
    assert "2 documenten" in first.stdout and "bijgewerkt" in first.stdout
    assert "ingest.done" in first.stderr  # structured JSON log event
    again = _belbot("ingest", env=env)
    assert again.returncode == 0 and "al actueel" in again.stdout and "0 ingebed" in again.stdout

    found = _belbot(
        "search", "hoe lang wacht je gemiddeld aan de telefoon bij BSR", "-k", "3", env=env
    )
    assert found.returncode == 0, found.stderr
    assert "Resultaten KPI" in found.stdout and "wachttijd" in found.stdout

    testset = tmp_path / "mini.jsonl"
    testset.write_text(
        json.dumps(
            {
                "id": "m1",
                "question": "gemiddelde telefonische wachttijd BSR 2024",
                "expected": "2,44 minuten",
                "gold_quotes": ["Gemiddelde telefonische wachttijd over 2024 was 2,44 min."],
                "source": "000_f3d06f99e03346db.txt",
                "key_facts": ["2,44 min"],
                "set": "in_distribution",
            }
        )
        + "\n"
    )
    report = tmp_path / "report.json"
    evaluated = _belbot(
        "eval", "retrieval", "--testset", str(testset), "--json", str(report), env=env
    )
    assert evaluated.returncode == 0, evaluated.stderr
    figures = json.loads(report.read_text())["results"]
    assert set(figures) == {"dense", "bm25", "hybrid"}
    assert figures["hybrid"]["all"]["recall_at_5"] == 1.0


def test_bad_input_gets_a_clear_error(tmp_path: Path, small_corpus: Path) -> None:
    env = _env(tmp_path / "data", small_corpus)
    no_index = _belbot("search", "wachttijd", env=env)
    assert no_index.returncode == 1 and "belbot ingest" in no_index.stderr
    assert "Traceback" not in no_index.stderr
    assert _belbot("ingest", env=env).returncode == 0
    empty = _belbot("search", "   ", env=env)
    assert empty.returncode == 2 and "leeg" in empty.stderr
    missing = _belbot("eval", "retrieval", "--testset", str(tmp_path / "nope.jsonl"), env=env)
    assert missing.returncode == 2 and "niet gevonden" in missing.stderr


def test_killed_build_leaves_the_previous_index_answering(
    tmp_path: Path, small_corpus: Path
) -> None:
    data_dir = tmp_path / "data"
    env = _env(data_dir, small_corpus)
    assert _belbot("ingest", env=env).returncode == 0
    index_dir = data_dir / "index"
    before = current_version_id(index_dir)
    # A large new document: its embedding takes long enough to be killed halfway.
    (small_corpus / "004_62644fe5224410d0.txt").write_bytes(
        (CORPUS / "004_62644fe5224410d0.txt").read_bytes()
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "belbot.cli", "ingest"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if "ingest.embedding" in line or time.monotonic() > deadline:
            break
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert current_version_id(index_dir) == before
    assert len(load_index(index_dir).documents) == 2
    found = _belbot("search", "telefonische wachttijd", env=env)
    assert found.returncode == 0 and "wachttijd" in found.stdout
    # The next build completes and takes over.
    rebuilt = _belbot("ingest", env=env)
    assert rebuilt.returncode == 0 and "3 documenten" in rebuilt.stdout
    assert current_version_id(index_dir) != before
    assert not list((index_dir / "versions").glob(".tmp-*"))
