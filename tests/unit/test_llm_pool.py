"""Several OpenAI-compatible LLM servers: round-robin, health checks and cool-down, failover,
bounded waits, the gate's size and API workers that hold no model. Fake servers are
httpx.MockTransport handlers on a controlled clock; the all-down test uses real sockets."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from belbot.answering.factory import create_answer_service
from belbot.answering.http_backend import OpenAICompatibleGenerator, PoolOptions
from belbot.answering.service import UNAVAILABLE_REASON
from belbot.answering.types import GenerationParams
from belbot.api.app import create_app
from belbot.api.gate import ModelGate, OverloadedError, model_slots
from belbot.api.local_server import free_port
from belbot.embedding.fake import FakeEmbedder
from belbot.errors import ModelUnavailableError
from belbot.index.builder import IndexBuilder
from belbot.settings import LLMSettings, Settings

from .conftest import auth

pytestmark = pytest.mark.unit

PARAMS = GenerationParams(max_tokens=8)
QUESTION = "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"


class Clock:
    """Monotonic time that a test can move forward (cool-downs, first-token waits)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def sse(*texts: str) -> bytes:
    lines = [f"data: {json.dumps({'choices': [{'text': t}]})}\n\n" for t in texts]
    return ("".join(lines) + "data: [DONE]\n\n").encode()


Behaviour = Callable[[httpx.Request], httpx.Response]


def answers(text: str) -> Behaviour:
    return lambda request: httpx.Response(200, content=sse(text))


def status(code: int) -> Behaviour:
    return lambda request: httpx.Response(code, text="kapot")


def refuses(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def times_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


class FakeServers:
    """Hosts a, b, c... each with a behaviour for completions and one for /health; every
    request is recorded as 'host path'."""

    def __init__(self, **completions: Behaviour) -> None:
        self.completions = dict(completions)
        self.health: dict[str, Behaviour] = {}
        self.calls: list[str] = []

    def urls(self) -> list[str]:
        return [f"http://{host}:8081" for host in self.completions]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.calls.append(f"{host} {request.url.path}")
        if request.url.path == "/health":
            return self.health.get(host, lambda r: httpx.Response(200))(request)
        return self.completions[host](request)

    def posts(self) -> list[str]:
        return [call.split()[0] for call in self.calls if call.endswith("/v1/completions")]

    def generator(self, clock: Clock, timeout_s: float = 30.0, **options: Any) -> Any:
        generator = OpenAICompatibleGenerator(
            self.urls(),
            "local",
            timeout_s=timeout_s,
            options=PoolOptions(**{"cooldown_s": 10.0, **options}),
            transport=httpx.MockTransport(self),
            clock=clock,
        )
        generator.warm_up()
        self.calls.clear()  # the start-up probes
        return generator


def test_requests_go_round_robin() -> None:
    servers = FakeServers(a=answers(" A"), b=answers(" B"), c=answers(" C"))
    generator = servers.generator(Clock())
    texts = [generator.generate("p", PARAMS).text for _ in range(6)]
    assert texts == [" A", " B", " C", " A", " B", " C"]
    assert servers.posts() == ["a", "b", "c", "a", "b", "c"]


def test_a_5xx_fails_over_and_the_server_is_skipped_during_its_cooldown() -> None:
    servers = FakeServers(a=status(500), b=answers(" B"))
    generator = servers.generator(Clock())
    assert generator.generate("p", PARAMS).text == " B"
    assert servers.posts() == ["a", "b"]
    servers.calls.clear()
    assert [generator.generate("p", PARAMS).text for _ in range(3)] == [" B"] * 3
    assert servers.posts() == ["b", "b", "b"]  # a is cooling down: not even probed
    assert generator.pool.healthy() == ["http://b:8081"]


def test_a_timeout_or_refused_connection_fails_over() -> None:
    servers = FakeServers(a=times_out, b=refuses, c=answers(" C"))
    generator = servers.generator(Clock())
    assert generator.generate("p", PARAMS).text == " C"
    assert servers.posts() == ["a", "b", "c"]


def test_a_server_that_sends_no_first_token_in_time_fails_over() -> None:
    clock = Clock()

    def queued(request: httpx.Request) -> httpx.Response:
        def pings() -> Iterator[bytes]:
            for _ in range(3):  # keep-alive comments while the request waits its turn
                clock.advance(4.0)
                yield b": ping\n\n"
            yield sse(" te laat")

        return httpx.Response(200, content=pings())

    servers = FakeServers(a=queued, b=answers(" B"))
    generator = servers.generator(clock, read_timeout_s=10.0)
    assert generator.generate("p", PARAMS).text == " B"
    assert servers.posts() == ["a", "b"]


def test_a_server_comes_back_after_its_cooldown_once_its_health_check_passes() -> None:
    clock = Clock()
    servers = FakeServers(a=refuses, b=answers(" B"))
    generator = servers.generator(clock)
    generator.generate("p", PARAMS)  # a fails: cooling down
    servers.completions["a"] = answers(" A")
    servers.health["a"] = refuses
    clock.advance(11)
    servers.calls.clear()
    texts = [generator.generate("p", PARAMS).text for _ in range(2)]
    # The probe failed: a cools down again and b answers both.
    assert texts == [" B", " B"] and servers.calls.count("a /health") == 1
    servers.health.pop("a")
    clock.advance(11)
    servers.calls.clear()
    texts = [generator.generate("p", PARAMS).text for _ in range(4)]
    assert sorted(texts) == [" A", " A", " B", " B"]
    assert servers.calls.count("a /health") == 1 and generator.pool.healthy() == [
        "http://a:8081",
        "http://b:8081",
    ]


def test_a_failure_after_the_first_token_is_not_retried_elsewhere() -> None:
    def breaks(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            yield b'data: {"choices": [{"text": " half"}]}\n\n'
            raise httpx.ReadError("connection reset")

        return httpx.Response(200, content=body())

    servers = FakeServers(a=breaks, b=answers(" B"))
    generator = servers.generator(Clock())
    pieces: list[str] = []
    with pytest.raises(ModelUnavailableError):
        for piece in generator.stream("p", PARAMS):  # the agent has seen a draft already
            pieces.append(piece)
    assert pieces == [" half"] and servers.posts() == ["a"]
    assert generator.pool.healthy() == ["http://b:8081"]


def test_a_refused_request_is_not_a_broken_server() -> None:
    servers = FakeServers(a=status(400), b=answers(" B"))
    generator = servers.generator(Clock())
    with pytest.raises(ModelUnavailableError, match="400"):
        generator.generate("p", PARAMS)
    assert servers.posts() == ["a"] and len(generator.pool.healthy()) == 2


def test_all_servers_down_fails_at_once_without_calling_them() -> None:
    servers = FakeServers(a=refuses, b=status(503))
    generator = servers.generator(Clock())
    with pytest.raises(ModelUnavailableError):
        generator.generate("p", PARAMS)
    servers.calls.clear()
    started = time.perf_counter()
    with pytest.raises(ModelUnavailableError, match="Geen taalmodelserver bereikbaar"):
        generator.generate("p", PARAMS)
    assert servers.calls == [] and time.perf_counter() - started < 0.05


def test_a_busy_server_is_skipped_and_all_busy_fails_after_the_slot_wait() -> None:
    servers = FakeServers(a=answers(" A"), b=answers(" B"))
    generator = servers.generator(Clock(), slot_wait_s=0.2)
    pool = generator.pool
    held_a = pool.acquire(pool.order(), set(), time.monotonic() + 1)  # a is answering
    assert held_a is not None and held_a.url == "http://a:8081"
    assert generator.generate("p", PARAMS).text == " B"  # its turn was a's: b takes it
    held_b = pool.acquire(pool.order(), set(), time.monotonic() + 1)
    assert held_b is not None
    started = time.perf_counter()
    with pytest.raises(ModelUnavailableError, match="bezet"):
        generator.generate("p", PARAMS)
    assert 0.15 < time.perf_counter() - started < 1.0
    # A slot coming free while a request waits is taken at once.
    threading.Timer(0.05, pool.release, args=(held_a,)).start()
    assert generator.generate("p", PARAMS).text == " A"
    pool.release(held_b)


class _Stalling(BaseHTTPRequestHandler):
    """Health checks pass; completions never produce a token: ``hang`` sends nothing,
    ``ping`` sends the SSE keep-alive comments a queued llama_cpp.server request gets."""

    mode = "hang"
    release = threading.Event()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_POST(self) -> None:
        if self.mode == "ping":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            while not self.release.wait(0.05):
                self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        self.release.wait(10)

    def log_message(self, *args: object) -> None:
        return None


@contextmanager
def stalling_server(mode: str) -> Iterator[str]:
    handler = type("Handler", (_Stalling,), {"mode": mode, "release": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        handler.release.set()
        server.shutdown()
        server.server_close()


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def _over_http(settings: Settings, urls: list[str], **llm: Any) -> Settings:
    return settings.model_copy(
        update={
            "llm": settings.llm.model_copy(
                update={"backend": "openai-compatible", "server_urls": urls, **llm}
            )
        }
    )


def test_all_servers_down_or_stalled_gives_the_flagged_extractive_answer_in_time(
    fake_stack_settings: Settings,
) -> None:
    with stalling_server("hang") as hung:
        settings = _over_http(
            fake_stack_settings, [dead_url(), hung, dead_url()], timeout_s=3.0, read_timeout_s=0.5
        )
        IndexBuilder(settings, FakeEmbedder()).build()
        service = create_answer_service(settings)
        service.warm_up()  # probes: the two dead servers cool down, the hung one passes
        started = time.perf_counter()
        first = service.ask(QUESTION, use_cache=False)
        took = time.perf_counter() - started
        assert first.path == "extractive" and first.path_reason == UNAVAILABLE_REASON
        assert "2,44" in first.text and first.citations
        assert 0.5 <= took < 1.5  # one read timeout on the hung server, nothing else
        started = time.perf_counter()  # now all three cool down: no waiting at all
        second = service.ask(QUESTION + " Graag kort.", use_cache=False)
        assert second.path_reason == UNAVAILABLE_REASON
        assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("read_timeout_s", "timeout_s"), [(0.4, 5.0), (5.0, 0.6)])
def test_keep_alive_pings_do_not_stretch_the_wait_for_a_first_token(
    read_timeout_s: float, timeout_s: float
) -> None:
    """A queued request gets pings but no token: the first-token wait or the overall
    deadline ends it, whichever comes first."""
    with stalling_server("ping") as queued:
        generator = OpenAICompatibleGenerator(
            [queued],
            "local",
            timeout_s=timeout_s,
            options=PoolOptions(read_timeout_s=read_timeout_s),
        )
        started = time.perf_counter()
        with pytest.raises(ModelUnavailableError):
            generator.generate("p", PARAMS)
        limit = min(read_timeout_s, timeout_s)
        assert limit <= time.perf_counter() - started < limit + 0.5


def test_a_wait_cut_short_by_the_deadline_does_not_mark_the_server_down() -> None:
    with stalling_server("hang") as slow:
        generator = OpenAICompatibleGenerator(
            [slow], "local", timeout_s=0.5, options=PoolOptions(read_timeout_s=5.0)
        )
        started = time.perf_counter()
        with pytest.raises(ModelUnavailableError, match="niet op tijd"):
            generator.generate("p", PARAMS)
        assert time.perf_counter() - started < 1.0
        assert generator.pool.healthy() == [slow]


def test_the_gate_admits_as_many_model_calls_as_there_are_server_slots(
    fake_settings: Settings,
) -> None:
    assert model_slots(fake_settings) == 1  # one in-process model
    two = _over_http(fake_settings, ["http://a:1", "http://b:1"], server_parallel=3)
    assert model_slots(two) == 6
    assert model_slots(_over_http(fake_settings, [])) == 1  # server_url alone
    pinned = two.model_copy(update={"api": two.api.model_copy(update={"llm_concurrency": 4})})
    assert model_slots(pinned) == 4

    gate = ModelGate(max_queue=0, timeout_s=0.2, slots=2)
    with gate.hold(), gate.hold():
        assert gate.waiting == 2
        with pytest.raises(OverloadedError), gate.hold():
            pass
    with gate.hold():
        pass


def test_server_url_stays_a_one_element_list(monkeypatch: pytest.MonkeyPatch) -> None:
    assert LLMSettings(server_url="http://x:1").urls == ["http://x:1"]
    monkeypatch.setenv("BELBOT_LLM__SERVER_URLS", '["http://a:1", "http://b:2"]')
    assert Settings().llm.urls == ["http://a:1", "http://b:2"]


def test_api_workers_over_http_servers_hold_no_model(
    fake_stack_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_llama(*args: object, **kwargs: object) -> None:
        raise AssertionError("the in-process model must not be constructed")

    monkeypatch.setattr("belbot.answering.llama_backend.LlamaCppGenerator.__init__", no_llama)
    monkeypatch.setattr("belbot.answering.llama_backend.load_llama", no_llama)
    urls = [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]
    settings = _over_http(fake_stack_settings, urls)
    IndexBuilder(settings, FakeEmbedder()).build()
    app = create_app(settings)
    assert app.state.gate.slots == 2
    with TestClient(app) as client:
        client.keys = {"anna": app.state.store.add_api_key("agent", "anna")}  # type: ignore[attr-defined]
        response = client.post("/v1/ask", json={"question": QUESTION}, headers=auth(client))
    assert response.status_code == 200
    assert response.json()["path_reason"] == UNAVAILABLE_REASON
    assert response.json()["model"]["backend"] == "openai-compatible"


def test_the_worker_factory_reads_settings_as_the_cli_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from belbot.api.asgi import create_app_from_env

    config = tmp_path / "belbot.toml"
    config.write_text('[llm]\nbackend = "openai-compatible"\nserver_parallel = 2\n')
    monkeypatch.setenv("BELBOT_CONFIG_FILE", str(config))
    monkeypatch.setenv("BELBOT_LLM__SERVER_URLS", '["http://a:1", "http://b:1", "http://c:1"]')
    app = create_app_from_env()
    assert app.state.settings.llm.backend == "openai-compatible"
    assert app.state.gate.slots == 6


def test_llm_serve_gives_every_request_a_fresh_context() -> None:
    from belbot.cli.llm_cmd import _fresh_context_per_request

    class Model:
        def __init__(self) -> None:
            self.calls: list[str] = []

        def reset(self) -> None:
            self.calls.append("reset")

        def create_completion(self, prompt: str, **kwargs: object) -> str:
            self.calls.append(prompt)
            return "ok"

    model = Model()
    _fresh_context_per_request(model)
    assert model.create_completion("a") == "ok" and model.create_completion("b") == "ok"
    assert model.calls == ["reset", "a", "reset", "b"]


def test_llm_serve_refuses_a_missing_gguf(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from belbot.cli.app import app

    result = CliRunner().invoke(app, ["llm-serve", "--gguf", str(tmp_path / "geen.gguf")])
    assert result.exit_code == 1 and "niet gevonden" in result.output


def test_serve_with_workers_hands_the_config_file_to_the_worker_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from belbot.cli.app import app

    config, other = tmp_path / "belbot.toml", tmp_path / "other.toml"
    config.write_text('[llm]\nbackend = "fake"\n')
    other.write_text("")
    monkeypatch.setenv("BELBOT_CONFIG_FILE", str(other))  # restored after the test
    calls: list[tuple[object, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))

    runner = CliRunner()
    result = runner.invoke(app, ["--config", str(config), "serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    target, options = calls.pop()
    assert target == "belbot.api.asgi:create_app_from_env"
    assert options["factory"] is True and options["workers"] == 2
    assert Path(os.environ["BELBOT_CONFIG_FILE"]) == config.resolve()
    assert (tmp_path / "data" / "belbot.db").is_file()  # migrated once, before the workers

    assert runner.invoke(app, ["serve", "--port", "8123"]).exit_code == 0
    target, options = calls.pop()  # one process: today's in-process app
    assert not isinstance(target, str) and options["port"] == 8123 and "workers" not in options
