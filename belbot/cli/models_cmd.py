"""`belbot models ...`: the models in use, from their PyPI packages."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from belbot.cli.context import CliState, console
from belbot.modelfiles import assemble_gguf, model_entries
from belbot.settings import PROJECT_ROOT

app = typer.Typer(help="Modellen en hun herkomst.", no_args_is_help=True)
MANIFEST = PROJECT_ROOT / "models" / "manifest.json"


@app.command("manifest")
def manifest(
    ctx: typer.Context,
    write: Annotated[bool, typer.Option("--write", help="Schrijf models/manifest.json.")] = False,
) -> None:
    """Toon (of schrijf) naam, pakket, versie en sha256 van elk model."""
    ctx.obj.settings() if isinstance(ctx.obj, CliState) else None
    data = json.dumps([e.model_dump() for e in model_entries()], indent=2, ensure_ascii=False)
    if write:
        MANIFEST.write_text(data + "\n", encoding="utf-8")
    console.print_json(data)


@app.command("assemble")
def assemble() -> None:
    """Zet het GGUF-bestand van het taalmodel samen uit zijn pakketten (in models/gguf/)."""
    console.print(str(assemble_gguf()))
