"""`belbot eval ...`: offline evaluations for analysts."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from belbot.cli.context import (
    CliState,
    JsonOption,
    console,
    domain_errors,
    scratch_settings,
    write_json,
)
from belbot.cli.eval_facts import facts
from belbot.cli.eval_ops import ops
from belbot.cli.eval_run import compare, confirmations, run
from belbot.cli.eval_tags import tags
from belbot.evaluation.retrieval_eval import MRR_DEPTH, evaluate_retrieval
from belbot.evaluation.testset import load_testset
from belbot.retrieval.retriever import Mode
from belbot.retrieval.service import open_retriever

app = typer.Typer(help="Evaluaties op geannoteerde testsets.", no_args_is_help=True)
app.command("run")(run)
app.command("compare")(compare)
app.command("ops")(ops)
app.command("confirmations")(confirmations)
app.command("tags")(tags)
app.command("facts")(facts)


@app.command("retrieval")
def retrieval(
    ctx: typer.Context,
    testset: Annotated[Path, typer.Option("--testset", help="JSON Lines-testset.")],
    output: JsonOption = None,
) -> None:
    """Recall@1, recall@5 en MRR per set, voor dense, BM25 en hybride."""
    state: CliState = ctx.obj
    settings = state.settings()
    modes: list[Mode] = ["dense", "bm25", "hybrid"]
    with domain_errors():
        cases = load_testset(testset)
        retriever = open_retriever(settings)
        results = evaluate_retrieval(retriever, cases, modes)
    table = Table(
        title=f"Retrieval op {testset.name} (index {retriever.index.version_id}, "
        f"embedder {retriever.index.manifest.embedder.model_id})"
    )
    for column in ("set", "n", "mode", "R@1", "R@5", f"MRR@{MRR_DEPTH}"):
        table.add_column(column)
    set_names = list(results["hybrid"])
    for set_name in set_names:
        for mode in modes:
            scores = results[mode][set_name]
            table.add_row(
                set_name, str(scores.count), mode, f"{scores.recall_at_1:.3f}",
                f"{scores.recall_at_5:.3f}", f"{scores.mrr:.3f}",
            )  # fmt: skip
    console.print(table)
    if output is not None:
        payload = {
            "testset": str(testset),
            "index_version": retriever.index.version_id,
            "embedder": retriever.index.manifest.embedder.model_id,
            "results": {
                mode: {name: asdict(s) for name, s in per_set.items()}
                for mode, per_set in results.items()
            },
        }
        write_json(output, payload)


@app.command("answers")
def answers(
    ctx: typer.Context,
    testsets: Annotated[list[Path], typer.Option("--testset", help="JSON Lines-testset(s).")],
    output: Annotated[Path | None, typer.Option("--json", help="Cijfers en antwoorden.")] = None,
    use_llm: Annotated[bool, typer.Option("--llm/--no-llm", help="Taalmodel gebruiken.")] = True,
) -> None:
    """Kernfeiten aanwezig, terecht geweigerd, getallen uit de bron, latentie per stap."""
    import tempfile

    from belbot.answering.factory import create_answer_service
    from belbot.evaluation.answer_eval import evaluate_answers

    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors(), tempfile.TemporaryDirectory() as tmp:
        settings = scratch_settings(settings, tmp, use_llm)
        cases = [case for path in testsets for case in load_testset(path)]
        service = create_answer_service(settings)
        service.warm_up()
        report = evaluate_answers(service, cases)
    summary = report.summary()
    console.print_json(json.dumps(summary, ensure_ascii=False))
    if output is not None:
        detail = [
            {
                "id": r.case.id,
                "set": r.case.set,
                "question": r.case.question,
                "path": r.answer.path,
                "reason": r.answer.path_reason,
                "answer": r.answer.text,
                "key_facts": r.case.key_facts,
                "facts_present": r.facts_present,
            }
            for r in report.results
        ]
        payload = {"summary": summary, "answers": detail}
        write_json(output, payload)


@app.command("guardrails")
def guardrails(
    ctx: typer.Context,
    testset: Annotated[Path, typer.Option("--testset", help="Adversariële testset.")],
    ordinary: Annotated[
        list[Path] | None, typer.Option("--ordinary", help="Gewone vragen (valse weigeringen).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--json", help="Cijfers per categorie.")] = None,
    use_llm: Annotated[bool, typer.Option("--llm/--no-llm", help="Taalmodel gebruiken.")] = True,
) -> None:
    """Detectie per soort persoonsgegeven, weigeringen, valse weigeringen, lekken na afloop."""
    import tempfile

    from belbot.answering.factory import create_answer_service, create_guardrails
    from belbot.evaluation.guardrail_eval import evaluate_guardrails
    from belbot.logs import configure_logging

    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors(), tempfile.TemporaryDirectory() as tmp:
        # A scratch store and log file: both are searched for personal data afterwards.
        log_file = Path(tmp) / "events.jsonl"
        log = settings.log.model_copy(update={"file": log_file, "level": "DEBUG"})
        settings = scratch_settings(settings, tmp, use_llm, log=log)
        configure_logging(settings.log)
        cases = load_testset(testset)
        ordinary_cases = [c for path in ordinary or [] for c in load_testset(path)]
        pipeline = create_guardrails(settings)
        if pipeline is None:
            from belbot.errors import ConfigError

            raise ConfigError("Guardrails staan uit; zet BELBOT_GUARDRAILS__ENABLED=true.")
        service = create_answer_service(settings, guardrails=pipeline)
        service.warm_up()
        report = evaluate_guardrails(service, pipeline, cases, ordinary_cases, [Path(tmp)])
    console.print_json(json.dumps(report.summary, ensure_ascii=False))
    if output is not None:
        payload = {"summary": report.summary, "cases": report.rows}
        write_json(output, payload)
