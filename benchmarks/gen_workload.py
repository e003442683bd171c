"""A generated, realistic workload in a conversation store, for the KPI dashboard's benchmark
and tests (prints a summary; not a test).

    .venv/bin/python benchmarks/gen_workload.py [STORE.db] [--answers 10000] [--seed 1]
        [--days 30] [--end 2026-11-30]

Agents (pseudonyms) hold conversations of 1-4 turns on weekdays, office hours (UTC). Tags come
from the taxonomy with a skewed mix; answer paths, latencies and CPU times depend on the path
(and the path mix on the tag); about 20% are cached repeats of an earlier answer. The side
panel's events (answer shown, source opened, text copied, conversation ended), thumbs with
the API's reasons, escalations (3-8% of questions, per tag) and reviews of a sample follow,
each at its own moment. A few conversations are marked "niet bewaren" (counters only).

Everything goes in through the store's own methods (answers, conversations, events, thumbs:
the store's clock is set to each item's moment while it is written), escalations and reviews
with plain SQL in one transaction. Every figure is deterministic given --seed and --end;
conversation IDs are the store's own (random). `generate(store, answers=300, seed=1)` fills
a store from a test."""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import belbot.store.store as store_module
from belbot.answering.types import (
    GUARDRAIL_REASON,
    Answer,
    GenerationParams,
    ModelInfo,
    Timings,
    Verdict,
)
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore
from belbot.store.types import iso_utc
from belbot.tagging.types import TagResult

# id: (label, share of questions, escalations per question)
TAGS = {
    "inkomstenbelasting": ("Inkomstenbelasting", 0.27, 0.035),
    "toeslagen": ("Toeslagen", 0.22, 0.06),
    "invordering": ("Invordering", 0.11, 0.07),
    "btw": ("Btw", 0.09, 0.04),
    "dienstverlening": ("Dienstverlening", 0.09, 0.03),
    "loonheffingen": ("Loonheffingen", 0.08, 0.04),
    "herstel": ("Herstel", 0.05, 0.08),
    "overig": ("Overig", 0.04, 0.05),
    "vennootschapsbelasting": ("Vennootschapsbelasting", 0.03, 0.05),
    "fraude": ("Fraude", 0.02, 0.075),
}
QUESTIONS = {
    "inkomstenbelasting": ["Wanneer moet de aangifte inkomstenbelasting binnen zijn?",
                           "Hoe hoog is de algemene heffingskorting dit jaar?"],
    "toeslagen": ["Moet de beller de huurtoeslag over 2023 terugbetalen?",
                  "Hoe geeft iemand een hoger inkomen door voor de zorgtoeslag?"],
    "invordering": ["Kan de beller een betalingsregeling treffen?",
                    "Wat gebeurt er na een aanmaning?"],
    "btw": ["Wanneer moet de btw-aangifte over het kwartaal binnen zijn?"],
    "dienstverlening": ["Wat is de wachttijd van de BelastingTelefoon?"],
    "loonheffingen": ["Hoe corrigeert een werkgever een fout in de loonaangifte?"],
    "herstel": ["Komt de beller in aanmerking voor rechtsherstel box 3?"],
    "overig": ["Kan de beller een afspraak maken op een kantoor?"],
    "vennootschapsbelasting": ["Wat is het tarief in de vennootschapsbelasting?"],
    "fraude": ["De beller kreeg een verdachte sms namens de Belastingdienst."],
}  # fmt: skip
PATH_MIX = {"generated": 0.56, "extractive": 0.24, "refused": 0.15, "blocked": 0.05}
PATH_SHIFT = {"overig": {"refused": 0.35}, "herstel": {"refused": 0.22},
              "fraude": {"blocked": 0.12}, "dienstverlening": {"generated": 0.66}}  # fmt: skip
# path: (median ms, sigma of log, CPU time as a share of wall time: low, high)
LATENCY = {"generated": (2300, 0.35, 1.4, 1.9), "extractive": (2600, 0.4, 1.3, 1.8),
           "refused": (450, 0.5, 0.9, 1.2), "blocked": (40, 0.4, 0.5, 1.0)}  # fmt: skip
REASONS = {"generated": "uitgeschreven antwoord doorstaat alle controles",
           "extractive": "modelantwoord afgewezen: getallen niet in de bron",
           "refused": "te weinig steun in de bronnen",
           "blocked": GUARDRAIL_REASON + "out_of_scope"}  # fmt: skip
TEXTS = {"refused": "Dat staat niet in de kennisbank; verwijs zo nodig door.",
         "blocked": "Daar kan BelBot niet bij helpen."}  # fmt: skip
THUMBS_UP = {"generated": 0.88, "extractive": 0.72, "refused": 0.45, "blocked": 0.3}
DOWN_REASONS = {
    "generated": {"onjuist": 3, "onvolledig": 4, "onduidelijk": 2, "bron klopt niet": 1,
                  "anders": 1},
    "extractive": {"onvolledig": 4, "onduidelijk": 4, "niet relevant": 2, "anders": 1},
    "refused": {"onvolledig": 5, "niet relevant": 3, "anders": 2},
    "blocked": {"niet relevant": 3, "anders": 2},
}  # fmt: skip
FOUND = {"generated": 0.65, "extractive": 0.55, "refused": 0.15, "blocked": 0.02}
ESCALATION_REASONS = {"vraag valt buiten de kennisbank": 3, "persoonlijke situatie te complex": 4,
                      "beller is ontevreden": 1, "technisch probleem": 1, "anders": 1}  # fmt: skip
VERDICTS = {"generated": (0.82, 0.1, 0.06, 0.02), "extractive": (0.78, 0.14, 0.05, 0.03),
            "refused": (0.7, 0.0, 0.0, 0.3), "blocked": (0.9, 0.0, 0.0, 0.1)}  # fmt: skip
WEEKDAY = (1.25, 1.1, 1.0, 1.0, 0.8, 0.0, 0.0)  # the phone line is closed at weekends
HOURS = {7: 1.0, 8: 1.6, 9: 1.7, 10: 1.5, 11: 1.2, 12: 1.0, 13: 1.3, 14: 1.3, 15: 1.1,
         16: 0.9, 17: 0.6, 18: 0.4}  # UTC  # fmt: skip
TURNS = (0.5, 0.3, 0.15, 0.05)
CACHE_SHARE, NOT_RECORDED, ENDED, THUMBS, REVIEWED = 0.2, 0.03, 0.85, 0.3, 0.02
MODEL = ModelInfo(backend="llama-cpp", model_id="gemma-3-270m-it-q4_k_m", sha256="0" * 64)


@dataclass
class Summary:
    conversations: int = 0
    answers: int = 0
    cached: int = 0
    events: int = 0
    feedback: int = 0
    escalations: int = 0
    reviews: int = 0
    seconds: float = 0.0


@dataclass
class _Plan:
    conversations: list[tuple[datetime, str, bool]] = field(default_factory=list)
    answers: list[tuple[int, Answer]] = field(default_factory=list)  # (conversation no., ...)
    events: list[tuple[datetime, str, int, str | None, datetime | None]] = field(
        default_factory=list
    )
    feedback: list[tuple[datetime, int, str, str, str | None]] = field(default_factory=list)
    escalations: list[tuple[datetime, int, str, str, str]] = field(default_factory=list)


@contextmanager
def _store_clock() -> Iterator[list[datetime]]:
    """The store stamps rows with now_iso(): while this is open, with the moment set here."""
    moment = [datetime(2000, 1, 1, tzinfo=UTC)]
    original = store_module.now_iso
    store_module.now_iso = lambda: iso_utc(moment[0])
    try:
        yield moment
    finally:
        store_module.now_iso = original


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _path_mix(tag: str) -> dict[str, float]:
    return {**PATH_MIX, **PATH_SHIFT.get(tag, {})}


def _answer(rng: random.Random, conv: int, turn: int, at: datetime, tag: str,
            path: str, cached_from: str | None) -> Answer:  # fmt: skip
    median, sigma, low, high = LATENCY[path]
    if cached_from is not None:
        total = rng.uniform(4, 30)
        cpu = total * rng.uniform(0.3, 0.8)
    else:
        total = rng.lognormvariate(math.log(median), sigma) * (4 if rng.random() < 0.02 else 1)
        cpu = total * rng.uniform(low, high)
    question = rng.choice(QUESTIONS[tag])
    support = [] if path in ("refused", "blocked") else [
        Verdict(check="support", passed=True, score=round(rng.uniform(0.45, 0.95), 3))
    ]  # fmt: skip
    return Answer(
        answer_id=f"{rng.getrandbits(64):016x}",
        request_id=f"{rng.getrandbits(64):016x}",
        conversation_id=str(conv),  # replaced by the store's ID when written
        turn=turn,
        question=question,
        resolved_query=question,
        text=TEXTS.get(path, f"Volgens de bron: het antwoord op '{question}' [1]."),
        path="refused" if path == "blocked" else path,  # type: ignore[arg-type]
        path_reason=REASONS[path],
        citations=[],
        retrieval=[],
        verdicts=support,
        model=MODEL,
        index_version="workload",
        prompt_version="answer_v1",
        params=GenerationParams(),
        timings=Timings(
            retrieval_ms=round(min(total, rng.uniform(20, 80)), 1),
            total_ms=round(total, 1),
            cpu_ms=round(cpu, 1),
        ),
        cached=cached_from is not None,
        cached_from=cached_from,
        created_at=iso_utc(at),
        tag=TagResult(
            tag=tag,
            label=TAGS[tag][0],
            confidence=round(rng.uniform(0.55, 0.99), 2),
            method="keywords",
            taxonomy_version="tags-v1",
        ),
    )


def _start(rng: random.Random, days: list[date]) -> datetime:
    day = rng.choices(days, weights=[WEEKDAY[d.weekday()] for d in days])[0]
    hour = int(_pick(rng, {str(h): w for h, w in HOURS.items()}))
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) + timedelta(
        seconds=rng.uniform(0, 3600)
    )


def _plan(rng: random.Random, answers: int, days: list[date]) -> _Plan:
    plan = _Plan()
    agents = [f"mw-{n:03d}" for n in range(1, 41)]
    agent_weights = [1 / (n + 3) for n in range(len(agents))]
    skew = {agent: timedelta(seconds=rng.uniform(-3, 3)) for agent in agents}  # client clocks
    popular: dict[str, list[tuple[str, str]]] = {tag: [] for tag in TAGS}  # (answer id, path)
    tag_shares = {tag: share for tag, (_, share, _) in TAGS.items()}
    while len(plan.answers) < answers:
        conv = len(plan.conversations)
        agent = rng.choices(agents, weights=agent_weights)[0]
        retain = rng.random() >= NOT_RECORDED
        at = _start(rng, days)
        plan.conversations.append((at, agent, retain))
        turns = min(rng.choices((1, 2, 3, 4), weights=TURNS)[0], answers - len(plan.answers))
        tag = _pick(rng, tag_shares)
        last = ""
        for turn in range(1, turns + 1):
            if turn > 1:
                at += timedelta(seconds=rng.uniform(30, 150))
                tag = tag if rng.random() < 0.8 else _pick(rng, tag_shares)
            repeat = popular[tag] and rng.random() < CACHE_SHARE
            original, path = (
                rng.choice(popular[tag]) if repeat else (None, _pick(rng, _path_mix(tag)))
            )
            answer = _answer(rng, conv, turn, at, tag, path, original)
            plan.answers.append((conv, answer))
            last = answer.answer_id
            at += timedelta(milliseconds=answer.timings.total_ms)
            if not retain:
                continue
            if original is None and path != "blocked":
                popular[tag] = [*popular[tag][-19:], (answer.answer_id, path)]
            _interactions(rng, plan, conv, answer, path, at, skew[agent])
        if retain and rng.random() < TAGS[tag][2] * 1.75:  # per conversation of ~1.75 turns
            target = (
                "specialist" if tag in ("fraude", "herstel") or rng.random() < 0.4 else "collega"
            )
            reason = "vermoeden van fraude" if tag == "fraude" else _pick(rng, ESCALATION_REASONS)
            at += timedelta(seconds=rng.uniform(10, 90))
            plan.escalations.append((at, conv, target, reason, last))
        if retain and rng.random() < ENDED:
            at += timedelta(seconds=rng.uniform(20, 300))
            plan.events.append((at, "conversation_ended", conv, None, at + skew[agent]))
    return plan


def _interactions(rng: random.Random, plan: _Plan, conv: int, answer: Answer, path: str,
                  at: datetime, skew: timedelta) -> None:  # fmt: skip
    """The side panel's events and the agent's thumbs on one answer."""
    if rng.random() < 0.97:
        shown = at + timedelta(seconds=rng.uniform(0.1, 0.8))
        plan.events.append((shown, "answer_shown", conv, answer.answer_id, shown + skew))
        if rng.random() < FOUND[path]:
            used = shown + timedelta(seconds=rng.lognormvariate(math.log(12), 0.8))
            kind = "source_opened" if rng.random() < 0.6 else "answer_copied"
            plan.events.append((used, kind, conv, answer.answer_id, used + skew))
    if rng.random() < THUMBS:
        when = at + timedelta(seconds=rng.uniform(5, 60))
        if rng.random() < THUMBS_UP[path]:
            plan.feedback.append((when, conv, answer.answer_id, "up", None))
        else:
            reason = _pick(rng, DOWN_REASONS[path])
            plan.feedback.append((when, conv, answer.answer_id, "down", reason))


def _reviews(rng: random.Random, store: ConversationStore, plan: _Plan, end: datetime) -> int:
    """A sample of the stored pipeline answers, reviewed one to three days later."""
    stored = {row[0] for row in store.db.execute("SELECT id FROM answers WHERE cached = 0")}
    items, verdicts = [], []
    verdict_names = ("juist", "deels juist", "onjuist", "had moeten weigeren")
    for _, answer in plan.answers:
        if answer.answer_id not in stored or rng.random() >= REVIEWED:
            continue
        moment = datetime.fromisoformat(answer.created_at)
        week = "{}-W{:02d}".format(*moment.isocalendar()[:2])
        reviewed = min(moment + timedelta(days=rng.uniform(1, 3)), end)
        item_id = f"item-{answer.answer_id}"
        items.append((item_id, f"batch-{week}", answer.answer_id, answer.path_class, week,
                      "monitor-01", iso_utc(moment)))  # fmt: skip
        verdict = rng.choices(verdict_names, weights=VERDICTS[answer.path_class])[0]
        category = (
            rng.choice(("verkeerd feit", "bron niet gevonden", "onduidelijk"))
            if verdict in ("onjuist", "deels juist")
            else None
        )
        verdicts.append((item_id, answer.answer_id, rng.choice(("monitor-01", "monitor-02")),
                         verdict, category, iso_utc(reviewed)))  # fmt: skip
    with store.transaction():
        store.db.executemany(
            "INSERT INTO review_items (id, batch_id, answer_id, stratum, period, created_by, "
            "created_at) VALUES (?,?,?,?,?,?,?)",
            items,
        )
        store.db.executemany(
            "INSERT INTO reviews (item_id, answer_id, reviewer_id, verdict, error_category, "
            "created_at) VALUES (?,?,?,?,?,?)",
            verdicts,
        )
    return len(verdicts)


def generate(store: ConversationStore, answers: int = 10_000, seed: int = 1, days: int = 30,
             end: date | None = None) -> Summary:  # fmt: skip
    """Fill ``store`` with ``answers`` answers over the ``days`` days up to ``end`` (inclusive;
    default today, UTC)."""
    started = time.perf_counter()
    store.warm_up()  # connected and migrated before the clock starts
    rng = random.Random(seed)
    final = end or datetime.now(UTC).date()
    calendar = [final - timedelta(days=n) for n in range(days - 1, -1, -1)]
    plan = _plan(rng, answers, calendar)
    end_moment = datetime(final.year, final.month, final.day, 23, 59, tzinfo=UTC)
    agents = [agent for _, agent, _ in plan.conversations]
    summary = Summary(conversations=len(plan.conversations), answers=len(plan.answers))
    with _store_clock() as clock:
        ids: list[str] = []
        with store.transaction():  # conversations: plain inserts, no transaction of their own
            for at, agent, retain in plan.conversations:
                clock[0] = at
                ids.append(store.new_conversation(agent, retain=retain))
        for conv, answer in plan.answers:
            stored = answer.model_copy(update={"conversation_id": ids[conv]})
            store.save(stored, "", "", None, None)
            summary.cached += answer.cached
        with store.transaction():
            for at, kind, conv, answer_id, client in sorted(plan.events, key=lambda e: e[0]):
                clock[0] = at
                client_time = client and iso_utc(client)
                store.add_event(kind, agents[conv], ids[conv], answer_id, None, client_time)
        for at, conv, answer_id, rating, reason in plan.feedback:
            clock[0] = at
            store.save_feedback(answer_id, agents[conv], rating, reason, None)
    with store.transaction():
        store.db.executemany(
            "INSERT INTO escalations (id, conversation_id, answer_id, agent_id, target, reason, "
            "note, tag, created_at) "
            "VALUES (?,?,?,?,?,?,?,(SELECT tag FROM answers WHERE id = ?),?)",
            [(f"esc-{n}", ids[conv], answer_id, agents[conv], target, reason, None, answer_id,
              iso_utc(at))
             for n, (at, conv, target, reason, answer_id) in enumerate(plan.escalations)],
        )  # fmt: skip
    summary.escalations = len(plan.escalations)
    summary.events, summary.feedback = len(plan.events), len(plan.feedback)
    summary.reviews = _reviews(rng, store, plan, end_moment)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", nargs="?", type=Path, help="SQLite file; default a temp dir.")
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--end", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    path = args.store or Path(tempfile.mkdtemp(prefix="belbot-workload-")) / "belbot.db"
    store = ConversationStore(SqliteDatabase(path))
    summary = generate(store, args.answers, args.seed, args.days, args.end)
    store.close()
    print(f"{path}: {summary}")


if __name__ == "__main__":
    main()
