"""Counters per day from the rows still in the store, plus the counters kept in the
``counters`` table (purged days and conversations never stored): one view of all days.

Items are counted on the day of their own moment in UTC: an answer, its thumbs and its time to
find on the answer's day; a conversation and its time to resolve on its start; an escalation
or a review on when it was made."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from belbot.monitoring import counters as cnt
from belbot.store.store import ConversationStore

SHOWN = "answer_shown"
FOUND = ("source_opened", "answer_copied")  # the agent used the answer: a source or the text


@dataclass(frozen=True)
class Scope:
    """Which rows: items whose own moment lies in [since, until), and/or items of the
    conversations started before ``conversations_before`` (what a purge removes)."""

    since: str | None = None
    until: str | None = None
    conversations_before: str | None = None
    conversation_ids: tuple[str, ...] | None = None

    def where(self, moment: str) -> tuple[str, list[object]]:
        # Practice conversations (issue 11) never count in production figures.
        clauses: list[str] = ["c.practice = 0"]
        params: list[object] = []
        if self.since is not None:
            clauses.append(f"{moment} >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"{moment} < ?")
            params.append(self.until)
        if self.conversations_before is not None:
            clauses.append("c.created_at < ?")
            params.append(self.conversations_before)
        if self.conversation_ids is not None:
            clauses.append(f"c.id IN ({', '.join('?' * len(self.conversation_ids)) or 'NULL'})")
            params.extend(self.conversation_ids)
        return " AND ".join(clauses), params


@dataclass(frozen=True)
class TimedEvent:
    kind: str
    server: datetime
    client: datetime | None


def parse_client_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None  # a client clock string we cannot read: the server clock is used
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def find_seconds(events: list[TimedEvent]) -> tuple[bool, float | None]:
    """(shown, seconds from first shown to first use). One clock per pair: the browser's when
    both events carry it (no network delay in it), else the server's."""
    shown = min((e for e in events if e.kind == SHOWN), key=lambda e: e.server, default=None)
    if shown is None:
        return False, None
    gaps = [
        (e.client - shown.client if e.client and shown.client else e.server - shown.server)
        for e in events
        if e.kind in FOUND
    ]
    found = [gap.total_seconds() for gap in gaps if gap >= timedelta(0)]
    return True, (min(found) if found else None)


_JOIN_CONVERSATION = (
    "JOIN turns t ON a.turn_id = t.id JOIN conversations c ON t.conversation_id = c.id "
)
_BASE = "FROM answers a " + _JOIN_CONVERSATION


def _rows(
    store: ConversationStore, select: str, joins: str, moment: str, scope: Scope
) -> Iterator[tuple[Any, ...]]:
    where, params = scope.where(moment)
    yield from store.db.execute(f"SELECT {select} {joins} WHERE {where}", params)


def raw_counters(store: ConversationStore, scope: Scope) -> dict[str, cnt.Counts]:
    days: dict[str, cnt.Counts] = defaultdict(cnt.counts_of)
    for day, tag, path_class, cached, total_ms, cpu_ms in _rows(
        store, "substr(a.created_at, 1, 10), a.tag, a.path_class, a.cached, a.total_ms, a.cpu_ms",
        _BASE, "a.created_at", scope,
    ):  # fmt: skip
        cnt.add(
            days[day], cnt.answer_counters(tag, path_class or "", bool(cached), total_ms, cpu_ms)
        )
    for day, rating, reason, tag in _rows(
        store, "substr(a.created_at, 1, 10), f.rating, f.reason, a.tag",
        "FROM feedback f JOIN answers a ON a.id = f.answer_id JOIN turns t ON a.turn_id = t.id "
        "JOIN conversations c ON t.conversation_id = c.id ", "a.created_at", scope,
    ):  # fmt: skip
        cnt.add(days[day], cnt.feedback_counters(rating, reason, tag))
    for day, tag, target, reason in _rows(
        store, "substr(e.created_at, 1, 10), e.tag, e.target, e.reason",
        "FROM escalations e JOIN conversations c ON c.id = e.conversation_id ", "e.created_at",
        scope,
    ):  # fmt: skip
        cnt.add(days[day], cnt.escalation_counters(tag, target, reason))
    for day, verdict, category in _rows(
        store, "substr(r.created_at, 1, 10), r.verdict, r.error_category",
        "FROM reviews r JOIN answers a ON a.id = r.answer_id " + _JOIN_CONVERSATION,
        "r.created_at", scope,
    ):  # fmt: skip
        cnt.add(days[day], cnt.review_counters(verdict, category))
    for (day,) in _rows(
        store, "substr(g.created_at, 1, 10)",
        "FROM tag_corrections g JOIN answers a ON a.id = g.answer_id "
        + _JOIN_CONVERSATION, "g.created_at", scope,
    ):  # fmt: skip
        days[day]["tag_corrections"] += 1
    _add_time_to_find(store, scope, days)
    _add_conversations(store, scope, days)
    return dict(days)


def _add_time_to_find(store: ConversationStore, scope: Scope, days: dict[str, cnt.Counts]) -> None:
    by_answer: dict[str, tuple[str, list[TimedEvent]]] = {}
    for answer_id, day, kind, created_at, client_time in _rows(
        store, "e.answer_id, substr(a.created_at, 1, 10), e.kind, e.created_at, e.client_time",
        "FROM events e JOIN answers a ON a.id = e.answer_id " + _JOIN_CONVERSATION,
        "a.created_at", scope,
    ):  # fmt: skip
        if kind != SHOWN and kind not in FOUND:
            continue
        entry = by_answer.setdefault(answer_id, (day, []))
        entry[1].append(
            TimedEvent(kind, datetime.fromisoformat(created_at), parse_client_time(client_time))
        )
    for day, events in by_answer.values():
        shown, seconds = find_seconds(events)
        if shown:
            cnt.add(days[day], cnt.found_counters(seconds))


def _add_conversations(store: ConversationStore, scope: Scope, days: dict[str, cnt.Counts]) -> None:
    # A conversation row is created when its first question arrives (AnswerService).
    where, params = scope.where("c.created_at")
    rows = store.db.execute(
        "SELECT substr(c.created_at, 1, 10), c.created_at, c.ended_at, MAX(t.created_at), "
        "(SELECT MAX(e.created_at) FROM events e WHERE e.conversation_id = c.id) "
        f"FROM conversations c JOIN turns t ON t.conversation_id = c.id WHERE {where} "
        "GROUP BY c.id",
        params,
    )
    for day, created_at, ended_at, last_turn, last_event in rows:
        end = ended_at or max(last_turn, last_event or last_turn)
        seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(created_at)).total_seconds()
        days[day]["conversations"] += 1
        cnt.add(days[day], cnt.resolve_counters(max(seconds, 0.0), ended_at is not None))


def stored_counters(store: ConversationStore, since: date, until: date) -> dict[str, cnt.Counts]:
    days: dict[str, cnt.Counts] = defaultdict(cnt.counts_of)
    rows = store.db.execute(
        "SELECT day, name, value FROM counters WHERE day >= ? AND day < ?",
        (since.isoformat(), until.isoformat()),
    )
    for day, name, value in rows:
        days[day][name] += value
    return dict(days)


def counters_by_day(store: ConversationStore, since: date, until: date) -> dict[str, cnt.Counts]:
    """All counts per day for the days in [since, until): stored rows and kept counters."""
    live = raw_counters(store, Scope(since=since.isoformat(), until=until.isoformat()))
    kept = stored_counters(store, since, until)
    days = sorted(set(live) | set(kept))
    return {day: cnt.merge([live.get(day, {}), kept.get(day, {})]) for day in days}
