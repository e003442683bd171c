"""KPI dashboard benchmark on a generated store (prints figures; not a test).

    .venv/bin/python benchmarks/bench_dashboard.py [--answers 10000] [--runs 5]

Fills a fresh store with the generated workload (gen_workload.py, ending today), then times:
`kpi_report` for a week (the dashboard's default: the last 7 full days and today) and for 30
days; rendering the dashboard fragment; `belbot report kpi` as a command (a new process each
time, start-up included); and the dashboard page over HTTP from `belbot serve` on 127.0.0.1
(fake embedder and LLM: the page does not touch them), with a monitor's key. Medians of
--runs runs; the first HTTP request is reported on its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from gen_workload import generate

from belbot.api.local_server import running_server
from belbot.embedding.fake import FakeEmbedder
from belbot.index.builder import IndexBuilder
from belbot.monitoring.dashboard import render_fragment
from belbot.monitoring.kpi import Period, default_period, kpi_report
from belbot.settings import PROJECT_ROOT, Settings
from belbot.store.store import ConversationStore, open_store

WATTS = 15.0


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _periods() -> dict[str, Period]:
    today = datetime.now(UTC).date()
    start = today - timedelta(days=29)
    month = Period(label=f"{start}..{today}", start=start, end=today)
    return {"week (7 days + today)": default_period(today), "30 days": month}


def _in_process(store: ConversationStore, periods: dict[str, Period], runs: int) -> None:
    for name, p in periods.items():
        report_ms = _median_ms(lambda p=p: kpi_report(store, p.start, p.until, WATTS), runs)
        report = kpi_report(store, p.start, p.until, WATTS)
        render_ms = _median_ms(lambda r=report: render_fragment(r), runs)
        size = len(render_fragment(report).encode("utf-8")) / 1024
        print(f"kpi_report {name}: {report_ms:.0f} ms ({report.totals.answers} answers); "
              f"render fragment {render_ms:.1f} ms ({size:.0f} KiB)")  # fmt: skip


def _command(env: dict[str, str], periods: dict[str, Period], runs: int, tmp: Path) -> None:
    for name, p in periods.items():
        command = [sys.executable, "-m", "belbot.cli", "report", "kpi", "--period", p.label,
                   "--out", str(tmp / "report")]  # fmt: skip

        def run(command: list[str] = command) -> None:
            subprocess.run(command, env={**os.environ, **env}, cwd=PROJECT_ROOT, check=True,
                           capture_output=True)  # fmt: skip

        print(f"belbot report kpi {name}: {_median_ms(run, runs):.0f} ms wall (new process)")


def _http(env: dict[str, str], key: str, periods: dict[str, Period], runs: int) -> None:
    with running_server(env, timeout_s=240) as base:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            for name, p in periods.items():
                url = f"/v1/monitor/dashboard?period={p.label}"
                started = time.perf_counter()
                first = http.get(url)
                first_ms = (time.perf_counter() - started) * 1000
                if first.status_code != 200:
                    print(f"dashboard over HTTP {name}: status {first.status_code} (router not "
                          "registered?)")  # fmt: skip
                    return
                median = _median_ms(lambda url=url: http.get(url).raise_for_status(), runs)
                size = len(first.content) / 1024
                print(f"dashboard over HTTP {name}: median {median:.0f} ms, first request "
                      f"{first_ms:.0f} ms ({size:.0f} KiB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    periods = _periods()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        settings = Settings.model_validate({"paths": {"data_dir": data},
                                            "embedding": {"backend": "fake"}})  # fmt: skip
        store = open_store(settings)
        summary = generate(store, answers=args.answers, seed=args.seed)
        print(f"workload: {summary}")
        _in_process(store, periods, args.runs)
        key = store.add_api_key("monitor", "bench-monitor")
        store.close()
        env = {
            "BELBOT_PATHS__DATA_DIR": str(data),
            "BELBOT_EMBEDDING__BACKEND": "fake",
            "BELBOT_LLM__BACKEND": "fake",
            "BELBOT_GUARDRAILS__USE_DEDUCE": "false",
        }
        _command(env, periods, args.runs, Path(tmp))
        IndexBuilder(settings, FakeEmbedder()).build()  # `belbot serve` needs an index
        _http(env, key, periods, args.runs)


if __name__ == "__main__":
    main()
