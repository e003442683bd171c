"""`belbot eval tags`: the question tagger on a labelled set, every method side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from belbot.cli.context import CliState, JsonOption, console, domain_errors, write_json
from belbot.evaluation.tag_eval import TagEvaluation, evaluate_tagger, load_tag_cases
from belbot.settings import PROJECT_ROOT

DEFAULT_TESTSET = PROJECT_ROOT / "eval" / "testsets" / "tags.jsonl"


def tags(
    ctx: typer.Context,
    testset: Annotated[
        Path, typer.Option("--testset", help="Gelabelde vragen (JSON Lines).")
    ] = DEFAULT_TESTSET,
    output: JsonOption = None,
) -> None:
    """Accuratesse, macro-F1, cijfers per tag en verwarringstabel van de vraagtags."""
    from belbot.tagging.classifier import create_tagger

    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        tagger = create_tagger(settings)
        tagger.warm_up()
        cases = load_tag_cases(testset, tagger.taxonomy.ids)
        evaluation = evaluate_tagger(tagger, cases)
    _print(evaluation, testset)
    if output is not None:
        payload = {
            "testset": _shown(testset),
            "settings": settings.tagging.model_dump(mode="json", exclude={"taxonomy_file"}),
            **evaluation.to_dict(),
        }
        write_json(output, payload)


def _shown(path: Path) -> str:
    """Inside the repository, the path relative to it: a committed report names no machine."""
    resolved = path.resolve()
    return str(
        resolved.relative_to(PROJECT_ROOT) if resolved.is_relative_to(PROJECT_ROOT) else path
    )


def _print(evaluation: TagEvaluation, testset: Path) -> None:
    methods = Table(
        title=f"Vraagtags op {testset.name} ({evaluation.count} vragen, "
        f"taxonomie {evaluation.taxonomy_version})"
    )
    for column in ("methode", "accuratesse", "macro-F1", "gem. zekerheid", "fout"):
        methods.add_column(column)
    for method, result in evaluation.results.items():
        name = f"{method} (in gebruik)" if method == evaluation.shipped else method
        methods.add_row(
            name, f"{result.metrics.accuracy:.3f}", f"{result.metrics.macro_f1:.3f}",
            f"{result.mean_confidence:.3f}", str(len(result.errors)),
        )  # fmt: skip
    console.print(methods)
    shipped = evaluation.results[evaluation.shipped].metrics
    per_tag = Table(title=f"Per tag ({evaluation.shipped})")
    for column in ("tag", "precisie", "recall", "F1", "n"):
        per_tag.add_column(column)
    for s in shipped.per_tag:
        per_tag.add_row(
            s.tag, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support)
        )
    console.print(per_tag)
    tags = list(shipped.confusion)
    # Four-letter codes keep the ten-column table inside an 80-column terminal.
    confusion = Table(
        title="Verwarringstabel (rijen: juist, kolommen: voorspeld)",
        caption="Codes: de eerste vier letters van de tag.",
    )
    confusion.add_column("")
    for tag in tags:
        confusion.add_column(tag[:4], justify="right")
    for gold in tags:
        confusion.add_row(gold[:4], *(str(shipped.confusion[gold][p] or ".") for p in tags))
    console.print(confusion)
    console.print(
        f"Latentie per vraag: p50 {evaluation.latency_ms_p50:.1f} ms, "
        f"p95 {evaluation.latency_ms_p95:.1f} ms"
    )
