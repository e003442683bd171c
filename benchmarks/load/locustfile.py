"""Locust model of BelastingTelefoon agents using BelBot's side panel (headless load test).

Started by `benchmarks/load/run_load.py`; by hand:

    .venv/bin/locust -f benchmarks/load/locustfile.py --headless -u 50 -r 5 -t 5m \
        --host http://127.0.0.1:8000 --keys-file keys.json --summary-json summary.json

Each simulated agent takes calls, one after another. A call has 1-4 questions (mean 2.05);
the caller talks 20-60 s before each question and 20-60 s after the last answer, then the
agent may draft the written confirmation (POST /v1/conversations/{id}/confirmation), ends the
conversation (event `conversation_ended`) and waits 10-30 s for the next call. Every answer
is reported as shown (`answer_shown`); some get a source opened (GET /v1/sources/{chunk} and
`source_opened`) and some a thumb (thumbs down with a reason from the API's fixed list).

All waits are multiplied by ``--time-scale`` (0.1: a question every 2-6 s during a call), so a
run can compress hours of agent behaviour into minutes; the summary reports the question rate
per agent that was really offered. Questions come from the evaluation sets
(eval/testsets/retrieval.jsonl + unanswerable.jsonl) with a Zipf-like popularity (rank r has
weight 1/r^s over a seeded shuffle), so popular questions repeat and reach the answer cache.

A 503 (the service's overload answer) is retried after its Retry-After (scaled, at least
0.5 s), at most ``--max-retries`` times; the agent-level `/v1/ask` entry (request type ASK)
measures the whole wait, retries included. The summary JSON (``--summary-json``) holds exact
latencies, counts per endpoint and status, the feedback POSTs that got 201, and one record per
asked question for the runner's timeline analysis.

Each step of a call (one question with what follows it, or the end of the call) is one Locust
task, and waits happen between tasks, so stopping the run never cuts a step in half: a thumb
is either posted and answered or not sent.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from locust import events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

ROOT = Path(__file__).resolve().parents[2]
POOL_FILES = ("eval/testsets/retrieval.jsonl", "eval/testsets/unanswerable.jsonl")
# The API's FeedbackReason list (belbot/api/schemas.py).
DOWN_REASONS = (
    "onjuist",
    "onvolledig",
    "niet relevant",
    "bron klopt niet",
    "onduidelijk",
    "anders",
)
KEEP_ALIVE_S = 4.0  # below uvicorn's default keep-alive of 5 s
QUESTIONS_PER_CALL = ((1, 0.35), (2, 0.35), (3, 0.20), (4, 0.10))  # mean 2.05


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--time-scale", type=float, default=1.0, help="Multiplies every wait.")
    parser.add_argument("--keys-file", default="", help="JSON list of agent API keys.")
    parser.add_argument("--summary-json", default="", help="Where to write the summary.")
    parser.add_argument("--zipf-s", type=float, default=1.0, help="Popularity exponent.")
    parser.add_argument("--pool-seed", type=int, default=1, help="Seed of the popularity order.")
    parser.add_argument("--feedback-share", type=float, default=0.3)
    parser.add_argument("--down-share", type=float, default=0.25)
    parser.add_argument("--source-share", type=float, default=0.4)
    parser.add_argument("--confirmation-share", type=float, default=0.2)
    parser.add_argument("--max-retries", type=int, default=5)


def load_pool() -> list[str]:
    questions: list[str] = []
    for name in POOL_FILES:
        with (ROOT / name).open(encoding="utf-8") as handle:
            questions += [json.loads(line)["question"] for line in handle if line.strip()]
    return questions


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


class Collector:
    """Counters shared by all simulated agents (one process, gevent: the lock is cheap)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = time.time()
        self.asks: list[dict[str, Any]] = []
        self.status: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.error_details: Counter[str] = Counter()
        self.feedback_201 = 0
        self.overload_503 = 0
        self.calls = 0
        self.agent_seconds: dict[int, float] = {}

    def count(self, name: str, status: int, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.status[f"{name} {status}"] += 1
            if not ok:
                self.errors[f"{name} {status}"] += 1
                if detail:
                    self.error_details[f"{name} {status} {detail}"] += 1

    def summary(self, env: Environment) -> dict[str, Any]:
        now = time.time()
        options = env.parsed_options
        active = sum(now - started for started in self.agent_seconds.values())
        return {
            "started": self.started,
            "stopped": now,
            "agents": len(self.agent_seconds),
            "agent_seconds": round(active, 1),
            "time_scale": getattr(options, "time_scale", 1.0),
            "zipf_s": getattr(options, "zipf_s", 1.0),
            "calls_started": self.calls,
            "feedback_201": self.feedback_201,
            "overload_503": self.overload_503,
            "status": dict(self.status),
            "errors": dict(self.errors),
            "error_details": dict(self.error_details),
            "asks": self.asks,
        }


COLLECTOR = Collector()


def _error(response: Any) -> str:
    """A connection failure's exception (status 0), in short."""
    error = getattr(response, "error", None)
    if error is None or response.status_code:
        return ""
    return f"{type(error).__name__}: {error}"[:80]


_POOL: list[str] = []
_WEIGHTS: list[float] = []
_KEYS: list[str] = []
_next_agent = 0


@events.test_start.add_listener
def _start(environment: Environment, **_: Any) -> None:
    options = environment.parsed_options
    pool = load_pool()
    random.Random(options.pool_seed).shuffle(pool)
    _POOL[:] = pool
    _WEIGHTS[:] = zipf_weights(len(pool), options.zipf_s)
    if options.keys_file:
        _KEYS[:] = json.loads(Path(options.keys_file).read_text(encoding="utf-8"))
    COLLECTOR.started = time.time()


def _write_summary(environment: Environment) -> None:
    target = getattr(environment.parsed_options, "summary_json", "")
    if target:
        Path(target).write_text(json.dumps(COLLECTOR.summary(environment)), encoding="utf-8")


@events.test_stop.add_listener
def _stop(environment: Environment, **_: Any) -> None:
    _write_summary(environment)


@events.quitting.add_listener
def _quit(environment: Environment, **_: Any) -> None:
    _write_summary(environment)


class Agent(FastHttpUser):
    """One agent at the side panel."""

    network_timeout = 300.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        global _next_agent
        self.number = _next_agent
        _next_agent += 1
        if not _KEYS:
            raise RuntimeError("geen API-sleutels: geef --keys-file")
        self.headers = {"Authorization": f"Bearer {_KEYS[self.number % len(_KEYS)]}"}
        options = self.environment.parsed_options
        self.scale = float(options.time_scale)
        self.rng = random.Random(options.pool_seed * 100_003 + self.number)
        self.conversation: str | None = None
        self.remaining = 0
        self.answers: list[str] = []
        COLLECTOR.agent_seconds[self.number] = time.time()
        # Agents do not all start at once: a first wait anywhere in one call cycle (Locust
        # runs the first task at once, so the wait is here).
        time.sleep(self.rng.uniform(0, 120) * self.scale)
        self.pause = 0.0

    def wait_time(self) -> float:
        return self.pause

    # -- one step of a call ------------------------------------------------------------------

    @task
    def step(self) -> None:
        if self.pause > KEEP_ALIVE_S:
            # The server closed the idle connection (uvicorn keeps one 5 s): a browser opens
            # a new one rather than sending into the closed socket, and so do we.
            self.client.client.close()
        if self.remaining == 0 and self.conversation is None:
            self.remaining = self.rng.choices(
                [n for n, _ in QUESTIONS_PER_CALL], [w for _, w in QUESTIONS_PER_CALL]
            )[0]
            self.answers = []
            with COLLECTOR.lock:
                COLLECTOR.calls += 1
        if self.remaining > 0:
            self.question()
            self.remaining -= 1
            self.pause = self.rng.uniform(20, 60) * self.scale  # the next question or wrap-up
            if self.remaining == 0 and self.conversation is None:
                # The only question failed: nothing to end, the next call starts after a gap.
                self.pause = (self.rng.uniform(10, 30) + self.rng.uniform(20, 60)) * self.scale
        else:
            self.end_call()
            self.pause = (self.rng.uniform(10, 30) + self.rng.uniform(20, 60)) * self.scale

    def _post(self, path: str, body: dict[str, Any] | None, name: str, ok: tuple[int, ...]) -> Any:
        with self.client.post(
            path, json=body, headers=self.headers, name=name, catch_response=True
        ) as response:
            status = response.status_code or 0
            good = status in ok
            COLLECTOR.count(name, status, good, _error(response))
            if good:
                response.success()
            else:
                response.failure(f"status {status} {_error(response)}")
            return response

    def question(self) -> None:
        question = self.rng.choices(_POOL, _WEIGHTS)[0]
        body: dict[str, Any] = {"question": question}
        if self.conversation:
            body["conversation_id"] = self.conversation
        started = time.perf_counter()
        attempts = 0
        status = 0
        failure = ""
        answer: dict[str, Any] | None = None
        options = self.environment.parsed_options
        while True:
            attempts += 1
            with self.client.post(
                "/v1/ask", json=body, headers=self.headers, name="/v1/ask (poging)",
                catch_response=True,
            ) as response:  # fmt: skip
                status = response.status_code or 0
                if status == 200:
                    response.success()
                    answer = response.json()
                elif status == 503:
                    response.success()  # counted below: overload is retried, not an error
                else:
                    failure = _error(response)
                    response.failure(f"status {status} {failure}")
                retry_after = float((response.headers or {}).get("Retry-After", "5") or 5)
            if status != 503 or attempts > options.max_retries:
                break
            with COLLECTOR.lock:
                COLLECTOR.overload_503 += 1
            wait = max(0.5, retry_after * self.scale)
            if wait > KEEP_ALIVE_S:
                self.client.client.close()  # as in step(): the server will have closed it
            time.sleep(wait)
        latency = time.perf_counter() - started
        ok = answer is not None
        COLLECTOR.count("/v1/ask", status, ok, failure)
        self.environment.events.request.fire(
            request_type="ASK",
            name="/v1/ask",
            response_time=latency * 1000,
            response_length=0,
            exception=None if ok else RuntimeError(f"status {status}"),
            context={},
        )
        record: dict[str, Any] = {
            "t": round(time.time() - COLLECTOR.started, 3),
            "latency": round(latency, 4),
            "status": status,
            "attempts": attempts,
            "turn": 0,
        }
        if answer is not None:
            record.update(
                turn=answer.get("turn", 0),
                path=answer.get("path"),
                cached=bool(answer.get("cached")),
                unavailable="zonder samenvatting" in str(answer.get("path_reason", "")),
                cpu_ms=answer.get("timings", {}).get("cpu_ms", 0.0),
            )
        with COLLECTOR.lock:
            COLLECTOR.asks.append(record)
        if answer is None:
            return
        self.conversation = answer["conversation_id"]
        answer_id = answer["answer_id"]
        self.answers.append(answer_id)
        self.event("answer_shown", answer_id)
        citations = answer.get("citations") or []
        if citations and self.rng.random() < options.source_share:
            chunk_id = self.rng.choice(citations)["chunk_id"]
            with self.client.get(
                f"/v1/sources/{chunk_id}", headers=self.headers, name="/v1/sources/{id}",
                catch_response=True,
            ) as response:  # fmt: skip
                status = response.status_code or 0
                COLLECTOR.count("/v1/sources/{id}", status, status == 200, _error(response))
                if status != 200:
                    response.failure(f"status {status} {_error(response)}")
            self.event("source_opened", answer_id, chunk_id)
        if self.rng.random() < options.feedback_share:
            self.thumb(answer_id)

    def thumb(self, answer_id: str) -> None:
        down = self.rng.random() < self.environment.parsed_options.down_share
        body: dict[str, Any] = {"rating": "down" if down else "up"}
        if down:
            body["reason"] = self.rng.choice(DOWN_REASONS)
        response = self._post(
            f"/v1/answers/{answer_id}/feedback", body, "/v1/answers/{id}/feedback", (201,)
        )
        if response.status_code == 201:
            with COLLECTOR.lock:
                COLLECTOR.feedback_201 += 1

    def event(self, kind: str, answer_id: str | None = None, chunk_id: str | None = None) -> None:
        body = {"kind": kind, "conversation_id": self.conversation, "answer_id": answer_id,
                "chunk_id": chunk_id}  # fmt: skip
        self._post("/v1/events", body, f"/v1/events {kind}", (201,))

    def end_call(self) -> None:
        if self.conversation is not None:
            if (
                self.answers
                and self.rng.random() < self.environment.parsed_options.confirmation_share
            ):
                self._post(
                    f"/v1/conversations/{self.conversation}/confirmation", None,
                    "/v1/conversations/{id}/confirmation", (201,),
                )  # fmt: skip
            self.event("conversation_ended")
        self.conversation = None
        self.remaining = 0
