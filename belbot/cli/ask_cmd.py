"""`belbot ask "vraag"` and `belbot replay ANSWER_ID`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.panel import Panel

from belbot.answering.factory import create_answer_service
from belbot.answering.replay import replay as replay_answer
from belbot.answering.types import Answer
from belbot.cli.context import CliState, console, domain_errors, err_console


def _show(answer: Answer) -> None:
    label = {"generated": "gegenereerd en geverifieerd", "extractive": "letterlijk uit de bron",
             "refused": "geweigerd"}[answer.path]  # fmt: skip
    cached = f" — hergebruikt antwoord {answer.cached_from}" if answer.cached else ""
    console.print(Panel(answer.text, title=f"Antwoord ({label}){cached}", expand=False))
    console.print(f"Route: {answer.path} — {answer.path_reason}")
    console.print("Bronnen:")
    for c in answer.citations:
        snippet = " ".join(c.text.split())
        console.print(
            f"  [{c.marker}] {c.title} ({c.file_name}, r. {c.line_start}-{c.line_end})"
            f"{' — ' + c.section if c.section else ''}\n      {snippet[:240]}"
            f"{'…' if len(snippet) > 240 else ''}",
            highlight=False,
        )
    console.print(
        f"antwoord-id {answer.answer_id} · gesprek {answer.conversation_id} · index "
        f"{answer.index_version} · prompt {answer.prompt_version} · model {answer.model.model_id}"
        f" · {answer.timings.total_ms:.0f} ms",
        style="dim",
    )


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="De vraag van de medewerker.")],
    conversation: Annotated[
        str | None, typer.Option("--conversation", "-c", help="Vervolgvraag in dit gesprek.")
    ] = None,
    stream: Annotated[
        bool, typer.Option(help="Toon de conceptuitvoer terwijl die ontstaat.")
    ] = False,
    cache: Annotated[bool, typer.Option(help="Hergebruik eerdere antwoorden.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Het volledige antwoordrecord.")] = False,
) -> None:
    """Beantwoord een vraag met bronnen, of weiger als de kennisbank het niet zegt."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        service = create_answer_service(settings)
        service.warm_up()
        answer = None
        for event in service.ask_stream(question, conversation, use_cache=cache):
            if isinstance(event, Answer):
                answer = event
            elif stream and not as_json:
                err_console.print(event, end="", style="dim", highlight=False)
                sys.stderr.flush()
    assert answer is not None
    if stream and not as_json:
        err_console.print()
    if as_json:
        console.print_json(answer.model_dump_json())
    else:
        _show(answer)


def replay(
    ctx: typer.Context,
    answer_id: Annotated[str, typer.Argument(help="Het antwoord-id.")],
) -> None:
    """Voer een opgeslagen vraag opnieuw uit en controleer of de uitkomst bit-identiek is."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        report = replay_answer(settings, answer_id)
    for check, ok in report.checks.items():
        console.print(f"  {'✓' if ok else '✗'} {check}")
    verdict = "bit-identiek" if report.identical else "NIET identiek"
    console.print(f"Replay van {report.answer_id}: {verdict}")
    if not report.identical:
        console.print(f"origineel: {report.original_text}\nopnieuw:   {report.replayed_text}")
        raise typer.Exit(code=3)
