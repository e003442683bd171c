"""`belbot report kpi`: the KPI dashboard's figures as a standalone HTML report and CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from belbot.cli.context import (
    CliState,
    WattsOption,
    console,
    domain_errors,
    existing_store,
    write_json,
)
from belbot.errors import InvalidInputError
from belbot.monitoring.dashboard import render_document
from belbot.monitoring.kpi import Period, checked_period, default_period, kpi_report, parse_period
from belbot.monitoring.kpi_csv import render_csv
from belbot.tagging.taxonomy import load_taxonomy

app = typer.Typer(help="Rapporten uit de gespreksopslag.", no_args_is_help=True)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(f"{option} '{text}' is geen datum; gebruik JJJJ-MM-DD.") from exc


def choose_period(period: str | None, since: str | None, until: str | None) -> Period:
    """--period, or --since with an optional --until (inclusive; default today), or neither:
    the last 7 full days plus today."""
    if period is not None and (since is not None or until is not None):
        raise InvalidInputError("Geef --period of --since/--until, niet allebei.")
    if period is not None:
        return parse_period(period)
    if since is None:
        if until is not None:
            raise InvalidInputError("--until heeft --since nodig.")
        return default_period()
    start = _day(since, "--since")
    end = _day(until, "--until") if until is not None else datetime.now(UTC).date()
    return checked_period(f"{start.isoformat()}..{end.isoformat()}", start, end)


@app.command("kpi")
def kpi(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Map voor kpi.html, de CSV's en kpi.json.")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="Week (2026-W47), maand (2026-11), dag (2026-11-25) of reeks "
            "(2026-11-01..2026-11-30, inclusief). Standaard de laatste 7 volle dagen en vandaag.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="In plaats van --period: vanaf JJJJ-MM-DD.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Tot en met JJJJ-MM-DD; standaard vandaag.")
    ] = None,
    watts: WattsOption = None,
) -> None:
    """KPI's per dag, per tag en over de periode: HTML (zonder script) en CSV."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        chosen = choose_period(period, since, until)
        assumed = watts if watts is not None else settings.evaluation.watts_per_core
        taxonomy = load_taxonomy(settings.tagging.taxonomy_file)
        labels = {tag.id: tag.label for tag in taxonomy.tags}
        with existing_store(settings) as store:
            report = kpi_report(store, chosen.start, chosen.until, assumed, chosen.label, labels)
    out.mkdir(parents=True, exist_ok=True)
    (out / "kpi.html").write_text(render_document(report), encoding="utf-8")
    for name, content in render_csv(report).items():
        (out / name).write_text(content, encoding="utf-8")
    write_json(out / "kpi.json", report.model_dump(mode="json"))
    totals = report.totals
    console.print(
        f"KPI's {report.start} t/m {report.end}: {totals.answers} vragen, "
        f"{totals.conversations} gesprekken, {len(report.tags)} tags. Geschreven naar {out}/"
    )


@app.command("training")
def training(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Week, maand, dag of reeks, zoals bij `report kpi`."),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Vanaf JJJJ-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Tot en met JJJJ-MM-DD.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Map voor training.md en training.json.")
    ] = None,
) -> None:
    """Training: aandeel cursisten dat elk onderwerp en alle onderwerpen afrondde, scores per
    onderwerp en het escalatiepercentage per onderwerp vóór en na het afronden."""
    from belbot.cli.training_cmd import service_over
    from belbot.training.report import render_markdown, training_report

    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        chosen = choose_period(period, since, until)
        start = datetime.combine(chosen.start, datetime.min.time(), tzinfo=UTC)
        end = datetime.combine(chosen.until, datetime.min.time(), tzinfo=UTC)
        with existing_store(settings) as store:
            report = training_report(service_over(settings, store), start, end, chosen.label)
    text = render_markdown(report)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "training.md").write_text(text, encoding="utf-8")
        write_json(out / "training.json", report.model_dump(mode="json"))
    console.print(text, highlight=False, markup=False)
