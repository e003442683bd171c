"""Calibrate the two answering thresholds on the test sets (prints tables; not a test).

    .venv/bin/python benchmarks/calibrate_answering.py

1. answer_threshold: the evidence score below which BelBot refuses. For each candidate
   threshold: share of answerable questions (retrieval.jsonl) still answered with the gold
   passage's sentence, and share of unanswerable questions (unanswerable.jsonl) refused.
2. support_threshold: the share of a sentence's terms that must occur in its cited source.
   Supported pairs: each expected answer against the passage holding its gold quote.
   Unsupported pairs: the same answer against the best-ranked passage without the gold quote.
"""

from __future__ import annotations

from pathlib import Path

from belbot.runtime import prepare_environment


def main() -> None:
    prepare_environment()
    from belbot.answering import evidence as ev
    from belbot.answering.followup import resolve
    from belbot.answering.verify import support
    from belbot.evaluation.retrieval_eval import normalise_ws
    from belbot.evaluation.testset import load_testset
    from belbot.logs import configure_logging
    from belbot.retrieval.service import open_retriever
    from belbot.settings import PROJECT_ROOT, LogSettings, load_settings

    configure_logging(LogSettings(level="WARNING"))
    settings = load_settings()
    retriever = open_retriever(settings)
    stats = retriever.term_stats
    sets = PROJECT_ROOT / "eval" / "testsets"
    answerable = load_testset(Path(sets / "retrieval.jsonl"))
    unanswerable = load_testset(Path(sets / "unanswerable.jsonl"))
    k = settings.answering.passages

    def evidence_for(question: str) -> ev.Evidence:
        query, follow_up = resolve(question, [])
        passages = retriever.search(query, k=k)
        a = settings.answering
        scale = ev.DenseScale(a.dense_weight, a.dense_floor, a.dense_span, a.rerank_candidates)
        return ev.gather(stats, query, passages, follow_up, 0.0, retriever.embedder, scale)

    scored_a, scored_u = [], []
    supported, unsupported = [], []
    for case in answerable:
        evidence = evidence_for(case.question)
        quotes = [normalise_ws(q) for q in case.gold_quotes]
        gold_found = bool(evidence.candidates) and any(
            q in normalise_ws(evidence.candidates[0].passage.chunk.text) for q in quotes
        )
        year_ok = "jaartal" not in evidence.reason
        scored_a.append((evidence.best_score if year_ok else -1.0, gold_found))
        passages = retriever.search(case.question, k=10)
        gold = [p for p in passages if any(q in normalise_ws(p.chunk.text) for q in quotes)]
        other = [p for p in passages if p not in gold]
        if gold and other:
            supported.append(support(stats, case.gold_answer, gold[0].chunk.text))
            unsupported.append(support(stats, case.gold_answer, other[0].chunk.text))
    for case in unanswerable:
        evidence = evidence_for(case.question)
        year_ok = "jaartal" not in evidence.reason
        scored_u.append(evidence.best_score if year_ok else -1.0)

    print(f"answerable n={len(scored_a)}, unanswerable n={len(scored_u)}")
    print("threshold | answered (answerable) | answered with gold passage | refused (unanswerable)")
    for t in [x / 100 for x in range(20, 80, 5)]:
        answered = sum(score >= t for score, _ in scored_a) / len(scored_a)
        gold = sum(score >= t and ok for score, ok in scored_a) / len(scored_a)
        refused = sum(score < t for score in scored_u) / len(scored_u)
        print(f"  {t:.2f}    | {answered:.3f}{' ' * 17}| {gold:.3f}{' ' * 22}| {refused:.3f}")
    print(f"\nsupport pairs n={len(supported)}")
    print("threshold | supported pairs accepted | unsupported pairs rejected")
    for t in [x / 100 for x in range(40, 100, 5)]:
        accepted = sum(s >= t for s in supported) / len(supported)
        rejected = sum(s < t for s in unsupported) / len(unsupported)
        print(f"  {t:.2f}    | {accepted:.3f}                    | {rejected:.3f}")


if __name__ == "__main__":
    main()
