"""`belbot db ...`: the conversation store's schema and its portable backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from belbot.cli.context import CliState, console, domain_errors, existing_store
from belbot.store.backup import backup, restore
from belbot.store.schema import current_revision, head_revision
from belbot.store.store import open_database, open_store

app = typer.Typer(
    help="De gespreksopslag (SQLite of PostgreSQL): schemaversie, reservekopie en herstel.",
    no_args_is_help=True,
)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Toon de opslag, haar schemaversie en de nieuwste; migreert niets."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        db = open_database(settings)
        try:
            revision = current_revision(db)
        finally:
            db.close()
    newest = head_revision()
    console.print(f"Opslag: {db.dialect}, {db.description}")
    console.print(f"Schemaversie: {revision or 'leeg'} (nieuwste: {newest})")


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Breng het schema naar de nieuwste versie (dat gebeurt ook bij elke start)."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        store = open_store(settings)
        try:
            store.warm_up()
            console.print(f"Schemaversie {store.revision()} ({store.engine}).")
        finally:
            store.close()


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="Doelbestand (gzip met JSON-regels).")
    ],
) -> None:
    """Schrijf de hele opslag naar één draagbaar bestand, leesbaar voor beide engines."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors(), existing_store(settings) as store:
        report = backup(store, out)
    console.print(
        f"Reservekopie {report.path}: {sum(report.rows.values())} rijen uit "
        f"{len(report.rows)} tabellen, schemaversie {report.revision} ({report.engine})."
    )


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="Een bestand van `belbot db backup`."),
    ],
) -> None:
    """Zet een reservekopie terug in de geconfigureerde opslag, die leeg moet zijn."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        store = open_store(settings)
        try:
            report = restore(store, source)
        finally:
            store.close()
    console.print(
        f"Hersteld in {report.engine}: {sum(report.rows.values())} rijen uit "
        f"{len(report.rows)} tabellen, schemaversie {report.revision}."
    )
