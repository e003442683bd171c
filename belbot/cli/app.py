"""The `belbot` command: one sub-command per job, all thin over the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from belbot.cli import (
    ask_cmd,
    bench_cmd,
    db_cmd,
    eval_cmd,
    ingest_cmd,
    llm_cmd,
    models_cmd,
    monitor_cmd,
    report_cmd,
    search_cmd,
    serve_cmd,
    training_cmd,
)
from belbot.cli.context import CliState

app = typer.Typer(
    name="belbot",
    help="BelBot: dialoogondersteuning voor de BelastingTelefoon, met bronnen bij elk antwoord.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML-configuratiebestand.", dir_okay=False)
    ] = None,
) -> None:
    ctx.obj = CliState(config_file=config)


app.command("ingest")(ingest_cmd.ingest)
app.command("search")(search_cmd.search)
app.command("ask")(ask_cmd.ask)
app.command("replay")(ask_cmd.replay)
app.command("serve")(serve_cmd.serve)
app.command("llm-serve")(llm_cmd.llm_serve)
app.add_typer(eval_cmd.app, name="eval")
app.add_typer(bench_cmd.app, name="bench")
app.add_typer(models_cmd.app, name="models")
app.add_typer(report_cmd.app, name="report")
app.add_typer(monitor_cmd.review_app, name="review")
app.command("purge")(monitor_cmd.purge)
app.add_typer(db_cmd.app, name="db")
app.add_typer(training_cmd.app, name="training")
app.add_typer(training_cmd.keys_app, name="keys")


def main() -> None:
    app()
