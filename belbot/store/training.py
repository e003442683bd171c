"""Practice mode's rows: scenarios with their review state, practice sessions, the trainee's
questions to the simulated caller and the checked answers. Trainee texts arrive redacted."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from belbot.store.database import ConstraintError
from belbot.store.store import ConversationStore
from belbot.store.types import now_iso
from belbot.training.types import (
    AlreadyAnsweredError,
    Scenario,
    ScenarioNotFoundError,
    SessionNotFoundError,
    Status,
)


@dataclass(frozen=True)
class StoredScenario:
    scenario: Scenario  # its status and review fields are the store's
    reason: str | None


@dataclass(frozen=True)
class PracticeSession:
    id: str
    agent_id: str
    scenario_id: str
    conversation_id: str
    tag: str
    created_at: str


@dataclass(frozen=True)
class Attempt:
    id: str
    agent_id: str
    scenario_id: str
    tag: str
    score: float
    passed: bool
    created_at: str


class TrainingStore:
    def __init__(self, store: ConversationStore) -> None:
        self._store = store

    # -- scenarios ----------------------------------------------------------------------

    def add_scenarios(self, scenarios: list[Scenario]) -> int:
        """Insert the scenarios the store does not have yet (by content id); a scenario it has
        keeps its own review state. Returns how many were new."""
        known = {row[0] for row in self._store.db.execute("SELECT id FROM scenarios")}
        new = [s for s in scenarios if s.id not in known]
        now = now_iso()
        with self._store.transaction():
            for scenario in new:
                self._store.db.execute(
                    "INSERT INTO scenarios (id, tag, status, origin, body, reason, reviewed_by, "
                    "reviewed_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
                    # API workers starting together load the same library: first one wins.
                    "ON CONFLICT (id) DO NOTHING",
                    (
                        scenario.id,
                        scenario.tag,
                        scenario.status,
                        scenario.origin,
                        scenario.model_dump_json(),
                        None,
                        scenario.reviewed_by,
                        scenario.reviewed_at,
                        now,
                        now,
                    ),
                )
        return len(new)

    _COLUMNS = "body, status, reason, reviewed_by, reviewed_at"

    @staticmethod
    def _stored(row: Any) -> StoredScenario:
        body, status, reason, reviewed_by, reviewed_at = row
        scenario = Scenario.model_validate_json(body).model_copy(
            update={"status": status, "reviewed_by": reviewed_by, "reviewed_at": reviewed_at}
        )
        return StoredScenario(scenario, reason)

    def scenario(self, scenario_id: str) -> StoredScenario:
        row = self._store.db.execute(
            f"SELECT {self._COLUMNS} FROM scenarios WHERE id = ?", (scenario_id,)
        ).fetchone()
        if row is None:
            raise ScenarioNotFoundError(f"Oefenscenario {scenario_id} bestaat niet.")
        return self._stored(row)

    def scenarios(
        self, status: Status | None = None, tag: str | None = None
    ) -> list[StoredScenario]:
        clauses: list[str] = ["1 = 1"]
        params: list[object] = []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if tag is not None:
            clauses.append("tag = ?")
            params.append(tag)
        rows = self._store.db.execute(
            f"SELECT {self._COLUMNS} FROM scenarios WHERE {' AND '.join(clauses)} ORDER BY tag, id",
            params,
        )
        return [self._stored(row) for row in rows]

    def update_scenario(
        self,
        scenario: Scenario,
        status: Status,
        reason: str | None,
        reviewed_by: str | None = None,
    ) -> None:
        """New state (and body, e.g. newly pinned passages); a review stamps who and when."""
        now = now_iso()
        sets = "body = ?, status = ?, reason = ?, updated_at = ?"
        params: list[object] = [scenario.model_dump_json(), status, reason, now]
        if reviewed_by is not None:
            sets += ", reviewed_by = ?, reviewed_at = ?"
            params += [reviewed_by, now]
        self._store.db.execute(f"UPDATE scenarios SET {sets} WHERE id = ?", [*params, scenario.id])

    # -- sessions, caller questions, attempts ---------------------------------------------

    def new_session(self, agent_id: str, scenario: Scenario, conversation_id: str) -> str:
        session_id = "ps-" + uuid.uuid4().hex
        self._store.db.execute(
            "INSERT INTO practice_sessions (id, agent_id, scenario_id, conversation_id, tag, "
            "created_at) VALUES (?,?,?,?,?,?)",
            (session_id, agent_id, scenario.id, conversation_id, scenario.tag, now_iso()),
        )
        return session_id

    def session(self, session_id: str) -> PracticeSession:
        row = self._store.db.execute(
            "SELECT id, agent_id, scenario_id, conversation_id, tag, created_at "
            "FROM practice_sessions WHERE id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            raise SessionNotFoundError(f"Oefensessie {session_id} bestaat niet.")
        return PracticeSession(*row)

    def add_ask(self, session_id: str, question: str, ask_id: str | None) -> None:
        self._store.db.execute(
            "INSERT INTO practice_asks (session_id, question, ask_id, created_at) VALUES (?,?,?,?)",
            (session_id, question, ask_id, now_iso()),
        )

    def asked(self, session_id: str) -> set[str]:
        """The ask-first items the trainee asked the caller in this session."""
        rows = self._store.db.execute(
            "SELECT ask_id FROM practice_asks WHERE session_id = ? AND ask_id IS NOT NULL",
            (session_id,),
        )
        return {str(row[0]) for row in rows}

    def save_attempt(
        self, session: PracticeSession, answer: str, result: dict[str, Any], score: float,
        passed: bool,
    ) -> str:  # fmt: skip
        attempt_id = "pa-" + uuid.uuid4().hex
        try:
            self._store.db.execute(
                "INSERT INTO practice_attempts (id, session_id, agent_id, scenario_id, tag, "
                "answer, result, score, passed, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    attempt_id,
                    session.id,
                    session.agent_id,
                    session.scenario_id,
                    session.tag,
                    answer,
                    json.dumps(result, ensure_ascii=False),
                    score,
                    int(passed),
                    now_iso(),
                ),
            )
        except ConstraintError as exc:  # one answer per session, also when two race
            raise AlreadyAnsweredError(
                "Deze oefening is al beantwoord. Begin een nieuwe oefening."
            ) from exc
        return attempt_id

    def attempts(
        self,
        agent_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[Attempt]:
        """Oldest first."""
        clauses: list[str] = ["1 = 1"]
        params: list[object] = []
        for clause, value in (
            ("agent_id = ?", agent_id),
            ("created_at >= ?", since),
            ("created_at < ?", until),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        rows = self._store.db.execute(
            "SELECT id, agent_id, scenario_id, tag, score, passed, created_at "
            f"FROM practice_attempts WHERE {' AND '.join(clauses)} ORDER BY created_at, id",
            params,
        )
        return [Attempt(a, g, s, t, float(sc), bool(p), c) for a, g, s, t, sc, p, c in rows]

    def production_answers(self, agent_ids: list[str]) -> list[tuple[str, str, str]]:
        """(agent, tag, moment) of the agents' production answers (practice left out): the
        denominator of the escalation rate per tag."""
        if not agent_ids:
            return []
        marks = ", ".join("?" * len(agent_ids))
        rows = self._store.db.execute(
            "SELECT c.agent_id, COALESCE(a.tag, 'onbekend'), a.created_at "
            "FROM answers a JOIN turns t ON a.turn_id = t.id "
            "JOIN conversations c ON t.conversation_id = c.id "
            f"WHERE c.practice = 0 AND c.agent_id IN ({marks}) ORDER BY a.created_at",
            agent_ids,
        )
        return [(str(g), str(t), str(m)) for g, t, m in rows]

    def escalations_by_tag(self, agent_ids: list[str]) -> list[tuple[str, str, str]]:
        """(agent, tag, moment) of the agents' escalations in production conversations."""
        if not agent_ids:
            return []
        marks = ", ".join("?" * len(agent_ids))
        rows = self._store.db.execute(
            "SELECT e.agent_id, COALESCE(e.tag, 'onbekend'), e.created_at FROM escalations e "
            "JOIN conversations c ON c.id = e.conversation_id "
            f"WHERE c.practice = 0 AND e.agent_id IN ({marks}) ORDER BY e.created_at",
            agent_ids,
        )
        return [(str(g), str(t), str(m)) for g, t, m in rows]
