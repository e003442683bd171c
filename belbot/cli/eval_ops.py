"""`belbot eval ops --since DATE`: the committee's operational measures from the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from belbot.cli.context import (
    CliState,
    JsonOption,
    WattsOption,
    console,
    domain_errors,
    existing_store,
    write_json,
)
from belbot.evaluation.ops import (
    OpsReport,
    Spread,
    operational_report,
    parse_moment,
)


def _fmt(value: float | None, suffix: str = "") -> str:
    return "–" if value is None else f"{value:g}{suffix}"


def _pair(spread: Spread, unit: str = "") -> str:
    return f"{_fmt(spread.p50, unit)} / {_fmt(spread.p95, unit)}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _table(report: OpsReport) -> Table:
    table = Table(title=f"Operationeel {report.since} – {report.until or 'nu'}")
    table.add_column("maat")
    table.add_column("waarde")
    volume, thumbs = report.volume, report.feedback
    find, resolve = report.time_to_find, report.time_to_resolve
    paths, cost = report.paths, report.cost
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(thumbs.reasons.items())) or "–"
    rows = [
        ("gesprekken", str(volume.conversations)),
        ("antwoorden (herhaald uit cache)", f"{volume.answers} ({volume.cached_replays})"),
        ("duim omhoog / omlaag", f"{thumbs.up} / {thumbs.down} ({_pct(thumbs.up_rate)} omhoog)"),
        ("redenen duim omlaag", reasons),
        ("tijd tot vinden p50 / p95",
         f"{_pair(find.seconds, ' s')} ({find.found} van {find.shown} getoond)"),
        ("tijd tot afronden p50 / p95",
         f"{_pair(resolve.seconds, ' s')} ({resolve.ended} beëindigd, {resolve.open} open)"),
        *((f"route {path}", f"{paths.counts[path]} ({_pct(paths.rates[path])})")
          for path in paths.counts),
        ("terugval van beantwoorde", _pct(paths.fallback_of_answered)),
        ("latentie totaal p50 / p95", _pair(report.latency.total_ms, " ms")),
        *((f"  {stage} p50 / p95", f"{_pair(s)} (n={s.n})")
          for stage, s in report.latency.stages.items()),
        ("CPU per antwoord gem. / p95",
         f"{_fmt(cost.cpu_s_mean, ' s')} / {_fmt(cost.cpu_s.p95, ' s')} (n={cost.answers})"),
        (f"energie per antwoord ({cost.watts_per_core:g} W per kern)",
         _fmt(cost.wh_per_answer, " Wh")),
    ]  # fmt: skip
    for row in rows:
        table.add_row(*row)
    return table


def ops(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="Vanaf deze datum (JJJJ-MM-DD).")],
    until: Annotated[
        str | None, typer.Option("--until", help="Tot en met deze datum; standaard nu.")
    ] = None,
    watts: WattsOption = None,
    json_out: JsonOption = None,
) -> None:
    """Duimen, tijd tot vinden en afronden, routes, latentie en kosten per antwoord."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        start = parse_moment(since, "--since")
        end = parse_moment(until, "--until", end_of_day=True) if until is not None else None
        with existing_store(settings) as store:
            assumed = watts if watts is not None else settings.evaluation.watts_per_core
            report = operational_report(store, start, end, assumed)
    console.print(_table(report))
    if cost_note := _cost_note(report):
        console.print(cost_note, style="dim")
    if json_out is not None:
        write_json(json_out, report.model_dump(mode="json"))


def _cost_note(report: OpsReport) -> str:
    cost = report.cost
    notes = []
    if cost.missing_cpu:
        notes.append(f"CPU: {cost.missing_cpu} antwoord(en) van vóór de meting tellen niet mee.")
    if cost.model_out_of_process:
        notes.append(
            f"{cost.model_out_of_process} antwoorden gebruikten een model achter een "
            "HTTP-server; die CPU-tijd is niet gemeten."
        )
    return " ".join(notes)
