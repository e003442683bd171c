"""The agent's actions on a conversation besides asking: escalate it, stop recording it, and
the vocabularies the side panel shows (tags, escalation targets and reasons)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from belbot.api.deps import IdentityDep, StoreDep, check_conversation
from belbot.api.schemas import ESCALATION_REASONS, ESCALATION_TARGET_LABELS, EscalationRequest
from belbot.logs import get_logger
from belbot.monitoring.counters import escalation_counters
from belbot.monitoring.retention import stop_recording
from belbot.store.monitoring import MonitoringStore
from belbot.store.types import now_iso
from belbot.tagging.taxonomy import Taxonomy

router = APIRouter(prefix="/v1", tags=["gesprekken"])
log = get_logger(__name__)


@router.get("/tags")
def tags(request: Request, identity: IdentityDep) -> dict[str, Any]:
    """De onderwerpen (versie van de taxonomie) waarmee vragen worden gelabeld."""
    taxonomy: Taxonomy = request.app.state.taxonomy
    return {
        "version": taxonomy.version,
        "tags": [{"id": tag.id, "label": tag.label} for tag in taxonomy.tags],
    }


@router.get("/escalation-options")
def escalation_options(identity: IdentityDep) -> dict[str, Any]:
    return {
        "targets": [{"id": k, "label": v} for k, v in ESCALATION_TARGET_LABELS.items()],
        "reasons": list(ESCALATION_REASONS),
    }


@router.post("/conversations/{conversation_id}/escalations", status_code=201)
def escalate(
    conversation_id: str, body: EscalationRequest, store: StoreDep, identity: IdentityDep
) -> dict[str, Any]:
    """Escaleer het gesprek naar een collega of de specialistische desk."""
    check_conversation(store, identity, conversation_id)
    monitoring = MonitoringStore(store)
    tag = monitoring.conversation_tag(conversation_id, body.answer_id)
    if not store.retained(conversation_id):
        # Not recorded: the escalation counts, nothing else of it is kept.
        ephemeral = store.ephemeral_answer(body.answer_id) if body.answer_id else None
        tag = tag or (ephemeral.tag if ephemeral else None)
        store.add_counters(now_iso()[:10], escalation_counters(tag, body.target, body.reason))
        log.info("escalation.counted", conversation_id=conversation_id, target=body.target)
        return {
            "escalation_id": None,
            "conversation_id": conversation_id,
            "target": body.target,
            "reason": body.reason,
            "tag": tag,
            "recorded": False,
        }
    record = monitoring.add_escalation(
        conversation_id,
        body.answer_id,
        identity.agent_id,
        body.target,
        body.reason,
        body.note,
        tag,
    )
    log.info("escalation.recorded", conversation_id=conversation_id, target=body.target,
             reason=body.reason, tag=tag)  # fmt: skip
    return {**record, "recorded": True}


@router.post("/conversations/{conversation_id}/no-record")
def no_record(conversation_id: str, store: StoreDep, identity: IdentityDep) -> dict[str, Any]:
    """De beller bezwaart tegen vastleggen: wat van dit gesprek is opgeslagen wordt tellers,
    en vanaf nu wordt er alleen nog geteld."""
    check_conversation(store, identity, conversation_id)
    deleted = stop_recording(store, conversation_id) if store.retained(conversation_id) else 0
    return {"conversation_id": conversation_id, "recorded": False, "deleted_answers": deleted}
