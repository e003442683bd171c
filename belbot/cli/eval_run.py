"""`belbot eval run` and `belbot eval compare`: the evaluation harness for analysts."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from belbot.answering.service import AnswerService
from belbot.cli.context import (
    CliState,
    console,
    domain_errors,
    err_console,
    existing_store,
    scratch_settings,
    write_json,
)
from belbot.errors import ConfigError, InvalidInputError
from belbot.settings import Settings


def _usable(cases: list[Any], problems: list[str], what: str) -> None:
    for problem in problems:
        err_console.print(f"[yellow]Overgeslagen:[/yellow] {problem}")
    if not cases:
        raise InvalidInputError(f"Geen geldige {what} in de opgegeven testset(s).")


def _warm_service(settings: Settings, tmp: str, use_llm: bool) -> AnswerService:
    from belbot.answering.factory import create_answer_service

    service = create_answer_service(scratch_settings(settings, tmp, use_llm))
    service.warm_up()
    return service


def _scorer(settings: Settings, embedder: Any) -> tuple[Any, str]:
    try:
        from belbot.evaluation.judge import create_judge, make_ragas_embeddings
        from belbot.evaluation.ragas_eval import RagasScorer

        llm, description = create_judge(settings)
        scorer = RagasScorer(
            llm, make_ragas_embeddings(embedder), settings.evaluation.ragas_metrics
        )
    except ImportError as exc:
        raise ConfigError(
            f"Ragas is niet geïnstalleerd ({exc.name}): installeer met pip install -e '.[eval]'."
        ) from exc
    return scorer, description


def _across_agents(settings: Settings, since: datetime | None, embed: Any) -> dict[str, Any]:
    if since is None:
        return {"questions": 0, "note": "niet gevraagd (--agents-since)"}
    from belbot.evaluation.consistency import agents_consistency

    with existing_store(settings) as store:
        groups = store.answers_by_question_across_agents(since)
    return {"since": since.isoformat(), **agents_consistency(groups, embed)}


def run(
    ctx: typer.Context,
    testsets: Annotated[list[Path], typer.Option("--testset", help="JSON Lines-testset(s).")],
    out: Annotated[Path, typer.Option("--out", help="Map voor report.json/html en items.jsonl.")],
    repeat: Annotated[
        int, typer.Option(min=1, max=20, help="Elke vraag N keer (consistentie).")
    ] = 1,
    resume: Annotated[bool, typer.Option(help="Ga verder waar een afgebroken run stopte.")] = False,
    use_llm: Annotated[bool, typer.Option("--llm/--no-llm", help="Taalmodel gebruiken.")] = True,
    ragas_per_set: Annotated[
        int,
        typer.Option(
            min=-1, help="Ragas op N beantwoordbare vragen per set (0: geen, -1: alle vragen)."
        ),
    ] = 5,
    agents_since: Annotated[
        datetime | None,
        typer.Option(help="Consistentie tussen medewerkers uit de gespreksopslag vanaf datum."),
    ] = None,
) -> None:
    """Alle vragen door de echte keten: metrieken, ragas, consistentie en een rapport."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from belbot.evaluation.run import Evaluator, RunOptions, run_evaluation
    from belbot.evaluation.testset import load_testsets_lenient

    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors(), tempfile.TemporaryDirectory() as tmp:
        cases, problems = load_testsets_lenient(testsets)
        _usable(cases, problems, "testgevallen")
        service = _warm_service(settings, tmp, use_llm)
        scorer, judge = (None, None)
        if ragas_per_set != 0:
            scorer, judge = _scorer(settings, service.retriever.embedder)
        evaluator = Evaluator(service, scorer)
        across = _across_agents(settings, agents_since, evaluator.embed)
        options = RunOptions(
            repeat=repeat,
            resume=resume,
            ragas_per_set=ragas_per_set,
            testset_files=testsets,
            extra_config={"settings": json.loads(settings.model_dump_json())},
        )
        columns = (*Progress.get_default_columns()[:2], MofNCompleteColumn(), BarColumn())
        with Progress(*columns, TimeRemainingColumn(), console=err_console) as bar:
            task = bar.add_task("Evalueren", total=len(cases))
            report = run_evaluation(
                evaluator, cases, out, options, judge, across, lambda: bar.advance(task)
            )
    overall = report["sets"]["all"]
    console.print_json(json.dumps(overall, ensure_ascii=False))
    console.print(f"Rapport: {out / 'report.html'} ({report['run_seconds']} s)")


def compare(
    old: Annotated[Path, typer.Argument(help="Map (of report.json) van de basislijn.")],
    new: Annotated[Path, typer.Argument(help="Map (of report.json) van de nieuwe run.")],
    tolerance: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Toegestane daling per metriek.")
    ] = 0.05,
) -> None:
    """Verschillen per metriek; exitcode 1 als een metriek meer dan de tolerantie daalt."""
    from belbot.evaluation.compare import compare_reports, load_report

    with domain_errors():
        deltas = compare_reports(load_report(old), load_report(new), tolerance)
    table = Table(title=f"Vergelijking {old} → {new} (tolerantie {tolerance})")
    for column in ("set", "metriek", "oud", "nieuw", "verschil", ""):
        table.add_column(column)

    def fmt(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}" if abs(value) <= 1 else f"{value:.1f}"

    for d in deltas:
        status = "[red]ACHTERUIT[/red]" if d.regressed else ""
        table.add_row(d.set, d.metric, fmt(d.old), fmt(d.new), fmt(d.change), status)
    console.print(table)
    regressions = [d for d in deltas if d.regressed]
    if regressions:
        err_console.print(
            f"[red]{len(regressions)} metriek(en) achteruit:[/red] "
            + ", ".join(f"{d.set}/{d.metric}" for d in regressions)
        )
        raise typer.Exit(code=1)
    console.print("Geen achteruitgang boven de tolerantie.")


def confirmations(
    ctx: typer.Context,
    testset: Annotated[Path, typer.Option("--testset", help="Gesprekken (JSON Lines).")],
    out: Annotated[Path | None, typer.Option("--out", help="Map voor confirmations.json.")] = None,
    since: Annotated[
        datetime | None,
        typer.Option(help="Ook goedgekeurde bevestigingen uit de gespreksopslag vanaf datum."),
    ] = None,
    use_llm: Annotated[bool, typer.Option("--llm/--no-llm", help="Taalmodel gebruiken.")] = True,
) -> None:
    """Bevestigingen opstellen voor de gesprekken van een testset en meten."""
    from rich.progress import Progress

    from belbot.confirmation.service import ConfirmationService
    from belbot.evaluation.confirmation_eval import (
        approved_report,
        evaluate_conversations,
        load_conversations,
        summarise,
    )
    from belbot.store.confirmations import ConfirmationStore
    from belbot.store.types import iso_utc

    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors(), tempfile.TemporaryDirectory() as tmp:
        conversations, problems = load_conversations(testset)
        _usable(conversations, problems, "gesprekken")
        service = _warm_service(settings, tmp, use_llm)
        assert service.store is not None
        drafter = ConfirmationService(
            service.store,
            lambda: service.retriever.term_stats,
            settings.answering.support_threshold,
        )
        with Progress(console=err_console) as bar:
            task = bar.add_task("Bevestigingen", total=len(conversations))
            rows = evaluate_conversations(
                service, drafter, conversations, lambda: bar.advance(task)
            )
        report: dict[str, Any] = {"summary": summarise(rows), "conversations": rows}
        if since is not None:
            with existing_store(settings) as store:
                report["approved"] = approved_report(
                    ConfirmationStore(store),
                    iso_utc(since),
                    settings.evaluation.confirmation_cost,
                    settings.evaluation.watts_per_core,
                )
    table = Table(title=f"Bevestigingen op {testset.name}")
    table.add_column("maat")
    table.add_column("waarde")
    for key, value in report["summary"].items():
        table.add_row(key, "–" if value is None else str(value))
    console.print(table)
    if "approved" in report:
        console.print_json(json.dumps(report["approved"], ensure_ascii=False))
    if out is not None:
        write_json(out / "confirmations.json", report)
