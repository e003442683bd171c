"""`belbot eval facts`: precision and recall of practice mode's fact matching on labelled
trainee answers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from belbot.cli.context import CliState, JsonOption, console, domain_errors, write_json
from belbot.cli.eval_tags import _shown
from belbot.evaluation.fact_eval import evaluate_matching, load_labelled
from belbot.settings import PROJECT_ROOT
from belbot.tagging.taxonomy import load_taxonomy
from belbot.training.library import load_scenarios
from belbot.training.matching import FactMatcher, MatchSettings

DEFAULT_TESTSET = PROJECT_ROOT / "eval" / "testsets" / "training_answers.jsonl"


def facts(
    ctx: typer.Context,
    testset: Annotated[
        Path, typer.Option("--testset", help="Gelabelde cursistantwoorden (JSON Lines).")
    ] = DEFAULT_TESTSET,
    show_errors: Annotated[bool, typer.Option("--errors", help="Toon de fouten.")] = False,
    output: JsonOption = None,
) -> None:
    """Precisie en recall van het herkennen van vereiste feiten in oefenantwoorden."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        taxonomy = load_taxonomy(settings.tagging.taxonomy_file)
        scenarios = {
            s.id: s for s in load_scenarios(settings.training.scenarios_file, set(taxonomy.ids))
        }
        items = load_labelled(testset, scenarios)
        match_settings = MatchSettings(
            settings.training.min_coverage, settings.training.min_coverage_with_numbers
        )
        evaluation = evaluate_matching(FactMatcher(match_settings), items, scenarios)
    o = evaluation.overall
    console.print(
        f"Feitherkenning op {testset.name}: {evaluation.answers} antwoorden, "
        f"{evaluation.facts} feiten: precisie {o.precision}, recall {o.recall} "
        f"(tp {o.tp}, fp {o.fp}, fn {o.fn}, tn {o.tn})"
    )
    for kind, c in sorted(evaluation.by_kind.items()):
        console.print(f"  {kind:<11} precisie {c.precision}  recall {c.recall}  "
                      f"(tp {c.tp}, fp {c.fp}, fn {c.fn}, tn {c.tn})")  # fmt: skip
    if show_errors:
        for error in evaluation.errors:
            console.print(error, highlight=False, markup=False)
    if output is not None:
        payload = {
            "testset": _shown(testset),
            "settings": {"min_coverage": match_settings.min_coverage,
                         "min_coverage_with_numbers": match_settings.min_coverage_with_numbers},
            **evaluation.to_dict(),
        }  # fmt: skip
        write_json(output, payload)
