"""`belbot search "vraag"`: ranked passages with title, section, score and a snippet."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from belbot.cli.context import CliState, console, domain_errors
from belbot.retrieval.service import open_retriever


def search(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="De vraag van de medewerker.")],
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="Aantal passages.")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, bm25 of dense.")] = "",
) -> None:
    """Zoek de best passende passages in de kennisbank."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        if mode and mode not in ("hybrid", "bm25", "dense"):
            from belbot.errors import InvalidInputError

            raise InvalidInputError("--mode moet hybrid, bm25 of dense zijn.")
        retriever = open_retriever(settings)
        passages = retriever.search(question, k=k, mode=mode or None)  # type: ignore[arg-type]
    table = Table(title=f"Index {retriever.index.version_id}", show_lines=True)
    for column in ("#", "Document", "Sectie", "Score", "Fragment"):
        table.add_column(column, overflow="fold")
    for passage in passages:
        snippet = " ".join(passage.chunk.text.split())
        table.add_row(
            str(passage.rank),
            f"{passage.document.title}\n({passage.document.file_name}, r. "
            f"{passage.chunk.line_start}-{passage.chunk.line_end})",
            passage.chunk.section or "-",
            f"{passage.score:.4f}",
            snippet[:300] + ("…" if len(snippet) > 300 else ""),
        )
    console.print(table)
