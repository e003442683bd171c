"""`belbot review ...` and `belbot purge`: the monitors' sample and the retention run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from belbot.cli.context import CliState, console, domain_errors, existing_store
from belbot.monitoring.kpi import parse_period
from belbot.monitoring.retention import purge as purge_store
from belbot.monitoring.review import sample_into_queue
from belbot.store.reviews import ReviewStore

review_app = typer.Typer(help="Steekproeven voor kwaliteitsbeoordeling.", no_args_is_help=True)


@review_app.command("sample")
def sample(
    ctx: typer.Context,
    period: Annotated[
        str, typer.Option("--period", help="Week (2026-W47), maand, dag of reeks A..B.")
    ],
    n: Annotated[int, typer.Option("--n", min=1, max=1000, help="Aantal antwoorden.")],
    seed: Annotated[int, typer.Option("--seed", help="Zelfde seed = zelfde steekproef.")] = 1,
    by: Annotated[str, typer.Option("--by", help="Wie de steekproef trekt.")] = "cli",
) -> None:
    """Trek een gestratificeerde steekproef (onderwerp × route) in de beoordelingsrij."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors(), existing_store(settings) as store:
        chosen = parse_period(period)
        reviews = ReviewStore(store)
        drawn = sample_into_queue(reviews, chosen.start, chosen.end, n, seed, by)
        table = Table(title=f"Steekproef {drawn.batch_id} ({drawn.period})")
        for column in ("stratum (onderwerp/route)", "in periode", "getrokken"):
            table.add_column(column, justify="left" if column.startswith("stratum") else "right")
        for stratum, size in drawn.population.items():
            table.add_row(stratum, str(size), str(drawn.strata.get(stratum, 0)))
        console.print(table)
        console.print(f"{len(drawn.items)} antwoorden in de rij; open ze in de console.")


def purge(
    ctx: typer.Context,
    older_than_days: Annotated[
        int | None,
        typer.Option("--older-than-days", min=0, help="Standaard: store.retention_days."),
    ] = None,
) -> None:
    """Verwijder gesprekken ouder dan de bewaartermijn; alleen dagtellers blijven."""
    state: CliState = ctx.obj
    settings = state.settings()
    days = settings.store.retention_days if older_than_days is None else older_than_days
    with domain_errors(), existing_store(settings) as store:
        report = purge_store(store, datetime.now(UTC) - timedelta(days=days))
    console.print(
        f"{report.conversations} gesprekken en {report.answers} antwoorden verwijderd "
        f"(gestart voor {report.cutoff}); tellers bijgewerkt voor {report.days_counted} dagen."
    )
