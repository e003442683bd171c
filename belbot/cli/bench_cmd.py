"""`belbot bench capacity`: servers needed for the seed's load, from the load-test figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from belbot.capacity import load_measured, merge_inputs, plan
from belbot.cli.context import JsonOption, console, domain_errors, write_json
from belbot.settings import PROJECT_ROOT

app = typer.Typer(help="Capaciteit en belasting.", no_args_is_help=True)
DEFAULT_RESULTS = PROJECT_ROOT / "eval" / "reports" / "load" / "results.json"


@app.command("capacity")
def capacity(
    inputs: Annotated[
        Path,
        typer.Option(
            "--inputs",
            dir_okay=False,
            help="Meetresultaten (capacity_inputs); standaard eval/reports/load/results.json.",
        ),
    ] = DEFAULT_RESULTS,
    agents: Annotated[
        float | None, typer.Option("--agents", min=1, help="Gelijktijdige agenten.")
    ] = None,
    interactions: Annotated[
        float | None, typer.Option("--interactions-per-year", min=1, help="Gesprekken per jaar.")
    ] = None,
    peak_factor: Annotated[
        float | None, typer.Option("--peak-factor", min=1, help="Piekuur / gemiddeld uur.")
    ] = None,
    answers_per_interaction: Annotated[
        float | None, typer.Option("--answers-per-interaction", min=0, help="Vragen per gesprek.")
    ] = None,
    hours: Annotated[
        float | None, typer.Option("--opening-hours", min=1, help="Openingsuren per jaar.")
    ] = None,
    cache_hit_rate: Annotated[
        float | None, typer.Option("--cache-hit-rate", min=0, max=1, help="Aandeel uit cache.")
    ] = None,
    llm_share: Annotated[
        float | None,
        typer.Option(
            "--llm-share", min=0, max=1, help="Aandeel niet-gecachte antwoorden met model."
        ),
    ] = None,
    api_cpu: Annotated[
        float | None, typer.Option("--api-cpu-s", min=0, help="API-CPU-seconden per antwoord.")
    ] = None,
    llm_tps: Annotated[
        float | None,
        typer.Option("--llm-tokens-per-s", min=0.001, help="Tokens/s van één 270M-server."),
    ] = None,
    llm_tpa: Annotated[
        float | None, typer.Option("--llm-tokens-per-answer", min=0, help="270M: tokens/antwoord.")
    ] = None,
    gpu_tps: Annotated[
        float | None,
        typer.Option("--gpu-tokens-per-s", min=0.001, help="Tokens/s van één GPU-server."),
    ] = None,
    gpu_tpa: Annotated[
        float | None, typer.Option("--gpu-tokens-per-answer", min=0, help="GPU: tokens/antwoord.")
    ] = None,
    utilisation: Annotated[
        float | None,
        typer.Option("--utilisation", min=0.01, max=1, help="Doelbenutting per server."),
    ] = None,
    json_out: JsonOption = None,
) -> None:
    """Servers voor 1.000 gelijktijdige agenten en 10 miljoen gesprekken per jaar; elke invoer
    is gemeten (met herkomst), aangenomen of opgegeven."""
    with domain_errors():
        measured = load_measured(inputs) if inputs.is_file() else {}
        figures = merge_inputs(
            measured,
            {
                "concurrent_agents": agents,
                "interactions_per_year": interactions,
                "peak_factor": peak_factor,
                "answers_per_interaction": answers_per_interaction,
                "opening_hours_per_year": hours,
                "cache_hit_rate": cache_hit_rate,
                "llm_share_uncached": llm_share,
                "api_cpu_s_per_answer": api_cpu,
                "llm_completion_tokens_per_s": llm_tps,
                "llm_completion_tokens_per_answer": llm_tpa,
                "gpu_completion_tokens_per_s": gpu_tps,
                "gpu_completion_tokens_per_answer": gpu_tpa,
                "target_utilisation": utilisation,
            },
        )
        result = plan(figures)
    if not inputs.is_file():
        console.print(f"[yellow]Geen meetresultaten in {inputs}: alleen aannames.[/yellow]")
    table = Table(title="Invoer", show_lines=False)
    for column in ("invoer", "waarde", "bron", "toelichting"):
        table.add_column(column, overflow="fold")
    for name, figure in figures.items():
        table.add_row(name, f"{figure.value:g}", figure.source, figure.note)
    console.print(table)
    out = Table(title="Capaciteit")
    for column in ("grootheid", "waarde", "formule"):
        out.add_column(column, overflow="fold")
    for row in result.rows:
        shown = f"{row.value:,.0f}" if row.value >= 1000 else f"{row.value:.3g}"
        out.add_row(row.quantity, shown, row.formula)
    console.print(out)
    if json_out is not None:
        write_json(json_out, result.to_dict())
