"""Practice mode over the answering core: scenarios from the library and the coach's review,
practice sessions in conversations kept apart from production, the simulated caller, checked
answers and progress per topic.

Trainee texts (questions to the caller, answers) are redacted before they are matched or
stored, like every question BelBot answers."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from belbot.errors import InvalidInputError
from belbot.index.store import IndexVersion
from belbot.logs import get_logger
from belbot.settings import TrainingSettings
from belbot.store.monitoring import MonitoringStore
from belbot.store.store import ConversationStore
from belbot.store.training import Attempt, PracticeSession, StoredScenario, TrainingStore
from belbot.tagging.taxonomy import Taxonomy
from belbot.training.caller import reply_to
from belbot.training.feedback import AnswerFeedback, TopicStatus, check_answer
from belbot.training.library import load_scenarios
from belbot.training.matching import FactMatcher, MatchSettings
from belbot.training.passages import PassageLocator, ResolvedPassage
from belbot.training.progress import TopicProgress, trainee_progress
from belbot.training.types import NoScenarioError, Scenario, SessionNotFoundError, Status

log = get_logger(__name__)

MAX_TEXT = 4000


@dataclass(frozen=True)
class StartedSession:
    session_id: str
    conversation_id: str
    scenario: Scenario


@dataclass(frozen=True)
class SyncReport:
    added: int
    flagged: list[str]  # scenario ids sent back for review


class TrainingService:
    def __init__(
        self,
        store: ConversationStore,
        settings: TrainingSettings,
        taxonomy: Taxonomy,
        index: Callable[[], IndexVersion],
        redact: Callable[[str], str],
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._rows = TrainingStore(store)
        self._settings = settings
        self._taxonomy = taxonomy
        self._index = index
        self._redact = redact
        self._rng = rng or random.Random()
        self._matcher = FactMatcher(
            MatchSettings(settings.min_coverage, settings.min_coverage_with_numbers)
        )
        self._locator: PassageLocator | None = None
        self._lock = threading.Lock()

    @property
    def rows(self) -> TrainingStore:
        return self._rows

    @property
    def settings(self) -> TrainingSettings:
        return self._settings

    def tag_label(self, tag: str) -> str:
        try:
            return self._taxonomy.get(tag).label
        except KeyError:
            return tag

    def locator(self) -> PassageLocator:
        """Over the index being served: re-ingestion swaps it, and the locator follows."""
        index = self._index()
        with self._lock:
            if self._locator is None or self._locator.version_id != index.version_id:
                self._locator = PassageLocator(index)
            return self._locator

    # -- the library and the knowledge under it --------------------------------------------

    def sync(self) -> SyncReport:
        """Load the shipped library (new scenarios only), then check every scenario's
        passages against the index being served."""
        library = load_scenarios(self._settings.scenarios_file, set(self._taxonomy.ids))
        added = self._rows.add_scenarios(library)
        flagged = self.check_knowledge()
        log.info("training.synced", added=added, flagged=len(flagged), library=len(library))
        return SyncReport(added, flagged)

    def check_knowledge(self) -> list[str]:
        """Approved and draft scenarios whose passages changed go to ``needs_review`` with
        the reason; an approved scenario not pinned yet is pinned to the chunks of now."""
        locator = self.locator()
        flagged: list[str] = []
        for stored in self._rows.scenarios():
            scenario = stored.scenario
            if scenario.status not in ("approved", "draft"):
                continue
            problems = locator.problems(scenario)
            if problems:
                self._rows.update_scenario(scenario, "needs_review", "; ".join(problems))
                flagged.append(scenario.id)
                log.info("training.scenario_flagged", scenario_id=scenario.id,
                         problems=len(problems))  # fmt: skip
            elif scenario.status == "approved" and any(
                p.chunk_sha256 is None for p in scenario.passages
            ):
                self._rows.update_scenario(locator.pin(scenario), "approved", None)
        return flagged

    def add_drafts(self, drafts: list[Scenario]) -> int:
        return self._rows.add_scenarios([d.model_copy(update={"status": "draft"}) for d in drafts])

    def answer_tag(self, answer_id: str) -> str:
        """The (possibly corrected) tag of a stored answer; overig when unknown."""
        tag = MonitoringStore(self._store).current_tag(answer_id)
        return tag if tag in self._taxonomy.ids else self._taxonomy.fallback.id

    def scenarios(self, status: Status | None = None) -> list[StoredScenario]:
        return self._rows.scenarios(status)

    def review(self, scenario_id: str, approve: bool, note: str, coach_id: str) -> Scenario:
        """A coach's decision. Approving pins the passages to the knowledge of now; a
        scenario whose quotes are gone cannot be approved."""
        scenario = self._rows.scenario(scenario_id).scenario
        if approve:
            locator = self.locator()
            problems = locator.approval_problems(scenario)
            if problems:
                raise InvalidInputError(
                    "Goedkeuren kan niet: " + "; ".join(problems) + ". Pas het scenario aan."
                )
            scenario = locator.pin(scenario.unpinned())
        status: Status = "approved" if approve else "rejected"
        scenario = scenario.model_copy(update={"note": note.strip()[:1000]})
        self._rows.update_scenario(scenario, status, None, reviewed_by=coach_id)
        log.info("training.scenario_reviewed", scenario_id=scenario_id, status=status)
        return self._rows.scenario(scenario_id).scenario

    # -- practising -----------------------------------------------------------------------

    def _usable(self, tag: str | None) -> list[Scenario]:
        locator = self.locator()
        return [
            s.scenario for s in self._rows.scenarios("approved", tag) if locator.holds(s.scenario)
        ]

    def start(self, agent_id: str, tag: str | None) -> StartedSession:
        if tag is not None and tag not in self._taxonomy.ids:
            raise InvalidInputError(f"Onbekend onderwerp '{tag}'.")
        usable = self._usable(tag)
        if not usable:
            where = f" voor {self.tag_label(tag)}" if tag else ""
            raise NoScenarioError(f"Er zijn geen goedgekeurde oefenscenario's{where}.")
        attempts = self._rows.attempts(agent_id)
        tried = Counter(a.scenario_id for a in attempts)
        passed = {a.scenario_id for a in attempts if a.passed}
        # Not yet passed first, then the least practised; chance among equals.
        best = min((s.id in passed, tried[s.id]) for s in usable)
        choice = self._rng.choice([s for s in usable if (s.id in passed, tried[s.id]) == best])
        conversation_id = self._store.new_conversation(agent_id, retain=True, practice=True)
        session_id = self._rows.new_session(agent_id, choice, conversation_id)
        log.info("training.session_started", session_id=session_id, scenario_id=choice.id,
                 tag=choice.tag)  # fmt: skip
        return StartedSession(session_id, conversation_id, choice)

    def _session(self, agent_id: str, session_id: str) -> tuple[PracticeSession, Scenario]:
        session = self._rows.session(session_id)
        if session.agent_id != agent_id:  # another trainee's session: as if it did not exist
            raise SessionNotFoundError(f"Oefensessie {session_id} bestaat niet.")
        return session, self._rows.scenario(session.scenario_id).scenario

    @staticmethod
    def _text(text: str, what: str) -> str:
        cleaned = text.strip()
        if not cleaned:
            raise InvalidInputError(f"{what} is leeg.")
        if len(cleaned) > MAX_TEXT:
            raise InvalidInputError(f"{what} is langer dan {MAX_TEXT} tekens.")
        return cleaned

    def ask_caller(self, agent_id: str, session_id: str, question: str) -> tuple[str, str | None]:
        session, scenario = self._session(agent_id, session_id)
        redacted = self._redact(self._text(question, "De vraag aan de beller"))
        reply, ask_id = reply_to(redacted, scenario.ask_first)
        self._rows.add_ask(session.id, redacted, ask_id)
        return reply, ask_id

    def _passages(self, scenario: Scenario) -> list[ResolvedPassage]:
        locator = self.locator()
        return [p for p in (locator.find(ref) for ref in scenario.passages) if p is not None]

    def answer(self, agent_id: str, session_id: str, answer: str) -> AnswerFeedback:
        session, scenario = self._session(agent_id, session_id)
        redacted = self._redact(self._text(answer, "Het antwoord"))
        feedback = check_answer(
            scenario,
            redacted,
            self._rows.asked(session.id),
            self._passages(scenario),
            self._matcher,
            self._settings.pass_score,
        )
        attempt_id = self._rows.save_attempt(
            session, redacted, feedback.model_dump(mode="json"), feedback.score, feedback.passed
        )
        topic = self.progress(agent_id)[scenario.tag]
        log.info("training.answer_checked", session_id=session_id, scenario_id=scenario.id,
                 score=feedback.score, passed=feedback.passed)  # fmt: skip
        return feedback.model_copy(
            update={
                "attempt_id": attempt_id,
                "topic": TopicStatus(
                    tag=scenario.tag,
                    tag_label=self.tag_label(scenario.tag),
                    passed=topic.passed,
                    needed=topic.needed,
                    completed=topic.completed,
                ),
            }
        )

    # -- progress -------------------------------------------------------------------------

    def coverage(self) -> tuple[list[str], dict[str, int]]:
        """(the tags practice covers, in taxonomy order; the practicable approved scenarios per
        tag): one pass over the scenarios and their passages."""
        available = dict(Counter(s.tag for s in self._usable(None)))
        return [tag for tag in self._taxonomy.ids if available.get(tag)], available

    def progress(self, agent_id: str) -> dict[str, TopicProgress]:
        topics, available = self.coverage()
        return trainee_progress(
            self._rows.attempts(agent_id), topics, self._settings.scenarios_per_topic, available
        )

    def everyone(self) -> tuple[list[str], dict[str, dict[str, TopicProgress]]]:
        """(the topics; every trainee's progress on them): the coach page."""
        topics, available = self.coverage()
        by_agent: dict[str, list[Attempt]] = {}
        for attempt in self._rows.attempts():
            by_agent.setdefault(attempt.agent_id, []).append(attempt)
        return topics, {
            agent: trainee_progress(mine, topics, self._settings.scenarios_per_topic, available)
            for agent, mine in sorted(by_agent.items())
        }
