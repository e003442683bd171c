"""`belbot eval run`: every question through the real pipeline (guardrails, retrieval,
answering), with the deterministic metrics, the ragas metrics on a chosen share of the items and
the committee's consistency measures, written as items.jsonl, report.json and report.html.

items.jsonl is appended and flushed one finished item at a time, so an interrupted run resumes
(``resume=True``) without recomputing what it has; the report is computed from the items."""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from belbot.answering.service import AnswerService
from belbot.answering.types import Answer
from belbot.answering.verify import markers_in
from belbot.evaluation.consistency import consistency, paraphrase_consistency
from belbot.evaluation.metrics import item_metrics, path_class
from belbot.evaluation.ragas_eval import RagasInput, RagasScorer
from belbot.evaluation.report import aggregate, render_html
from belbot.evaluation.testset import TestCase
from belbot.logs import get_logger

log = get_logger(__name__)

ITEMS = "items.jsonl"


@dataclass
class RunOptions:
    repeat: int = 1
    resume: bool = False
    # Ragas per set: N evenly spaced answerable items; 0 = none, -1 = every item.
    ragas_per_set: int = 0
    testset_files: list[Path] = field(default_factory=list)
    extra_config: dict[str, Any] = field(default_factory=dict)


def ragas_selection(cases: list[TestCase], per_set: int) -> set[str]:
    """Which items get the (slow) judge metrics: evenly spaced answerable items of each set, so
    a sample covers every document rather than the first few lines of a file."""
    if per_set < 0:
        return {case.id for case in cases}
    chosen: set[str] = set()
    by_set: dict[str, list[TestCase]] = {}
    for case in cases:
        if not case.expects_refusal:
            by_set.setdefault(case.set, []).append(case)
    for group in by_set.values():
        take = min(per_set, len(group))
        chosen.update(group[(i * len(group)) // take].id for i in range(take))
    return chosen


def _read_items(path: Path) -> dict[str, dict[str, Any]]:
    """Finished items of an earlier run; a last line cut off by the interruption is dropped."""
    done: dict[str, dict[str, Any]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            log.warning("eval_resume_skipped_partial_line", length=len(line))
            continue
        done[item["id"]] = item
    return done


def _rewrite_items(path: Path, items: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    tmp.replace(path)


class Evaluator:
    def __init__(self, service: AnswerService, scorer: RagasScorer | None = None) -> None:
        self.service = service
        self.scorer = scorer
        index = service.retriever.index
        self._chunk_text = {c.chunk_id: c.text for c in index.chunks}
        self._chunk_doc = {c.chunk_id: index.documents[c.doc_id].file_name for c in index.chunks}

    def embed(self, texts: list[str]) -> Any:
        return self.service.retriever.embedder.embed_passages(texts)

    def evaluate(self, case: TestCase, repeat: int, with_ragas: bool) -> dict[str, Any]:
        answers = [self.service.ask(case.question, use_cache=False) for _ in range(repeat)]
        answer = answers[0]
        texts = [a.text for a in answers]
        retrieved: list[dict[str, Any]] = [
            {
                "chunk_id": r.chunk_id,
                "document": self._chunk_doc.get(r.chunk_id, ""),
                "text": self._chunk_text.get(r.chunk_id, ""),
                "score": r.score,
            }
            for r in answer.retrieval
        ]
        path = path_class(answer)
        # Only the passages the shown text points to: a refusal lists nearby passages, cites none.
        cited = set(markers_in(answer.text))
        item: dict[str, Any] = {
            "id": case.id,
            "set": case.set,
            "question": case.question,
            "expected": case.expected,
            "paraphrase_of": case.paraphrase_of,
            "answer": answer.text,
            "path": path,
            "path_reason": answer.path_reason,
            "sources": [
                {"chunk_id": c.chunk_id, "document": c.file_name, "title": c.title, "text": c.text}
                for c in answer.citations
                if c.marker in cited
            ],
            "retrieved": retrieved,
            "latency_ms": answer.timings.total_ms,
            "timings": answer.timings.model_dump(),
            **item_metrics(
                case,
                answer,
                [r["text"] for r in retrieved],
                self.service.retriever.term_stats,
                self.service.support_threshold,
            ),
            "consistency": consistency(texts, self.embed(texts)),
        }
        if with_ragas and self.scorer is not None:
            item.update(self.scorer.score(self._ragas_input(case, answer, path, retrieved)))
        return item

    def _ragas_input(
        self, case: TestCase, answer: Answer, path: str, retrieved: list[dict[str, Any]]
    ) -> RagasInput:
        passages = self.service.evidence_passages
        return RagasInput(
            # As stored: redacted by the guardrails, so no personal data reaches the judge.
            question=answer.question,
            answer=answer.text,
            contexts=[r["text"] for r in retrieved[:passages] if r["text"]],
            reference=case.gold_answer,
            shown=path not in ("refused", "blocked"),
            answerable=not case.expects_refusal,
        )


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def configuration(service: AnswerService, options: RunOptions, judge: str | None) -> dict[str, Any]:
    index = service.retriever.index
    return {
        "index_version": index.version_id,
        "embedder": index.manifest.embedder.model_dump(),
        "model": service.model_info.model_dump(),
        "prompt_version": service.prompt_version,
        "policy_version": service.guardrails.policy_version if service.guardrails else "",
        "judge": judge or "",
        "testsets": {str(p): _file_sha(p) for p in options.testset_files if p.is_file()},
        "repeat": options.repeat,
        "ragas_per_set": options.ragas_per_set,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        **options.extra_config,
    }


def run_evaluation(
    evaluator: Evaluator,
    cases: list[TestCase],
    out_dir: Path,
    options: RunOptions,
    judge: str | None = None,
    across_agents: dict[str, Any] | None = None,
    progress: Callable[[], None] | None = None,
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    items_path = out_dir / ITEMS
    done = _read_items(items_path) if options.resume and items_path.exists() else {}
    if done:
        # Keep only whole items of this test set, then continue appending after them.
        _rewrite_items(items_path, [done[c.id] for c in cases if c.id in done])
    elif items_path.exists():
        items_path.unlink()
    resumed = sum(1 for c in cases if c.id in done)
    selected = ragas_selection(cases, options.ragas_per_set) if evaluator.scorer else set()
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    with items_path.open("a", encoding="utf-8") as handle:
        for case in cases:
            if case.id not in done:
                item = evaluator.evaluate(case, options.repeat, case.id in selected)
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
                handle.flush()
                done[case.id] = item
                log.info("eval_item", id=case.id, path=item["path"], ms=item["latency_ms"])
            if progress:
                progress()
    items = [done[c.id] for c in cases if c.id in done]
    paraphrases = paraphrase_consistency(items, evaluator.embed)
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "run_seconds": round(time.perf_counter() - started, 1),
        "resumed_items": resumed,
        "configuration": configuration(evaluator.service, options, judge),
        "sets": aggregate(items, paraphrases),
        "paraphrase_pairs": paraphrases,
        "consistency_across_agents": across_agents or {"questions": 0},
    }
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    (out_dir / "report.html").write_text(render_html(report, items), encoding="utf-8")
    return report
