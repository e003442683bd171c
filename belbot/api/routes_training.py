"""Practice mode ("Oefenen"): a trainee's practice sessions and progress, and the coach's
progress overview and scenario review. Thin over TrainingService."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from belbot.api.deps import ForbiddenError, Identity, IdentityDep
from belbot.api.schemas import CallerQuestion, PracticeAnswer, PracticeStart, ScenarioReview
from belbot.store.training import StoredScenario
from belbot.training.feedback import AnswerFeedback
from belbot.training.service import TrainingService
from belbot.training.types import Status

router = APIRouter(prefix="/v1", tags=["oefenen"])


def _training(request: Request) -> TrainingService:
    return request.app.state.training  # type: ignore[no-any-return]


def _coach(identity: IdentityDep) -> Identity:
    if identity.role not in ("coach", "admin"):
        raise ForbiddenError("Alleen coaches en beheerders zien dit.")
    return identity


TrainingDep = Annotated[TrainingService, Depends(_training)]
CoachDep = Annotated[Identity, Depends(_coach)]


@router.post("/training/sessions", status_code=201)
def start_session(
    body: PracticeStart, training: TrainingDep, identity: IdentityDep
) -> dict[str, Any]:
    """Begin een oefening: een scenario en een oefengesprek dat niet meetelt in de productie."""
    started = training.start(identity.agent_id, body.tag)
    scenario = started.scenario
    return {
        "session_id": started.session_id,
        "conversation_id": started.conversation_id,
        "scenario": {
            "id": scenario.id,
            "question": scenario.question,
            "tag": scenario.tag,
            "tag_label": training.tag_label(scenario.tag),
            "difficulty": scenario.difficulty,
            "ask_first_count": len(scenario.ask_first),
        },
    }


@router.post("/training/sessions/{session_id}/caller")
def ask_caller(
    session_id: str, body: CallerQuestion, training: TrainingDep, identity: IdentityDep
) -> dict[str, Any]:
    """Stel de (gesimuleerde) beller een vraag."""
    reply, ask_id = training.ask_caller(identity.agent_id, session_id, body.question)
    return {"reply": reply, "ask_id": ask_id}


@router.post("/training/sessions/{session_id}/answer", response_model=AnswerFeedback)
def answer(
    session_id: str, body: PracticeAnswer, training: TrainingDep, identity: IdentityDep
) -> AnswerFeedback:
    """Controleer het antwoord dat de cursist aan de beller zou geven."""
    return training.answer(identity.agent_id, session_id, body.answer)


def _topic_rows(training: TrainingService, progress: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**asdict(topic), "tag_label": training.tag_label(tag)} for tag, topic in progress.items()
    ]


@router.get("/training/progress")
def my_progress(training: TrainingDep, identity: IdentityDep) -> dict[str, Any]:
    """Mijn voortgang per onderwerp."""
    return {
        "agent_id": identity.agent_id,
        "topics": _topic_rows(training, training.progress(identity.agent_id)),
    }


@router.get("/coach/progress")
def coach_progress(training: TrainingDep, _: CoachDep) -> dict[str, Any]:
    """Voortgang van alle cursisten per onderwerp."""
    topics, everyone = training.everyone()
    trainees = []
    for agent_id, progress in everyone.items():
        done = sum(topic.completed for topic in progress.values())
        trainees.append(
            {
                "agent_id": agent_id,
                "topics": {tag: asdict(topic) for tag, topic in progress.items()},
                "completed_topics": done,
                "all_completed": bool(topics) and done == len(topics),
            }
        )
    return {
        "tags": [{"tag": tag, "tag_label": training.tag_label(tag)} for tag in topics],
        "needed": training.settings.scenarios_per_topic,
        "trainees": trainees,
    }


def _scenario_body(training: TrainingService, stored: StoredScenario) -> dict[str, Any]:
    return {
        **stored.scenario.model_dump(mode="json"),
        "tag_label": training.tag_label(stored.scenario.tag),
        "reason": stored.reason,
    }


@router.get("/coach/scenarios")
def list_scenarios(
    training: TrainingDep,
    _: CoachDep,
    status: Annotated[Status | None, Query()] = None,
) -> dict[str, Any]:
    """Oefenscenario's, op status (concept, goedgekeurd, afgewezen, opnieuw beoordelen)."""
    return {"scenarios": [_scenario_body(training, s) for s in training.scenarios(status)]}


@router.post("/coach/scenarios/{scenario_id}/review")
def review_scenario(
    scenario_id: str, body: ScenarioReview, training: TrainingDep, coach: CoachDep
) -> dict[str, Any]:
    """Keur een scenario goed of af."""
    training.review(scenario_id, body.decision == "approve", body.note, coach.agent_id)
    return _scenario_body(training, training.rows.scenario(scenario_id))
