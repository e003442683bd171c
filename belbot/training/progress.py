"""Scores, passing and topic completion, as pure functions over the stored attempts.

A topic (a question tag) is completed when the trainee has passed ``needed`` different
scenarios of that tag (fewer when the library holds fewer approved ones); the moment of the
last of those passes is when it was completed."""

from __future__ import annotations

from dataclasses import dataclass

from belbot.store.training import Attempt

FACT_WEIGHT = 0.8  # of the score when the scenario has questions to ask first; else 1


def score(facts_found: int, facts: int, asked: int, ask_items: int) -> float:
    fact_share = facts_found / facts if facts else 1.0
    if not ask_items:
        return round(fact_share, 4)
    return round(FACT_WEIGHT * fact_share + (1 - FACT_WEIGHT) * asked / ask_items, 4)


def needed_for(tag: str, needed: int, available: dict[str, int]) -> int:
    return max(1, min(needed, available.get(tag, 0) or needed))


@dataclass(frozen=True)
class TopicProgress:
    tag: str
    scenarios: int  # approved scenarios of the tag
    attempts: int
    passed: int  # different scenarios passed
    needed: int
    completed: bool
    completed_at: str | None
    mean_score: float | None


def topic_progress(
    attempts: list[Attempt], tag: str, needed: int, available: dict[str, int]
) -> TopicProgress:
    """``attempts``: one trainee's, oldest first."""
    mine = [a for a in attempts if a.tag == tag]
    want = needed_for(tag, needed, available)
    passed: set[str] = set()
    completed_at = None
    for attempt in mine:
        if attempt.passed and attempt.scenario_id not in passed:
            passed.add(attempt.scenario_id)
            if len(passed) == want:
                completed_at = attempt.created_at
    mean = round(sum(a.score for a in mine) / len(mine), 3) if mine else None
    return TopicProgress(
        tag=tag,
        scenarios=available.get(tag, 0),
        attempts=len(mine),
        passed=len(passed),
        needed=want,
        completed=completed_at is not None,
        completed_at=completed_at,
        mean_score=mean,
    )


def trainee_progress(
    attempts: list[Attempt], tags: list[str], needed: int, available: dict[str, int]
) -> dict[str, TopicProgress]:
    return {tag: topic_progress(attempts, tag, needed, available) for tag in tags}
