"""Operational measures for the evaluation committee, read from the conversation store:
volume, thumbs, time to find and to resolve, answer paths, latency and cost per answer.
Read-only; it reports what the service and the side panel recorded, nothing is re-run."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel

from belbot.answering.service import (
    LLM_OFF_REASON,
    REJECTED_REASON,
    UNAVAILABLE_REASON,
)
from belbot.answering.types import Answer
from belbot.errors import InvalidInputError
from belbot.evaluation.metrics import path_class
from belbot.evaluation.stats import percentile
from belbot.logs import get_logger
from belbot.monitoring.rollup import FOUND, SHOWN, TimedEvent, find_seconds, parse_client_time
from belbot.settings import DEFAULT_WATTS_PER_CORE
from belbot.store.store import ConversationStore
from belbot.store.types import iso_utc

log = get_logger(__name__)

STAGES = ("retrieval_ms", "compose_ms", "prompt_ms", "prompt_processing_ms", "generation_ms",
          "verification_ms")  # fmt: skip
PATHS = ("generated", "extractive", "refused", "blocked")

DEFINITIONS = {
    "periode": "Antwoorden, feedback en tijd tot vinden op het moment van het antwoord; "
    "gesprekken op hun start. Van --since (inclusief) tot --until (exclusief; een datum telt "
    "de hele dag mee). Tijden zonder tijdzone zijn UTC.",
    "herhaalde_antwoorden": "Antwoorden uit de cache herhalen een eerder antwoord: ze tellen "
    "mee in aantallen, duimen en tijd tot vinden, niet in routes, latentie en kosten.",
    "tijd_tot_vinden": f"Per getoond antwoord: van het eerste '{SHOWN}' tot het eerste "
    f"{' of '.join(repr(k) for k in FOUND)} op dat antwoord, op de klok van de browser als "
    "beide gebeurtenissen die hebben, anders op die van de server. Antwoorden zonder zo'n "
    "gebeurtenis tellen bij 'getoond' maar niet in de percentielen.",
    "tijd_tot_afronden": "Per gesprek: van de eerste vraag tot het einde van het gesprek "
    "('conversation_ended'), of bij een open gesprek tot de laatste vraag of gebeurtenis.",
    "routes": "generated: het modelantwoord is gebruikt; extractive (terugval): letterlijke "
    "bronzinnen, het modelantwoord niet gebruikt; refused: de kennisbank zegt het niet; "
    "blocked: geweigerd door de guardrails. Aandelen van de niet-herhaalde antwoorden.",
    "latentie": "total_ms over niet-herhaalde, niet-geblokkeerde antwoorden; een stap alleen "
    "over de antwoorden die die stap doorliepen (een weigering genereert niet).",
    "kosten": "CPU-seconden van het proces per antwoord (alle threads, een taalmodel in het "
    "proces inbegrepen; gelijktijdige vragen tellen mee, dus onder last te hoog). Energie "
    "in Wh = CPU-seconden x watt per bezette kern / 3600. Een model achter een HTTP-server "
    "wordt niet gemeten.",
}


class Spread(BaseModel):
    n: int
    p50: float | None = None
    p95: float | None = None


class Volume(BaseModel):
    conversations: int
    answers: int
    cached_replays: int
    pipeline_answers: int


class Thumbs(BaseModel):
    up: int
    down: int
    up_rate: float | None
    reasons: dict[str, int]


class TimeToFind(BaseModel):
    shown: int
    found: int
    seconds: Spread


class TimeToResolve(BaseModel):
    ended: int
    open: int
    seconds: Spread


class Paths(BaseModel):
    counts: dict[str, int]
    rates: dict[str, float | None]
    fallback_of_answered: float | None
    fallback_causes: dict[str, int]


class Latency(BaseModel):
    total_ms: Spread
    stages: dict[str, Spread]


class Cost(BaseModel):
    answers: int
    missing_cpu: int
    model_out_of_process: int
    watts_per_core: float
    cpu_s: Spread
    cpu_s_mean: float | None
    wh_per_answer: float | None
    wh_total: float


class OpsReport(BaseModel):
    since: str
    until: str | None
    volume: Volume
    feedback: Thumbs
    time_to_find: TimeToFind
    time_to_resolve: TimeToResolve
    paths: Paths
    latency: Latency
    cost: Cost
    definitions: dict[str, str]


def parse_moment(text: str, option: str, end_of_day: bool = False) -> datetime:
    """A date or ISO date-time from the command line, as an aware UTC moment. A bare date
    with ``end_of_day`` is the next midnight, so ``--until 2025-03-31`` includes that day."""
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return moment + timedelta(days=1) if end_of_day else moment
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(
            f"{option} '{text}' is geen datum; gebruik JJJJ-MM-DD of JJJJ-MM-DDTuu:mm."
        ) from exc
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def spread(values: list[float], digits: int = 2) -> Spread:
    """p50 and p95 the way the answer evaluation computes them (inclusive quantiles)."""
    return Spread(
        n=len(values), p50=percentile(values, 50, digits), p95=percentile(values, 95, digits)
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _fallback_cause(reason: str) -> str:
    if reason == LLM_OFF_REASON:
        return "llm_disabled"
    if reason == UNAVAILABLE_REASON:
        return "model_unavailable"
    return "rejected" if reason.startswith(REJECTED_REASON) else "other"


def _model_ran(answer: Answer) -> bool:
    return answer.path == "generated" or (
        answer.path == "extractive" and answer.path_reason != LLM_OFF_REASON
    )


def _period(since: datetime, until: datetime | None) -> tuple[str, str]:
    """Bounds as the store's timestamp text; an open end sorts after every timestamp."""
    start, end = iso_utc(since), iso_utc(until) if until is not None else "9999"
    if end <= start:
        raise InvalidInputError("--until moet na --since liggen.")
    return start, end


# Practice conversations (issue 11) are left out of every production figure.
_PRODUCTION = "JOIN turns t ON a.turn_id = t.id JOIN conversations c ON t.conversation_id = c.id"


def _answers(store: ConversationStore, period: tuple[str, str]) -> list[Answer]:
    rows = store.db.execute(
        f"SELECT a.record FROM answers a {_PRODUCTION} "
        "WHERE a.created_at >= ? AND a.created_at < ? AND c.practice = 0 ORDER BY a.created_at",
        period,
    )
    return [Answer.model_validate_json(row[0]) for row in rows]


def _thumbs(store: ConversationStore, period: tuple[str, str]) -> Thumbs:
    """The current verdicts (one per agent per answer) on the period's answers."""
    rows = store.db.execute(
        "SELECT f.rating, f.reason FROM feedback f JOIN answers a ON a.id = f.answer_id "
        f"{_PRODUCTION} WHERE a.created_at >= ? AND a.created_at < ? AND c.practice = 0",
        period,
    ).fetchall()
    ratings = Counter(rating for rating, _ in rows)
    reasons = Counter(reason for _, reason in rows if reason)
    up, down = ratings["up"], ratings["down"]
    return Thumbs(up=up, down=down, up_rate=_rate(up, up + down), reasons=dict(reasons))


def _time_to_find(store: ConversationStore, period: tuple[str, str]) -> TimeToFind:
    rows = store.db.execute(
        "SELECT e.answer_id, e.kind, e.created_at, e.client_time FROM events e "
        f"JOIN answers a ON a.id = e.answer_id {_PRODUCTION} "
        "WHERE a.created_at >= ? AND a.created_at < ? AND c.practice = 0 "
        f"AND e.kind IN (?{', ?' * len(FOUND)})",
        (*period, SHOWN, *FOUND),
    )
    by_answer: dict[str, list[TimedEvent]] = defaultdict(list)
    for answer_id, kind, created_at, client_time in rows:
        by_answer[answer_id].append(
            TimedEvent(kind, datetime.fromisoformat(created_at), parse_client_time(client_time))
        )
    shown_count, durations = 0, []
    for events in by_answer.values():
        shown, seconds = find_seconds(events)
        shown_count += shown
        if seconds is not None:
            durations.append(seconds)
    return TimeToFind(shown=shown_count, found=len(durations), seconds=spread(durations))


def _time_to_resolve(store: ConversationStore, period: tuple[str, str]) -> TimeToResolve:
    # A conversation row is created when its first question arrives (AnswerService).
    rows = store.db.execute(
        "SELECT c.created_at, c.ended_at, MAX(t.created_at), "
        "(SELECT MAX(e.created_at) FROM events e WHERE e.conversation_id = c.id) "
        "FROM conversations c JOIN turns t ON t.conversation_id = c.id "
        "WHERE c.created_at >= ? AND c.created_at < ? AND c.practice = 0 GROUP BY c.id",
        period,
    ).fetchall()
    durations = []
    for created_at, ended_at, last_turn, last_event in rows:
        end = ended_at or max(last_turn, last_event or last_turn)
        seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(created_at)).total_seconds()
        durations.append(max(seconds, 0.0))
    ended = sum(1 for row in rows if row[1])
    return TimeToResolve(ended=ended, open=len(rows) - ended, seconds=spread(durations))


def _paths(pipeline: list[Answer]) -> Paths:
    counts = Counter(path_class(a) for a in pipeline)
    answered = counts["generated"] + counts["extractive"]
    causes = Counter(_fallback_cause(a.path_reason) for a in pipeline if a.path == "extractive")
    return Paths(
        counts={path: counts[path] for path in PATHS},
        rates={path: _rate(counts[path], len(pipeline)) for path in PATHS},
        fallback_of_answered=_rate(counts["extractive"], answered),
        fallback_causes=dict(causes),
    )


def _latency(measured: list[Answer]) -> Latency:
    stages = {}
    for stage in STAGES:
        # Over the answers that went through the stage (a refusal skips generation).
        values = [v for a in measured if (v := getattr(a.timings, stage)) > 0]
        stages[stage] = spread(values, digits=1)
    return Latency(total_ms=spread([a.timings.total_ms for a in measured], 1), stages=stages)


def _cost(measured: list[Answer], watts: float) -> Cost:
    # Records from before cpu_ms existed parse with 0.0: tell them apart by the field's presence.
    with_cpu = [a for a in measured if "cpu_ms" in a.timings.model_fields_set]
    seconds = [a.timings.cpu_ms / 1000 for a in with_cpu]
    total = sum(seconds)
    out_of_process = sum(
        1 for a in with_cpu if a.model.backend == "openai-compatible" and _model_ran(a)
    )
    return Cost(
        answers=len(with_cpu),
        missing_cpu=len(measured) - len(with_cpu),
        model_out_of_process=out_of_process,
        watts_per_core=watts,
        cpu_s=spread(seconds, digits=3),
        cpu_s_mean=round(total / len(seconds), 3) if seconds else None,
        wh_per_answer=round(total * watts / 3600 / len(seconds), 5) if seconds else None,
        wh_total=round(total * watts / 3600, 3),
    )


def operational_report(
    store: ConversationStore,
    since: datetime,
    until: datetime | None = None,
    watts: float = DEFAULT_WATTS_PER_CORE,
) -> OpsReport:
    """The committee's operational measures over [since, until) from the store."""
    if watts <= 0:
        raise InvalidInputError("--watts moet groter dan 0 zijn.")
    period = _period(since, until)
    answers = _answers(store, period)
    pipeline = [a for a in answers if not a.cached]
    measured = [a for a in pipeline if path_class(a) != "blocked"]  # blocked: no pipeline run
    resolve = _time_to_resolve(store, period)
    report = OpsReport(
        since=period[0],
        until=period[1] if until is not None else None,
        volume=Volume(
            conversations=resolve.ended + resolve.open,
            answers=len(answers),
            cached_replays=len(answers) - len(pipeline),
            pipeline_answers=len(pipeline),
        ),
        feedback=_thumbs(store, period),
        time_to_find=_time_to_find(store, period),
        time_to_resolve=resolve,
        paths=_paths(pipeline),
        latency=_latency(measured),
        cost=_cost(measured, watts),
        definitions=DEFINITIONS,
    )
    log.info("eval.ops.done", since=report.since, until=report.until, answers=len(answers),
             conversations=report.volume.conversations)  # fmt: skip
    return report
