"""`belbot eval run`: every question through the real pipeline, with the deterministic metrics
and the committee's consistency measure, written as items.jsonl, report.json and report.html.

Judge-based (ragas) metrics are not part of this module yet: see the README."""

from __future__ import annotations

import html
import itertools
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from belbot.answering.numbers import numbers_in
from belbot.answering.service import AnswerService
from belbot.answering.types import Answer
from belbot.answering.verify import markers_in
from belbot.evaluation.answer_eval import fact_present
from belbot.evaluation.retrieval_eval import first_hit_rank, normalise_ws
from belbot.evaluation.testset import TestCase
from belbot.logs import get_logger

log = get_logger(__name__)


def load_cases_lenient(paths: list[Path]) -> tuple[list[TestCase], list[str]]:
    """Cases from JSON Lines files; a malformed line is reported with its number and skipped."""
    cases: list[TestCase] = []
    problems: list[str] = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                cases.append(TestCase.model_validate(json.loads(line)))
            except ValueError as exc:
                problems.append(f"{path.name} regel {number}: {str(exc).splitlines()[0]}")
    return cases, problems


def expects_refusal(case: TestCase) -> bool:
    return (
        case.set == "unanswerable"
        or case.expected.strip().lower() in ("refuse", "weiger")
        or (not case.gold_quotes and not case.key_facts)
    )


def item_metrics(case: TestCase, answer: Answer, chunk_text: dict[str, str]) -> dict[str, Any]:
    refused = answer.path == "refused"
    cited = [c for c in answer.citations if c.marker in markers_in(answer.text)]
    cited_text = " ".join(c.text for c in cited)
    retrieved_texts = [chunk_text.get(r.chunk_id, "") for r in answer.retrieval]
    rank = first_hit_rank(retrieved_texts, case.gold_quotes) if case.gold_quotes else None
    quotes = [normalise_ws(q) for q in case.gold_quotes]
    return {
        "has_gold": bool(case.gold_quotes),
        "refused": refused,
        "refusal_correct": refused == expects_refusal(case),
        "key_fact_recall": (
            sum(fact_present(f, answer.text) for f in case.key_facts) / len(case.key_facts)
            if case.key_facts and not refused
            else None
        ),
        "gold_rank": rank,
        "citation_precision": (
            sum(any(q in normalise_ws(c.text) for q in quotes) for c in cited) / len(cited)
            if cited and quotes
            else None
        ),
        "numbers_in_sources": (
            numbers_in(answer.text) <= numbers_in(cited_text) if not refused else None
        ),
        "source_transparency": _supported_share(answer) if not refused else None,
        "pii_leaks": sum(value in answer.model_dump_json() for value in case.pii),
    }


def _supported_share(answer: Answer) -> float:
    checks = [v for v in answer.verdicts if v.check.endswith("sentences_supported")]
    return 1.0 if checks and checks[-1].passed else 0.0


def consistency(texts: list[str], vectors: np.ndarray) -> dict[str, float]:
    pairs = list(itertools.combinations(range(len(texts)), 2))
    if not pairs:
        return {"exact_match": 1.0, "mean_cosine": 1.0}
    return {
        "exact_match": sum(texts[a] == texts[b] for a, b in pairs) / len(pairs),
        "mean_cosine": float(np.mean([float(vectors[a] @ vectors[b]) for a, b in pairs])),
    }


def run_evaluation(
    service: AnswerService,
    cases: list[TestCase],
    out_dir: Path,
    repeat: int = 1,
    resume: bool = False,
    progress: Any = None,
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    items_path = out_dir / "items.jsonl"
    done: dict[str, dict[str, Any]] = {}
    if resume and items_path.exists():
        for line in items_path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            done[item["id"]] = item
    elif items_path.exists():
        items_path.unlink()
    index = service.retriever.index
    chunk_text = {c.chunk_id: c.text for c in index.chunks}
    chunk_doc = {c.chunk_id: index.documents[c.doc_id].file_name for c in index.chunks}
    started = time.perf_counter()
    with items_path.open("a", encoding="utf-8") as handle:
        for case in cases:
            if case.id in done:
                if progress:
                    progress()
                continue
            answers = [service.ask(case.question, use_cache=False) for _ in range(repeat)]
            answer = answers[0]
            texts = [a.text for a in answers]
            vectors = service.retriever.embedder.embed_passages(texts)
            item = {
                "id": case.id,
                "set": case.set,
                "question": case.question,
                "expected": "refuse" if expects_refusal(case) else "answer",
                "answer": answer.text,
                "path": answer.path,
                "path_reason": answer.path_reason,
                "sources": [
                    {
                        "chunk_id": c.chunk_id,
                        "document": c.file_name,
                        "title": c.title,
                        "text": c.text,
                    }
                    for c in answer.citations
                ],
                "retrieved": [
                    {
                        "chunk_id": r.chunk_id,
                        "document": chunk_doc.get(r.chunk_id, ""),
                        "text": chunk_text.get(r.chunk_id, ""),
                        "score": r.score,
                    }
                    for r in answer.retrieval
                ],
                "latency_ms": answer.timings.total_ms,
                **item_metrics(case, answer, chunk_text),
                "consistency": consistency(texts, vectors),
            }
            # One line per finished item, flushed: an interrupted run resumes from here.
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
            handle.flush()
            done[case.id] = item
            if progress:
                progress()
    items = [done[c.id] for c in cases if c.id in done]
    report = {
        "run_seconds": round(time.perf_counter() - started, 1),
        "repeat": repeat,
        "configuration": {
            "index_version": index.version_id,
            "embedder": index.manifest.embedder.model_dump(),
            "model": service.model_info.model_dump(),
            "prompt_version": service.prompt_version,
            "policy_version": service.guardrails.policy_version if service.guardrails else "",
        },
        "sets": aggregate(items),
    }
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    (out_dir / "report.html").write_text(render_html(report), encoding="utf-8")
    return report


def _mean(values: list[Any]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return round(statistics.fmean(present), 4) if present else None


def aggregate(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[item["set"]].append(item)
        groups["all"].append(item)
    result = {}
    for name, group in sorted(groups.items()):
        ranks = [i["gold_rank"] for i in group if i["has_gold"]]
        latencies = [i["latency_ms"] for i in group]
        result[name] = {
            "n": len(group),
            "answered_correctly": _mean(
                [i["key_fact_recall"] == 1.0 if i["expected"] == "answer" else None for i in group]
            ),
            "key_fact_recall": _mean([i["key_fact_recall"] for i in group]),
            "refusal_accuracy": _mean([i["refusal_correct"] for i in group]),
            "recall_at_5": _mean([r is not None and r <= 5 for r in ranks]),
            "citation_precision": _mean([i["citation_precision"] for i in group]),
            "numbers_in_sources": _mean([i["numbers_in_sources"] for i in group]),
            "source_transparency": _mean([i["source_transparency"] for i in group]),
            "consistency_exact": _mean([i["consistency"]["exact_match"] for i in group]),
            "consistency_cosine": _mean([i["consistency"]["mean_cosine"] for i in group]),
            "pii_leaks": sum(i["pii_leaks"] for i in group),
            "latency_p50_ms": round(statistics.median(latencies), 1),
            "latency_p95_ms": round(
                statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0], 1
            ),
        }
    return result


def render_html(report: dict[str, Any]) -> str:
    sets = report["sets"]
    columns = list(next(iter(sets.values())).keys()) if sets else []
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["set", *columns])
    rows = "".join(
        "<tr><td>"
        + html.escape(name)
        + "</td>"
        + "".join(f"<td>{html.escape(str(values[c]))}</td>" for c in columns)
        + "</tr>"
        for name, values in sets.items()
    )
    config = html.escape(json.dumps(report["configuration"], indent=2, ensure_ascii=False))
    return (
        "<!doctype html><html lang='nl'><meta charset='utf-8'><title>BelBot evaluatie</title>"
        "<style>body{font:14px system-ui;margin:20px}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:4px 8px;text-align:right}</style>"
        f"<h1>BelBot evaluatie</h1><p>Duur {report['run_seconds']} s, herhalingen "
        f"{report['repeat']}.</p><table><tr>{head}</tr>{rows}</table><h2>Configuratie</h2>"
        f"<pre>{config}</pre></html>"
    )
