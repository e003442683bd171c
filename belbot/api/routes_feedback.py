"""Thumbs feedback from agents and the interaction events the side panel reports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from belbot.api.deps import (
    IdentityDep,
    MetricsDep,
    MonitorDep,
    NotFoundError,
    StoreDep,
    check_conversation,
)
from belbot.api.schemas import EventRequest, FeedbackRequest
from belbot.errors import InvalidInputError
from belbot.monitoring.counters import feedback_counters
from belbot.store.types import AnswerNotFoundError, now_iso

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/answers/{answer_id}/feedback", status_code=201)
def give_feedback(
    answer_id: str,
    body: FeedbackRequest,
    store: StoreDep,
    identity: IdentityDep,
    metrics: MetricsDep,
) -> dict[str, object]:
    """Duim omhoog of omlaag; bij omlaag een reden uit de vaste lijst."""
    if body.rating == "down" and body.reason is None:
        raise InvalidInputError("Kies bij een duim omlaag een reden uit de lijst.")
    ephemeral = store.ephemeral_answer(answer_id)
    if ephemeral is not None:  # a conversation not recorded: the thumb is only counted
        check_conversation(store, identity, ephemeral.conversation_id)
        store.add_counters(
            now_iso()[:10], feedback_counters(body.rating, body.reason, ephemeral.tag)
        )
        metrics.feedback.labels(body.rating).inc()
        return {"answer_id": answer_id, "feedback": [], "recorded": False}
    try:
        answer = store.get(answer_id).answer
    except AnswerNotFoundError as exc:
        raise NotFoundError(exc.message) from exc
    check_conversation(store, identity, answer.conversation_id)
    store.save_feedback(answer_id, identity.agent_id, body.rating, body.reason, body.comment)
    metrics.feedback.labels(body.rating).inc()
    return {"answer_id": answer_id, "feedback": store.feedback_for(answer_id)}


@router.get("/feedback/summary")
def feedback_summary(
    store: StoreDep,
    identity: MonitorDep,
    period: Annotated[Literal["day", "month", "year"], Query()] = "day",
) -> list[dict[str, object]]:
    return store.feedback_summary(period)


@router.post("/events", status_code=201)
def record_event(body: EventRequest, store: StoreDep, identity: IdentityDep) -> dict[str, str]:
    """Getoond, bron geopend, gekopieerd, gesprek beëindigd: voor 'time to find/resolve'."""
    if body.conversation_id:
        check_conversation(store, identity, body.conversation_id)
        if not store.retained(body.conversation_id):  # not recorded: nothing is kept
            if body.kind == "conversation_ended":
                store.end_conversation(body.conversation_id)
            return {"status": "niet bewaard"}
    store.add_event(
        body.kind, identity.agent_id, body.conversation_id, body.answer_id, body.chunk_id,
        body.client_time,
    )  # fmt: skip
    return {"status": "opgeslagen"}
