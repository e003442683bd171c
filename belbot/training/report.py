"""`belbot report training`: the committee's training measures. Per topic: how many trainees
completed it (and all topics: "percentage van medewerkers dat de training heeft gevolgd en
succesvol heeft afgerond"), the practice scores, and from production data the escalation rate
on that topic before and after each trainee completed it.

Trainees are the agents who practised in the period; completion counts every attempt up to
the period's end. The escalation rate is escalations tagged with the topic per production
answer tagged with it, by the same agents, before and after their moment of completion
(all production data in the store, so the "after" side grows as time passes)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from belbot.store.training import Attempt
from belbot.training.progress import trainee_progress
from belbot.training.service import TrainingService


class EscalationRate(BaseModel):
    answers: int
    escalations: int
    rate: float | None


class TopicRow(BaseModel):
    tag: str
    tag_label: str
    scenarios: int
    trainees_practised: int
    trainees_completed: int
    share_completed: float | None  # of all trainees in the period
    attempts: int
    mean_score: float | None
    pass_rate: float | None
    before: EscalationRate
    after: EscalationRate


class TrainingReport(BaseModel):
    period: str
    start: str
    until: str
    trainees: int
    completed_all: int
    share_completed_all: float | None
    needed_per_topic: int
    pass_score: float
    topics: list[TopicRow]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _rate(answers: int, escalations: int) -> EscalationRate:
    return EscalationRate(
        answers=answers, escalations=escalations, rate=_share(escalations, answers)
    )


def _moments(rows: list[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """(agent, tag, moment) rows grouped by (agent, tag)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for agent, tag, moment in rows:
        grouped.setdefault((agent, tag), []).append(moment)
    return grouped


def training_report(
    training: TrainingService, start: datetime, until: datetime, label: str
) -> TrainingReport:
    since_iso, until_iso = start.isoformat(), until.isoformat()
    rows = training.rows
    in_period = rows.attempts(since=since_iso, until=until_iso)
    trainees = sorted({a.agent_id for a in in_period})
    up_to_end = [a for a in rows.attempts(until=until_iso) if a.agent_id in trainees]
    topics, available = training.coverage()
    needed = training.settings.scenarios_per_topic
    progress = {
        agent: trainee_progress(
            [a for a in up_to_end if a.agent_id == agent], topics, needed, available
        )
        for agent in trainees
    }
    answers = _moments(rows.production_answers(trainees))
    escalations = _moments(rows.escalations_by_tag(trainees))
    report_topics: list[TopicRow] = []
    for tag in topics:
        mine: list[Attempt] = [a for a in in_period if a.tag == tag]
        completed = {
            agent: p[tag].completed_at for agent, p in progress.items() if p[tag].completed
        }
        counts = {"answers_before": 0, "esc_before": 0, "answers_after": 0, "esc_after": 0}
        for agent, moment in completed.items():
            assert moment is not None
            for when in answers.get((agent, tag), []):
                counts["answers_before" if when < moment else "answers_after"] += 1
            for when in escalations.get((agent, tag), []):
                counts["esc_before" if when < moment else "esc_after"] += 1
        report_topics.append(
            TopicRow(
                tag=tag,
                tag_label=training.tag_label(tag),
                scenarios=available.get(tag, 0),
                trainees_practised=len({a.agent_id for a in mine}),
                trainees_completed=len(completed),
                share_completed=_share(len(completed), len(trainees)),
                attempts=len(mine),
                mean_score=round(sum(a.score for a in mine) / len(mine), 3) if mine else None,
                pass_rate=_share(sum(a.passed for a in mine), len(mine)),
                before=_rate(counts["answers_before"], counts["esc_before"]),
                after=_rate(counts["answers_after"], counts["esc_after"]),
            )
        )
    all_done = sum(
        1 for p in progress.values() if topics and all(p[tag].completed for tag in topics)
    )
    return TrainingReport(
        period=label,
        start=since_iso,
        until=until_iso,
        trainees=len(trainees),
        completed_all=all_done,
        share_completed_all=_share(all_done, len(trainees)),
        needed_per_topic=needed,
        pass_score=training.settings.pass_score,
        topics=report_topics,
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def render_markdown(report: TrainingReport) -> str:
    lines = [
        f"# Training {report.period}",
        "",
        f"{report.trainees} cursisten oefenden in de periode; {report.completed_all} "
        f"({_pct(report.share_completed_all)}) rondden alle onderwerpen af "
        f"({report.needed_per_topic} scenario's per onderwerp, geslaagd vanaf "
        f"{report.pass_score:.0%}).",
        "",
        "| onderwerp | scenario's | geoefend | afgerond | % afgerond | pogingen | gem. score "
        "| geslaagd | escalaties vóór | escalaties na |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in report.topics:
        score = "–" if t.mean_score is None else f"{t.mean_score:.2f}"
        lines.append(
            f"| {t.tag_label} | {t.scenarios} | {t.trainees_practised} | {t.trainees_completed} "
            f"| {_pct(t.share_completed)} | {t.attempts} | {score} | {_pct(t.pass_rate)} "
            f"| {_pct(t.before.rate)} ({t.before.escalations}/{t.before.answers}) "
            f"| {_pct(t.after.rate)} ({t.after.escalations}/{t.after.answers}) |"
        )
    return "\n".join(lines) + "\n"
