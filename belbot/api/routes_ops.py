"""Health, readiness, metrics and the admin's re-ingestion."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from belbot.api.deps import AdminDep, MetricsDep, ServiceDep
from belbot.api.schemas import Health
from belbot.embedding.factory import create_embedder
from belbot.errors import BelbotError
from belbot.index.builder import IndexBuilder
from belbot.retrieval.service import open_retriever

router = APIRouter(tags=["beheer"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health)
def readyz(request: Request) -> Health | Response:
    service = getattr(request.app.state, "service", None)
    if not request.app.state.ready or service is None:
        return Response('{"status":"starting"}', 503, media_type="application/json")
    guardrails = service.guardrails
    return Health(
        status="ready",
        index_version=service.retriever.index.version_id,
        model=service.model_info.model_id,
        prompt_version=service.prompt_version,
        policy_version=guardrails.policy_version if guardrails else "",
    )


@router.get("/metrics")
def metrics(metrics: MetricsDep) -> Response:
    return Response(metrics.render(), media_type="text/plain; version=0.0.4")


@router.post("/v1/admin/reingest")
def reingest(request: Request, service: ServiceDep, identity: AdminDep) -> dict[str, object]:
    """Werk de index bij en schakel de draaiende dienst over op de nieuwe versie."""
    settings = request.app.state.settings
    report = IndexBuilder(settings, create_embedder(settings.embedding)).build()
    if not report.documents:
        raise BelbotError("Geen documenten geïndexeerd.")
    if report.version_id != service.retriever.index.version_id:
        service.use_retriever(open_retriever(settings, report.version_id, warm=False))
    # Scenarios whose passages changed go back to a coach (issue 11).
    flagged = request.app.state.training.check_knowledge()
    return {
        "version_id": report.version_id,
        "changed": report.changed,
        "documents": report.documents,
        "chunks": report.chunks,
        "skipped": [s.message for s in report.skipped],
        "scenarios_flagged": flagged,
    }
