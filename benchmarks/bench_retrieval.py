"""Ingestion and retrieval benchmark on the default corpus (prints figures; not a test).

    .venv/bin/python benchmarks/bench_retrieval.py [--queries 200]

Reports: ingestion time from scratch and for a no-change rebuild, chunk count, index size
on disk, and query latency p50/p95 (hybrid, BM25, dense) over N queries from the test sets."""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from belbot.evaluation.stats import percentile
from belbot.runtime import prepare_environment


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _percentile(values: list[float], q: float) -> float:
    return percentile(values, int(q)) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    prepare_environment()
    from belbot.embedding.factory import create_embedder
    from belbot.index.builder import IndexBuilder
    from belbot.index.store import load_index
    from belbot.logs import configure_logging
    from belbot.retrieval.retriever import Retriever
    from belbot.settings import PROJECT_ROOT, LogSettings, Settings

    configure_logging(LogSettings(level="WARNING"))

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate({"paths": {"data_dir": Path(tmp)}})
        embedder = create_embedder(settings.embedding)
        started = time.perf_counter()
        embedder.warm_up()
        warm = time.perf_counter() - started
        started = time.perf_counter()
        first = IndexBuilder(settings, embedder).build()
        scratch = time.perf_counter() - started
        started = time.perf_counter()
        second = IndexBuilder(settings, embedder).build()
        nochange = time.perf_counter() - started
        index = load_index(settings.paths.index_dir)
        size = _size(settings.paths.index_dir / "versions" / index.version_id)
        questions = [
            json.loads(line)["question"]
            for name in ("retrieval.jsonl", "unanswerable.jsonl")
            for line in (PROJECT_ROOT / "eval" / "testsets" / name).read_text().splitlines()
            if line.strip()
        ]
        questions = (questions * (args.queries // len(questions) + 1))[: args.queries]
        print(f"embedder: {index.manifest.embedder.model_id}; model load {warm:.2f} s")
        print(f"ingest from scratch: {scratch:.1f} s ({first.chunks} chunks embedded)")
        print(f"ingest, no change:   {nochange:.2f} s (embedded {second.embedded})")
        print(f"documents: {len(index.documents)}; chunks: {len(index.chunks)}")
        print(f"index size on disk: {size / 1e6:.2f} MB")
        for mode in ("hybrid", "bm25", "dense"):
            # A fresh retriever per mode: its memo of query vectors must not serve the next.
            retriever = Retriever(index, embedder, settings.retrieval)
            retriever.warm_up()
            latencies = []
            for question in questions:
                t0 = time.perf_counter()
                retriever.search(question, k=5, mode=mode)  # type: ignore[arg-type]
                latencies.append((time.perf_counter() - t0) * 1000)
            print(
                f"query latency {mode:6} over {len(latencies)} queries: "
                f"p50 {statistics.median(latencies):.1f} ms, "
                f"p95 {_percentile(latencies, 95):.1f} ms"
            )


if __name__ == "__main__":
    main()
