"""The API as an import string, for uvicorn's worker processes: `belbot serve --workers N`
runs `belbot.api.asgi:create_app_from_env` with ``factory=True`` in each worker. A worker
reads its settings the way the CLI does: BELBOT_* variables over the TOML file named by
BELBOT_CONFIG_FILE (which `--config` sets for the workers) over the defaults."""

from __future__ import annotations

from fastapi import FastAPI

from belbot.api.app import bootstrap_keys, create_app
from belbot.logs import configure_logging
from belbot.runtime import prepare_environment
from belbot.settings import Settings, load_settings
from belbot.store.store import open_store


def create_app_from_env() -> FastAPI:
    """One worker's app; its models load in the app's lifespan, not here."""
    prepare_environment()
    settings = load_settings()
    configure_logging(settings.log)
    return create_app(settings)


def prepare_workers(settings: Settings) -> None:
    """Once, in the parent, before the workers start: the store's migrations and the
    development key, which N workers starting at the same moment would race over (a
    migration applied twice, N keys printed)."""
    store = open_store(settings)
    try:
        store.warm_up()
        bootstrap_keys(store, settings)
    finally:
        store.close()
