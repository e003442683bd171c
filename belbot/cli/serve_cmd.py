"""`belbot serve`: the API and the side panel on 127.0.0.1."""

from __future__ import annotations

from typing import Annotated

import typer

from belbot.cli.context import CliState, console, domain_errors


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Adres; standaard 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Poort; standaard 8000.")] = None,
) -> None:
    """Start de API en het zijpaneel (http://127.0.0.1:8000/)."""
    import uvicorn

    from belbot.api.app import create_app

    state: CliState = ctx.obj
    settings = state.settings()
    host = host or settings.api.host
    port = port or settings.api.port
    with domain_errors():
        app = create_app(settings)
        console.print(f"BelBot op http://{host}:{port}/ (API-documentatie: /docs)")
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
