"""`belbot eval ops`: operational measures on a real store filled through its own methods,
with a controlled clock so every duration below is known in advance."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from belbot.answering.factory import create_answer_service
from belbot.answering.service import REJECTED_REASON
from belbot.answering.types import GUARDRAIL_REASON, Answer, GenerationParams, ModelInfo, Timings
from belbot.cli.context import CliState
from belbot.cli.eval_ops import ops
from belbot.embedding.fake import FakeEmbedder
from belbot.errors import InvalidInputError
from belbot.evaluation.ops import operational_report, parse_moment
from belbot.index.builder import IndexBuilder
from belbot.settings import Settings, load_settings
from belbot.store.store import ConversationStore
from belbot.store.types import normalise_question

from .conftest import Clock, ts

pytestmark = pytest.mark.unit

MARCH = datetime(2025, 3, 1, tzinfo=UTC)


def answer(
    conversation_id: str,
    turn: int,
    created: str,
    path: str = "generated",
    reason: str = "modelantwoord doorstaat alle controles",
    timings: Timings | None = None,
    question: str = "Wat is de wachttijd?",
    resolved: str | None = None,
    cached_from: str | None = None,
) -> Answer:
    return Answer.model_validate(
        {
            "answer_id": f"{conversation_id}-{turn}",
            "request_id": "r",
            "conversation_id": conversation_id,
            "turn": turn,
            "question": question,
            "resolved_query": resolved or question,
            "text": f"antwoord {conversation_id}-{turn}",
            "path": path,
            "path_reason": reason,
            "citations": [],
            "retrieval": [],
            "verdicts": [],
            "model": ModelInfo(backend="fake", model_id="fake", sha256="0"),
            "index_version": "v1",
            "prompt_version": "p1",
            "params": GenerationParams(),
            "timings": timings or Timings(),
            "cached": cached_from is not None,
            "cached_from": cached_from,
            "created_at": ts(created),
        }
    )


def conversation(store: ConversationStore, clock: Clock, agent: str, moment: str) -> str:
    clock.at(moment)
    return store.new_conversation(agent)


def fill(store: ConversationStore, clock: Clock) -> None:
    """One conversation before the period and three in March; see the expectations below."""
    old = conversation(store, clock, "a1", "2025-02-20T09:00:00")
    store.save(answer(old, 1, "2025-02-20T09:00:00"), "", "", None, None)
    store.save_feedback(f"{old}-1", "a1", "down", "onvolledig", None)

    c1 = conversation(store, clock, "a1", "2025-03-03T09:00:00")
    t1 = Timings(retrieval_ms=10, generation_ms=800, total_ms=1000, cpu_ms=2400)
    store.save(answer(c1, 1, "2025-03-03T09:00:00", timings=t1), "", "", None, None)
    t2 = Timings(retrieval_ms=20, total_ms=3000, cpu_ms=3600)
    a2 = answer(c1, 2, "2025-03-03T09:01:00", "extractive", REJECTED_REASON + "numbers", t2)
    store.save(a2, "", "", None, None)
    # Browser clock on both ends: 10 s and 30 s to find, whatever the server clock says.
    for kind, answer_id, client in [
        ("answer_shown", f"{c1}-1", "2025-03-03T09:00:02.000Z"),
        ("source_opened", f"{c1}-1", "2025-03-03T09:00:12.000Z"),
        ("answer_copied", f"{c1}-1", "2025-03-03T09:00:20.000Z"),
        ("answer_shown", f"{c1}-2", "2025-03-03T09:01:00.000Z"),
        ("answer_copied", f"{c1}-2", "2025-03-03T09:01:30.000Z"),
    ]:
        store.add_event(kind, "a1", c1, answer_id, None, client)
    store.save_feedback(f"{c1}-1", "a1", "up", None, None)
    store.save_feedback(f"{c1}-2", "a1", "down", "onjuist", "klopt niet")
    clock.at("2025-03-03T09:05:00")
    store.add_event("conversation_ended", "a1", c1, None, None, None)  # resolved in 300 s

    c2 = conversation(store, clock, "a2", "2025-03-04T10:00:00")
    t3 = Timings(retrieval_ms=5, total_ms=500, cpu_ms=600)
    store.save(answer(c2, 1, "2025-03-04T10:00:00", "refused", "te weinig", t3), "", "", None, None)
    # No browser clock: the server's, 5 s.
    clock.at("2025-03-04T10:00:01")
    store.add_event("answer_shown", "a2", c2, f"{c2}-1", None, None)
    clock.at("2025-03-04T10:00:06")
    store.add_event("source_opened", "a2", c2, f"{c2}-1", "chunk", None)
    store.save_feedback(f"{c2}-1", "a2", "up", None, None)
    store.save_feedback(f"{c2}-1", "a2", "down", "niet relevant", None)  # changed its mind
    cached = answer(c2, 2, "2025-03-04T10:01:00", timings=Timings(total_ms=5),
                    cached_from=f"{c1}-1")  # fmt: skip
    store.save(cached, "", "", None, None)
    blocked = answer(c2, 3, "2025-03-04T10:01:30", "refused", GUARDRAIL_REASON + "injection")
    store.save(blocked, "", "", None, None)
    clock.at("2025-03-04T10:02:00")  # open conversation: its last activity, 120 s
    store.add_event("answer_shown", "a2", c2, f"{c2}-3", None, None)

    c3 = conversation(store, clock, "a3", "2025-03-05T08:00:00")
    store.save(answer(c3, 1, "2025-03-05T08:00:00", timings=Timings(total_ms=2000)), "", "",
               None, None)  # fmt: skip
    # A record from before cpu_ms was measured.
    record = json.loads(store.get(f"{c3}-1").answer.model_dump_json())
    del record["timings"]["cpu_ms"]
    store.db.execute("UPDATE answers SET record = ? WHERE id = ?", (json.dumps(record), f"{c3}-1"))


@pytest.fixture
def store(new_store: Callable[..., ConversationStore], clock: Clock) -> ConversationStore:
    store = new_store()  # the configured store: what the CLI reads
    fill(store, clock)
    return store


def test_volume_thumbs_and_the_since_filter(store: ConversationStore) -> None:
    report = operational_report(store, MARCH)
    assert report.volume.model_dump() == {
        "conversations": 3, "answers": 6, "cached_replays": 1, "pipeline_answers": 5,
    }  # fmt: skip
    thumbs = report.feedback
    assert (thumbs.up, thumbs.down, thumbs.up_rate) == (1, 2, 0.3333)
    assert thumbs.reasons == {"onjuist": 1, "niet relevant": 1}  # February's is outside
    february = operational_report(store, datetime(2025, 2, 1), until=MARCH)
    assert february.volume.answers == 1 and february.feedback.reasons == {"onvolledig": 1}


def test_time_to_find_and_to_resolve(store: ConversationStore) -> None:
    report = operational_report(store, MARCH)
    find = report.time_to_find
    assert (find.shown, find.found) == (4, 3)  # the blocked answer was shown, nothing opened
    assert (find.seconds.n, find.seconds.p50, find.seconds.p95) == (3, 10.0, 28.0)
    resolve = report.time_to_resolve
    assert (resolve.ended, resolve.open) == (1, 2)
    assert (resolve.seconds.p50, resolve.seconds.p95) == (120.0, 282.0)  # 0, 120 and 300 s


def test_paths_latency_and_cost(store: ConversationStore) -> None:
    report = operational_report(store, MARCH, watts=30)
    paths = report.paths
    assert paths.counts == {"generated": 2, "extractive": 1, "refused": 1, "blocked": 1}
    assert paths.rates == {"generated": 0.4, "extractive": 0.2, "refused": 0.2, "blocked": 0.2}
    assert paths.fallback_of_answered == 0.3333 and paths.fallback_causes == {"rejected": 1}
    latency = report.latency  # the cached replay and the blocked answer are left out
    assert (latency.total_ms.n, latency.total_ms.p50, latency.total_ms.p95) == (4, 1500, 2850)
    assert latency.stages["retrieval_ms"].n == 3 and latency.stages["generation_ms"].n == 1
    cost = report.cost
    assert (cost.answers, cost.missing_cpu, cost.watts_per_core) == (3, 1, 30)
    assert cost.cpu_s_mean == 2.2 and cost.cpu_s.p50 == 2.4
    assert cost.wh_per_answer == pytest.approx(2.2 * 30 / 3600, abs=1e-5)
    assert cost.wh_total == pytest.approx(6.6 * 30 / 3600, abs=1e-3)


def test_until_date_includes_that_day(store: ConversationStore) -> None:
    until = parse_moment("2025-03-03", "--until", end_of_day=True)
    report = operational_report(store, MARCH, until)
    assert (report.volume.conversations, report.volume.answers) == (1, 2)
    assert report.until == "2025-03-04T00:00:00.000+00:00"


def test_bad_dates_and_watts_are_refused_in_dutch(store: ConversationStore) -> None:
    with pytest.raises(InvalidInputError, match="geen datum"):
        parse_moment("31-03-2025", "--since")
    with pytest.raises(InvalidInputError, match="moet na --since"):
        operational_report(store, MARCH, until=datetime(2025, 2, 1, tzinfo=UTC))
    with pytest.raises(InvalidInputError, match="groter dan 0"):
        operational_report(store, MARCH, watts=0)
    assert parse_moment("2025-03-01T10:00+01:00", "--since") == datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_answers_grouped_across_agents(
    new_store: Callable[..., ConversationStore], clock: Clock
) -> None:
    store = new_store("across.db")
    asked = [
        ("a1", "2025-03-02T09:00:00", "Wat is de wachttijd?", None, None),
        ("a2", "2025-03-02T10:00:00", "wat is de   WACHTTIJD", None, None),
        ("a3", "2025-03-02T11:00:00", "Klant [NAAM] vraagt: wat is de wachttijd",
         "wat is de wachttijd", None),
        ("a4", "2025-03-02T12:00:00", "Wat is de wachttijd?", None, "x-1"),  # cached
        ("", "2025-03-02T12:30:00", "Wat is de wachttijd?", None, None),  # no agent: CLI
        ("a4", "2025-02-01T12:00:00", "Wat is de wachttijd?", None, None),  # before since
        ("a1", "2025-03-02T13:00:00", "Alleen ik vraag dit.", None, None),
        ("a1", "2025-03-02T14:00:00", "alleen ik vraag dit", None, None),
    ]  # fmt: skip
    for agent, moment, question, resolved, cached_from in asked:
        cid = conversation(store, clock, agent, moment)
        item = answer(cid, 1, moment, question=question, resolved=resolved,
                      cached_from=cached_from)  # fmt: skip
        store.save(item, "", "", None, None)
    groups = store.answers_by_question_across_agents(MARCH)
    assert list(groups) == ["wat is de wachttijd"]
    group = groups["wat is de wachttijd"]
    assert [(a.agent_id, a.text.startswith("antwoord ")) for a in group] == [
        ("a1", True), ("a2", True), ("a3", True),
    ]  # fmt: skip
    agent_id, text, answer_id = groups["wat is de wachttijd"][0]
    assert store.get(answer_id).answer.text == text and agent_id == "a1"
    assert normalise_question("  Wat is   X?! ") == "wat is x"


def test_answer_service_records_cpu_time(store_engine: str, fake_stack_settings: Settings) -> None:
    IndexBuilder(fake_stack_settings, FakeEmbedder()).build()
    service = create_answer_service(fake_stack_settings)
    service.warm_up()
    answer = service.ask(
        "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?", agent_id="a1"
    )
    assert answer.timings.cpu_ms > 0
    assert service.store is not None
    stored = service.store.get(answer.answer_id).answer
    assert stored.timings.cpu_ms == answer.timings.cpu_ms
    report = operational_report(service.store, datetime(2000, 1, 1, tzinfo=UTC))
    assert (report.cost.answers, report.cost.missing_cpu) == (1, 0)
    assert report.cost.cpu_s_mean == round(answer.timings.cpu_ms / 1000, 3)
    old = Timings.model_validate({"total_ms": 5})
    assert old.cpu_ms == 0.0 and "cpu_ms" not in old.model_fields_set


def cli_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        # Settings given up front: CliState would otherwise configure logging onto the
        # runner's stream, which is closed once the run ends and breaks later tests.
        ctx.obj = CliState(_settings=load_settings(None))

    app.command("ops")(ops)
    return app


def test_cli_prints_the_table_and_writes_json(store: ConversationStore, tmp_path: Path) -> None:
    out = tmp_path / "ops" / "report.json"
    result = CliRunner().invoke(
        cli_app(), ["ops", "--since", "2025-03-01", "--watts", "30", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Operationeel" in result.stdout and "(n=3)" in result.stdout
    assert "CPU: 1 antwoord(en) van vóór de meting" in result.stdout
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["volume"]["answers"] == 6 and payload["cost"]["watts_per_core"] == 30
    assert (
        payload["paths"]["rates"]["refused"] == 0.2 and "tijd_tot_vinden" in payload["definitions"]
    )


def test_cli_refuses_a_bad_date(store: ConversationStore) -> None:
    result = CliRunner().invoke(cli_app(), ["ops", "--since", "maart"])
    assert result.exit_code == 2
    assert "invalid_input" in result.stderr and "'maart' is geen datum" in result.stderr
