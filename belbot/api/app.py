"""The app factory: FastAPI over the one AnswerService; routers stay thin, domain errors
become one JSON shape {code, message} with a Dutch message."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from belbot import __version__
from belbot.answering.factory import create_answer_service
from belbot.answering.service import AnswerService
from belbot.api import (
    routes_ask,
    routes_confirmation,
    routes_conversation,
    routes_dashboard,
    routes_feedback,
    routes_monitor,
    routes_ops,
    routes_read,
    routes_review,
    routes_training,
)
from belbot.api.deps import AuthError, ForbiddenError, NotFoundError
from belbot.api.gate import ModelGate, OverloadedError, model_slots
from belbot.api.metrics import Metrics
from belbot.confirmation.service import ConfirmationService
from belbot.errors import (
    BelbotError,
    ConfigError,
    IndexBusyError,
    IndexNotFoundError,
    InvalidInputError,
    ModelUnavailableError,
)
from belbot.logs import get_logger
from belbot.monitoring.retention import purge
from belbot.settings import PROJECT_ROOT, Settings
from belbot.store.confirmations import ConfirmationConflictError, ConfirmationNotFoundError
from belbot.store.reviews import ReviewItemNotFoundError
from belbot.store.store import ConversationStore
from belbot.tagging.taxonomy import Taxonomy, load_taxonomy
from belbot.training.service import TrainingService
from belbot.training.types import (
    AlreadyAnsweredError,
    NoScenarioError,
    ScenarioNotFoundError,
    SessionNotFoundError,
)

log = get_logger(__name__)
DEV_AGENT = "ontwikkelaar"
_STATUS = {
    InvalidInputError: 400,
    AuthError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    IndexBusyError: 409,
    ConfirmationConflictError: 409,
    ConfirmationNotFoundError: 404,
    ReviewItemNotFoundError: 404,
    ScenarioNotFoundError: 404,
    SessionNotFoundError: 404,
    NoScenarioError: 404,
    AlreadyAnsweredError: 409,
    OverloadedError: 503,
    ModelUnavailableError: 503,
    IndexNotFoundError: 503,
}


def create_training(
    service: AnswerService, taxonomy: Taxonomy, settings: Settings
) -> TrainingService:
    """Practice mode over the service's store, index (followed across re-ingestion) and
    redaction."""
    guardrails = service.guardrails

    def redact(text: str) -> str:
        return guardrails.redact(text)[0] if guardrails is not None else text

    store = service.store
    if store is None:
        raise ConfigError("Oefenen heeft de gespreksopslag nodig.")
    return TrainingService(
        store, settings.training, taxonomy, lambda: service.retriever.index, redact
    )


def bootstrap_keys(store: ConversationStore, settings: Settings) -> None:
    """Production needs real keys; development gets one admin key, printed once. Run in the
    parent before `serve --workers N` starts its workers, so they do not race to create it."""
    if settings.api.production:
        if store.count_keys() == 0 or store.count_keys(DEV_AGENT) > 0:
            raise ConfigError(
                "Productiemodus weigert te starten: maak eigen API-sleutels aan en trek de "
                "ontwikkelsleutel in."
            )
        return
    if store.count_keys() == 0:
        key = store.add_api_key("admin", DEV_AGENT)
        # Shown once; only its hash is stored.
        sys.stderr.write(f"\nOntwikkelsleutel (eenmalig getoond, rol admin): {key}\n\n")


async def _purge_on_schedule(store: ConversationStore, settings: Settings) -> None:
    """Retention while the service runs: the first purge at start-up, then every interval.
    A failure is logged and retried next time; it never stops the service."""
    interval = settings.store.purge_interval_s
    while interval > 0:
        try:
            cutoff = datetime.now(UTC) - timedelta(days=settings.store.retention_days)
            await asyncio.to_thread(purge, store, cutoff)
        except Exception as exc:
            log.error("retention.failed", error=type(exc).__name__)
        await asyncio.sleep(interval)


def create_app(settings: Settings, service: AnswerService | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = service or create_answer_service(settings)
        app.state.service.warm_up()
        app.state.store = app.state.service.store
        app.state.confirmations = ConfirmationService(
            app.state.store,
            # The current index's statistics: re-ingestion swaps the service's retriever.
            lambda: app.state.service.retriever.term_stats,
            settings.answering.support_threshold,
        )
        tagger = app.state.service.tagger
        app.state.taxonomy = (
            tagger.taxonomy if tagger is not None else load_taxonomy(settings.tagging.taxonomy_file)
        )
        app.state.training = create_training(app.state.service, app.state.taxonomy, settings)
        app.state.training.sync()
        bootstrap_keys(app.state.store, settings)
        retention = asyncio.create_task(_purge_on_schedule(app.state.store, settings))
        app.state.ready = True
        log.info("api.ready", host=settings.api.host, port=settings.api.port)
        yield
        app.state.ready = False
        retention.cancel()

    app = FastAPI(
        title="BelBot API",
        version=__version__,
        description="Dialoogondersteuning voor de BelastingTelefoon: antwoorden met bronnen.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.ready = False
    app.state.gate = ModelGate(
        settings.api.max_queue, settings.api.queue_timeout_s, slots=model_slots(settings)
    )
    app.state.metrics = Metrics()

    @app.exception_handler(BelbotError)
    async def _domain(_: Request, exc: BelbotError) -> JSONResponse:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
        headers = {"Retry-After": "5"} if status == 503 else None
        if status == 500:
            log.error("api.domain_error", code=exc.code)
        return JSONResponse({"code": exc.code, "message": exc.message}, status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) or "body" for e in exc.errors())
        return JSONResponse(
            {"code": "invalid_input", "message": f"Ongeldige invoer ({fields})."}, 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Niet gevonden.", 405: "Deze methode is hier niet toegestaan."}
        message = messages.get(exc.status_code, "Verzoek niet verwerkt.")
        return JSONResponse(
            {"code": f"http_{exc.status_code}", "message": message}, exc.status_code
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("api.unexpected_error", error=type(exc).__name__)
        return JSONResponse(
            {
                "code": "internal_error",
                "message": "Er ging iets mis in BelBot. Probeer het opnieuw.",
            },
            500,
        )

    @app.middleware("http")
    async def _measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "other")
        app.state.metrics.requests.labels(path, str(response.status_code)).inc()
        app.state.metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response

    for router in (
        routes_ask.router,
        routes_read.router,
        routes_feedback.router,
        routes_ops.router,
        routes_confirmation.router,
        routes_conversation.router,
        routes_monitor.router,
        routes_review.router,
        routes_dashboard.router,
        routes_training.router,
    ):
        app.include_router(router)
    app.mount("/", StaticFiles(directory=PROJECT_ROOT / "ui", html=True), name="ui")
    return app
