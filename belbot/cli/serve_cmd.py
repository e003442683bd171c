"""`belbot serve`: the API and the side panel on 127.0.0.1, in one process or several."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from belbot.cli.context import CliState, console, domain_errors, err_console


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Adres; standaard 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Poort; standaard 8000.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="API-werkprocessen (standaard api.workers = 1). Meer dan één past bij "
            "taalmodelservers (llm.backend openai-compatible): elk proces houdt anders een "
            "eigen model in het geheugen.",
        ),
    ] = None,
) -> None:
    """Start de API en het zijpaneel (http://127.0.0.1:8000/)."""
    import uvicorn

    state: CliState = ctx.obj
    settings = state.settings()
    host = host or settings.api.host
    port = port or settings.api.port
    workers = workers or settings.api.workers
    with domain_errors():
        if workers == 1:
            from belbot.api.app import create_app

            app = create_app(settings)
            console.print(f"BelBot op http://{host}:{port}/ (API-documentatie: /docs)")
            uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
            return
        from belbot.api.asgi import prepare_workers

        if settings.llm.backend == "llama-cpp" and settings.answering.use_llm:
            err_console.print(
                f"[yellow]Let op:[/yellow] elk van de {workers} werkprocessen laadt zijn eigen "
                "taalmodel; met 'belbot llm-serve' en llm.backend=openai-compatible niet."
            )
        prepare_workers(settings)
        if state.config_file is not None:
            # The workers read their settings from the environment, as the CLI does.
            os.environ["BELBOT_CONFIG_FILE"] = str(state.config_file.resolve())
        console.print(
            f"BelBot op http://{host}:{port}/ met {workers} werkprocessen (API-documentatie: /docs)"
        )
        uvicorn.run(
            "belbot.api.asgi:create_app_from_env",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
        )
