"""`belbot llm-serve`: llama-cpp-python's OpenAI-compatible server (`llama_cpp.server`) on a
GGUF, on loopback by default, for API workers with ``llm.backend = "openai-compatible"``.

It loads the model as the in-process backend does (context size from ``llm.n_ctx``, seed 0,
a fresh context per request), so a server answers a prompt exactly as `belbot ask` would.
``--parallel N`` runs N processes behind the one port, each with its own copy of the model
(llama_cpp.server itself answers one request at a time). SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
from fastapi import FastAPI
from pydantic import BaseModel

from belbot.cli.context import CliState, console, domain_errors
from belbot.errors import ModelUnavailableError

# How the command hands its settings to the server process(es) it starts.
CONFIG_ENV = "BELBOT_LLM_SERVE_CONFIG"
# As llama_backend.load_llama: the same seed gives the same answers.
MODEL_SEED = 0


class LlmServeConfig(BaseModel):
    gguf: Path
    alias: str
    n_ctx: int
    threads: int
    api_key: str = ""


def create_llm_app() -> FastAPI:
    """One server process: the model loaded, the OpenAI routes, and GET /health, which,
    unlike /v1/models, answers without waiting for the model to be free."""
    from llama_cpp.server import app as server_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    config = LlmServeConfig.model_validate_json(os.environ[CONFIG_ENV])
    app: FastAPI = server_app.create_app(
        server_settings=ServerSettings(api_key=config.api_key or None),
        model_settings=[
            ModelSettings(
                model=str(config.gguf),
                model_alias=config.alias,
                n_ctx=config.n_ctx,
                n_threads=config.threads,
                seed=MODEL_SEED,
                verbose=False,
            )
        ],
    )
    proxy: Any = server_app._llama_proxy  # holds the one model create_app loaded
    _fresh_context_per_request(proxy())

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _fresh_context_per_request(llama: Any) -> None:
    """llama_cpp.Llama reuses the cached prefix of the previous prompt; the in-process
    backend resets first, so the answer never depends on the request before. Same here."""
    complete = llama.create_completion

    def fresh(*args: Any, **kwargs: Any) -> Any:
        llama.reset()
        return complete(*args, **kwargs)

    llama.create_completion = fresh


def llm_serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Poort.")] = 8081,
    host: Annotated[str, typer.Option(help="Adres; loopback, niet op het netwerk.")] = "127.0.0.1",
    gguf: Annotated[
        Path | None,
        typer.Option("--gguf", dir_okay=False, help="GGUF-bestand; standaard llm.gguf_path."),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="CPU-threads per proces; standaard llm.threads."),
    ] = None,
    parallel: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Processen achter de poort, elk met een eigen model (standaard "
            "llm.server_parallel); zet llm.server_parallel aan de API-kant gelijk.",
        ),
    ] = None,
) -> None:
    """Start een OpenAI-compatibele taalmodelserver (llama_cpp.server) voor de API-processen."""
    import uvicorn

    from belbot.answering.llama_backend import default_threads

    state: CliState = ctx.obj
    settings = state.settings()
    model = gguf or settings.llm.gguf_path
    processes = parallel or settings.llm.server_parallel
    config = LlmServeConfig(
        gguf=model.resolve(),
        alias=settings.llm.server_model,
        n_ctx=settings.llm.n_ctx,
        threads=threads or settings.llm.threads or default_threads(),
        api_key=settings.llm.api_key,
    )
    with domain_errors():
        if not model.is_file():
            raise ModelUnavailableError(
                f"Taalmodel niet gevonden: {model}. Draai 'belbot models assemble'."
            )
        os.environ[CONFIG_ENV] = config.model_dump_json()
        console.print(
            f"Taalmodelserver op http://{host}:{port}/v1 (model {config.alias}: {model.name}, "
            f"n_ctx {config.n_ctx}, {config.threads} threads, {processes} proces(sen))",
            highlight=False,
            soft_wrap=True,
        )
        # uvicorn finishes the requests in flight on SIGTERM, then raises the signal again:
        # this handler turns that into a plain exit (status 0).
        signal.signal(signal.SIGTERM, _stopped)
        try:
            uvicorn.run(
                "belbot.cli.llm_cmd:create_llm_app",
                factory=True,
                host=host,
                port=port,
                workers=processes,
                log_level="warning",
                access_log=False,
            )
        finally:
            console.print("Taalmodelserver gestopt.")


def _stopped(signum: int, frame: FrameType | None) -> None:
    raise typer.Exit(0)
