"""`belbot ingest [PATH...]`: build or update the index."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from belbot.cli.context import CliState, console, domain_errors, err_console
from belbot.embedding.factory import create_embedder
from belbot.index.builder import IndexBuilder


def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Bestanden of mappen; zonder pad de standaardkennisbank."),
    ] = None,
) -> None:
    """Bouw de index (of werk hem bij): alleen gewijzigde passages worden opnieuw ingebed."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        builder = IndexBuilder(settings, create_embedder(settings.embedding))
        with Progress(
            TextColumn("Passages inbedden"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=False,
        ) as bar:
            task = bar.add_task("embed", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = builder.build(paths or None, progress=progress)
    for skipped in report.skipped:
        err_console.print(f"[yellow]Overgeslagen:[/yellow] {skipped.message}")
    status = "bijgewerkt" if report.changed else "al actueel"
    console.print(
        f"Index {report.version_id} {status}: {report.documents} documenten, "
        f"{report.chunks} passages ({report.embedded} ingebed, {report.reused} hergebruikt), "
        f"{report.seconds:.1f} s."
    )
