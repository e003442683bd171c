"""Start-up shared by the sub-commands: environment, settings, logging, error translation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.console import Console

from belbot.errors import BelbotError, ConfigError, InvalidInputError
from belbot.logs import configure_logging
from belbot.runtime import prepare_environment
from belbot.settings import Settings, load_settings
from belbot.store.store import ConversationStore, open_store

console = Console()
err_console = Console(stderr=True)

# Options several report commands share.
JsonOption = Annotated[Path | None, typer.Option("--json", help="Schrijf de cijfers ook als JSON.")]
WattsOption = Annotated[
    float | None,
    typer.Option(
        "--watts",
        min=0.1,
        help="Aangenomen vermogen per bezette CPU-kern, voor Wh (standaard "
        "evaluation.watts_per_core).",
    ),
]


@dataclass
class CliState:
    config_file: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            prepare_environment()
            self._settings = load_settings(self.config_file)
            configure_logging(self._settings.log)
        return self._settings


@contextmanager
def domain_errors() -> Iterator[None]:
    """Domain errors become a Dutch message and an exit code, never a traceback."""
    try:
        yield
    except InvalidInputError as exc:
        err_console.print(f"[red]Fout ({exc.code}):[/red] {exc.message}")
        raise typer.Exit(code=2) from exc
    except BelbotError as exc:
        err_console.print(f"[red]Fout ({exc.code}):[/red] {exc.message}")
        raise typer.Exit(code=1) from exc


@contextmanager
def existing_store(settings: Settings) -> Iterator[ConversationStore]:
    """The configured conversation store, which must exist: read for measures over what
    agents did, never created by a report (a PostgreSQL database is there or the connection
    fails)."""
    if not settings.store.url.get_secret_value() and not settings.store_path.is_file():
        raise ConfigError(f"Geen gespreksopslag gevonden op {settings.store_path}.")
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


def write_json(path: Path, payload: object) -> None:
    """A report file (UTF-8, indented), its folder created if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")


def scratch_settings(settings: Settings, tmp: str, use_llm: bool, **updates: object) -> Settings:
    """Evaluation answers go to a scratch store (a SQLite file, whatever store.url says),
    never into the agents' conversation log."""
    scratch = {"path": Path(tmp) / "eval.db", "url": SecretStr("")}
    return settings.model_copy(
        update={
            "store": settings.store.model_copy(update=scratch),
            "answering": settings.answering.model_copy(update={"use_llm": use_llm}),
            **updates,
        }
    )
