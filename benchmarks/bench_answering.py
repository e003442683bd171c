"""Answering benchmark on this machine (prints figures; not a test).

    .venv/bin/python benchmarks/bench_answering.py [--questions 40]

Prints, over N test-set questions (answerable and unanswerable, no cache):
- latency p50/p95 of each stage: retrieval, evidence (compose), prompt build, prompt
  processing (time to first token), generation, verification, end-to-end;
- time to first token when streaming;
- the overhead of everything but generation: end-to-end time divided by a raw llama.cpp
  completion of the same prompt with the same parameters (target <= 1.10);
- peak memory (RSS) of the process;
- the answer cache: hit rate and CPU time (and an energy estimate) saved when every question
  is asked a second time in another spelling (lower case, no punctuation).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from belbot.evaluation.stats import percentile
from belbot.runtime import prepare_environment

WATTS_PER_BUSY_CORE = 15.0  # assumption for the energy estimate; stated in the output


def _p(values: list[float], q: int) -> float:
    return percentile(values, q) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    prepare_environment()
    from belbot.answering.factory import create_answer_service
    from belbot.answering.types import Answer
    from belbot.logs import configure_logging
    from belbot.settings import PROJECT_ROOT, LogSettings, load_settings

    configure_logging(LogSettings(level="WARNING"))
    sets = PROJECT_ROOT / "eval" / "testsets"
    answerable = [json.loads(x)["question"] for x in (sets / "retrieval.jsonl").open()]
    unanswerable = [json.loads(x)["question"] for x in (sets / "unanswerable.jsonl").open()]
    n_u = max(1, args.questions // 5)
    questions = answerable[: args.questions - n_u] + unanswerable[:n_u]

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings()
        settings = settings.model_copy(
            update={"store": settings.store.model_copy(update={"path": Path(tmp) / "b.db"})}
        )
        started = time.perf_counter()
        service = create_answer_service(settings)
        service.warm_up()
        print(f"warm-up (index, embedder, GGUF, store): {time.perf_counter() - started:.2f} s")
        generator = service._generator
        llm = getattr(generator, "_llm", None)
        stages: dict[str, list[float]] = {}
        ratios: list[float] = []
        misses_cpu: list[float] = []
        paths: dict[str, int] = {}
        for question in questions:
            cpu0 = time.process_time()
            answer = service.ask(question)
            misses_cpu.append(time.process_time() - cpu0)
            paths[answer.path] = paths.get(answer.path, 0) + 1
            for stage, value in answer.timings.model_dump().items():
                if value > 0:
                    stages.setdefault(stage, []).append(value)
            stored = service.store.get(answer.answer_id) if service.store else None
            if llm is not None and stored and stored.prompt:
                params = answer.params
                llm.reset()
                t0 = time.perf_counter()
                llm.create_completion(
                    stored.prompt, max_tokens=params.max_tokens, temperature=params.temperature,
                    top_k=params.top_k, top_p=params.top_p, repeat_penalty=params.repeat_penalty,
                    seed=params.seed, stop=list(params.stop),
                )  # fmt: skip
                raw_ms = (time.perf_counter() - t0) * 1000
                ratios.append(answer.timings.total_ms / raw_ms)

        # Streaming: time to the first draft token as the agent would see it.
        ttft: list[float] = []
        for question in answerable[:10]:
            t0 = time.perf_counter()
            for event in service.ask_stream(question, use_cache=False):
                if isinstance(event, str) and event:
                    ttft.append((time.perf_counter() - t0) * 1000)
                    break
                if isinstance(event, Answer):
                    break

        # Cache: the same questions again, spelled differently.
        hits, hit_cpu = 0, []
        for question in questions:
            variant = " ".join(question.lower().replace("?", " ").replace(",", " ").split())
            cpu0 = time.process_time()
            answer = service.ask(variant)
            hit_cpu.append(time.process_time() - cpu0)
            hits += int(answer.cached)

    print(f"questions: {len(questions)} ({len(questions) - n_u} answerable, {n_u} not); "
          f"paths {paths}")  # fmt: skip
    print("stage latency (ms)          p50       p95")
    for stage, values in stages.items():
        print(f"  {stage:24} {statistics.median(values):8.1f} {_p(values, 95):9.1f}")
    if ttft:
        print(f"time to first token, streaming: p50 {statistics.median(ttft):.0f} ms, "
              f"p95 {_p(ttft, 95):.0f} ms")  # fmt: skip
    if ratios:
        p50, p95 = statistics.median(ratios), _p(ratios, 95)
        print(f"end-to-end / raw llama.cpp completion of the same prompt: p50 {p50:.3f}, "
              f"p95 {p95:.3f} (n={len(ratios)})")  # fmt: skip
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) of the process: {peak_mb:.0f} MB")
    saved = sum(misses_cpu) - sum(hit_cpu)
    print(f"cache: {hits}/{len(questions)} re-asked questions served from the cache "
          f"({hits / len(questions):.0%}); CPU {sum(misses_cpu):.1f} s first time vs "
          f"{sum(hit_cpu):.2f} s second time; saved {saved:.1f} CPU-s, about "
          f"{saved * WATTS_PER_BUSY_CORE / 3600 * 1000:.1f} mWh at {WATTS_PER_BUSY_CORE:.0f} W "
          "per busy core")  # fmt: skip


if __name__ == "__main__":
    main()
