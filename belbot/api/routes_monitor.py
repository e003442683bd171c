"""The quality monitors' console: the filtered answer list, the trace of one answer (every
step recorded), replay, tag corrections and the audit log. Monitors and admins only; every
view of a conversation's content is written to the audit log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from belbot.answering.replay import replay
from belbot.api.deps import GateDep, MonitorDep, NotFoundError, ServiceDep, StoreDep
from belbot.api.schemas import TagCorrection
from belbot.errors import InvalidInputError
from belbot.store.monitoring import AnswerFilter, MonitoringStore
from belbot.store.store import ConversationStore
from belbot.store.types import AnswerNotFoundError, StoredAnswer
from belbot.tagging.taxonomy import Taxonomy

router = APIRouter(prefix="/v1/monitor", tags=["monitoring"])


def _stored(store: ConversationStore, answer_id: str) -> StoredAnswer:
    try:
        return store.get(answer_id)
    except AnswerNotFoundError as exc:
        raise NotFoundError(exc.message) from exc


@router.get("/answers")
def list_answers(
    request: Request,
    store: StoreDep,
    identity: MonitorDep,
    since: date | None = None,
    until: Annotated[date | None, Query(description="Inclusief: de hele dag telt mee.")] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    path: Literal["generated", "extractive", "refused", "blocked"] | None = None,
    thumbs: Literal["up", "down"] | None = None,
    reason: Annotated[str | None, Query(max_length=64)] = None,
    escalated: bool | None = None,
    max_support: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    agent: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Antwoorden met filters (periode, onderwerp, route, duimen en reden, escalatie, lage
    verificatiescore, medewerker), nieuwste eerst."""
    if since and until and until < since:
        raise InvalidInputError("'until' ligt voor 'since'.")
    where = AnswerFilter(
        since=since.isoformat() if since else None,
        until=(until + timedelta(days=1)).isoformat() if until else None,
        tag=tag or None,
        path=path,
        thumbs=thumbs,
        reason=reason or None,
        escalated=escalated,
        max_support=max_support,
        agent=agent or None,
    )
    monitoring = MonitoringStore(store)
    total, items = monitoring.list_answers(where, limit, offset)
    labels = {t.id: t.label for t in request.app.state.taxonomy.tags}
    for item in items:
        item["tag_label"] = labels.get(item["tag"], item["tag"])
    monitoring.audit(identity.agent_id, identity.role, "list", "answers", f"{len(items)}/{total}")
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get("/answers/{answer_id}/trace")
def trace(answer_id: str, store: StoreDep, identity: MonitorDep) -> dict[str, Any]:
    """Alle stappen van één antwoord: vraag (geredigeerd), guardrails, gevonden passages met
    scores, de prompt zoals verstuurd, de ruwe modeluitvoer, verificatie, bronnen, tijden en
    versies, plus feedback, escalaties, onderwerpcorrecties en beoordelingen."""
    stored = _stored(store, answer_id)
    answer = stored.answer
    monitoring = MonitoringStore(store)
    monitoring.audit(identity.agent_id, identity.role, "view_trace", "answer", answer_id)
    return {
        "answer": {
            **answer.model_dump(mode="json"),
            "path_class": answer.path_class,
            "support_min": answer.support_min,
        },
        "current_tag": monitoring.current_tag(answer_id),
        "agent_id": store.conversation_owner(answer.conversation_id),
        "prompt": stored.prompt,
        "raw_output": stored.raw_output,
        "history": stored.history,
        **monitoring.trace_extras(answer_id, answer.conversation_id),
    }


@router.post("/answers/{answer_id}/replay")
def replay_answer(
    answer_id: str,
    request: Request,
    store: StoreDep,
    service: ServiceDep,
    gate: GateDep,
    identity: MonitorDep,
) -> dict[str, Any]:
    """Speel het antwoord opnieuw af met dezelfde index, model en instellingen en vergelijk."""
    _stored(store, answer_id)
    MonitoringStore(store).audit(identity.agent_id, identity.role, "replay", "answer", answer_id)
    with gate.hold():
        report = replay(request.app.state.settings, answer_id, store=store, running=service)
    return {
        "answer_id": report.answer_id,
        "identical": report.identical,
        "checks": report.checks,
        "original_text": report.original_text,
        "replayed_text": report.replayed_text,
    }


@router.post("/answers/{answer_id}/tag")
def correct_tag(
    answer_id: str, body: TagCorrection, request: Request, store: StoreDep, identity: MonitorDep
) -> dict[str, Any]:
    """Corrigeer het onderwerp van een vraag; elke correctie wordt bewaard en geteld."""
    taxonomy: Taxonomy = request.app.state.taxonomy
    if body.tag not in taxonomy.ids:
        raise InvalidInputError(f"Onbekend onderwerp '{body.tag}'.")
    _stored(store, answer_id)
    old = MonitoringStore(store).correct_tag(answer_id, body.tag, identity.agent_id)
    return {
        "answer_id": answer_id,
        "tag": body.tag,
        "label": taxonomy.get(body.tag).label,
        "previous_tag": old,
        "corrected_by": identity.agent_id,
    }


@router.get("/audit")
def audit(
    store: StoreDep,
    identity: MonitorDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    actor: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Wie heeft wat bekeken, en wanneer (nieuwste eerst)."""
    return {"items": MonitoringStore(store).audit_entries(limit, actor)}
