"""Retention and the counters: a purge keeps every count the dashboard shows and no content;
migration 0004 upgrades a store written at the previous schema without loss; the review
sample and its CLI; Cohen's kappa and the allocation of a stratified sample."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from belbot.cli.app import app as cli_app
from belbot.monitoring.counters import LATENCY_BUCKETS_MS, bucket_percentile
from belbot.monitoring.retention import purge
from belbot.monitoring.review import allocate, cohen_kappa, draw_sample
from belbot.monitoring.rollup import counters_by_day
from belbot.settings import Settings
from belbot.store.database import Database
from belbot.store.migrations import LEGACY_NAMES
from belbot.store.monitoring import MonitoringStore
from belbot.store.reviews import ReviewStore
from belbot.store.schema import current_revision, head_revision, migrate
from belbot.store.store import ConversationStore, open_store

from .conftest import Clock
from .test_eval_ops import answer, fill

pytestmark = pytest.mark.unit

ALL_DAYS = (date(2025, 1, 1), date(2027, 12, 31))
CONTENT_TABLES = ("turns", "answers", "feedback", "feedback_history", "events", "escalations",
                  "reviews", "review_items", "tag_corrections")  # fmt: skip


NewStore = Callable[..., ConversationStore]


def rows(store: ConversationStore, table: str) -> int:
    return int(store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def rounded(days: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {d: {k: round(v, 6) for k, v in c.items() if v} for d, c in days.items()}


def monitored(store: ConversationStore) -> None:
    """Escalation, tag correction and a review on the February answer, so every kind of row
    a purge removes is there."""
    feb = store.db.execute("SELECT id FROM conversations ORDER BY created_at").fetchone()[0]
    monitoring = MonitoringStore(store)
    monitoring.add_escalation(feb, f"{feb}-1", "a1", "specialist", "anders", None, "btw")
    monitoring.correct_tag(f"{feb}-1", "toeslagen", "mona")
    reviews = ReviewStore(store)
    reviews.add_batch("b1", [("i1", f"{feb}-1", "btw/generated")], "2025-02", "mona")
    reviews.save_review("i1", f"{feb}-1", "mona", "onjuist", "verkeerd feit", None, None, None)


def test_purge_keeps_every_count_and_no_content(new_store: NewStore, clock: Clock) -> None:
    store = new_store()
    fill(store, clock)
    monitored(store)
    before = rounded(counters_by_day(store, *ALL_DAYS))
    assert before["2025-02-20"]["answers"] == 1 and before["2025-02-20"]["thumbs.down"] == 1
    conversations = rows(store, "conversations")

    report = purge(store, datetime(2025, 3, 1, tzinfo=UTC))
    assert (report.conversations, report.answers) == (1, 1)
    assert rounded(counters_by_day(store, *ALL_DAYS)) == before
    assert rows(store, "conversations") == conversations - 1
    assert rows(store, "reviews") == rows(store, "escalations") == 0
    assert rows(store, "tag_corrections") == rows(store, "review_items") == 0

    again = purge(store, datetime(2025, 3, 1, tzinfo=UTC))
    assert again.conversations == 0
    assert rounded(counters_by_day(store, *ALL_DAYS)) == before

    purge(store, datetime(2026, 1, 1, tzinfo=UTC))  # everything
    assert all(rows(store, table) == 0 for table in CONTENT_TABLES)
    assert rows(store, "conversations") == 0
    assert rounded(counters_by_day(store, *ALL_DAYS)) == before
    kept = {name for (name,) in store.db.execute("SELECT DISTINCT name FROM counters")}
    assert "Wat is de wachttijd" not in " ".join(kept)  # names are counts, never content


def test_purge_cli_uses_the_retention_setting(
    store_engine: str, fake_settings: Settings, clock: Clock
) -> None:
    store = open_store(fake_settings)
    fill(store, clock)
    store.close()
    result = CliRunner().invoke(cli_app, ["purge"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "4 gesprekken" in result.output  # all of 2025 is older than 90 days
    store = open_store(fake_settings)
    assert rows(store, "answers") == 0 and rows(store, "counters") > 0


def legacy_store_at_0003(db: Database) -> None:
    """A store written by BelBot before this revision. On SQLite as those versions left it:
    the schema of 0001-0003 and their names in ``_migrations``, no Alembic."""
    db.open()
    migrate(db, "0003")
    if db.dialect == "sqlite":
        db.execute("DROP TABLE alembic_version")
        db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        for name in list(LEGACY_NAMES)[:3]:
            db.execute("INSERT INTO _migrations VALUES (?, '2025-01-01')", (name,))
    assert current_revision(db) == "0003"


def test_migration_0004_upgrades_a_store_without_loss(
    new_database: Callable[..., Database], clock: Clock
) -> None:
    db = new_database("old.db", empty=True)
    legacy_store_at_0003(db)
    db.execute("INSERT INTO conversations (id, created_at, agent_id) VALUES ('c', ?, 'a1')",
               ("2025-03-03T09:00:00.000+00:00",))  # fmt: skip
    from belbot.answering.types import Timings

    old = [
        answer("c", 1, "2025-03-03T09:00:00", timings=Timings(total_ms=1200, cpu_ms=900)),
        answer("c", 2, "2025-03-03T09:01:00", "refused", "guardrail: injection"),
    ]
    for item in old:  # as the previous schema's save wrote them: 16 positional columns
        turn_id = f"c:{item.turn}"
        turn = (turn_id, "c", item.turn, item.question, item.resolved_query, item.created_at)
        db.execute("INSERT INTO turns VALUES (?,?,?,?,?,?)", turn)
        db.execute(
            "INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (item.answer_id, turn_id, "r", item.path, 0, None, item.text, item.model_dump_json(),
             "prompt", "raw", "v1", "0", "p1", "k", None, item.created_at),
        )  # fmt: skip
    db.close()

    store = ConversationStore(db)
    assert store.revision() == head_revision()
    got = store.db.execute(
        "SELECT id, path_class, total_ms, cpu_ms, tag FROM answers ORDER BY id"
    ).fetchall()
    assert got == [("c-1", "generated", 1200.0, 900.0, None), ("c-2", "blocked", 0.0, 0.0, None)]
    assert store.get("c-1").answer == old[0] and store.get("c-1").prompt == "prompt"
    assert store.history("c") == [old[0].resolved_query, old[1].resolved_query]
    day = counters_by_day(store, date(2025, 3, 3), date(2025, 3, 4))["2025-03-03"]
    assert day["answers"] == 2 and day["path.blocked"] == 1 and day["tag.onbekend.answers"] == 2
    assert store.db.execute("SELECT retain FROM conversations").fetchone()[0] == 1


def test_review_sample_cli_queues_a_stratified_sample(
    store_engine: str, fake_settings: Settings, clock: Clock
) -> None:
    store = open_store(fake_settings)
    fill(store, clock)
    store.close()
    runner = CliRunner()
    result = runner.invoke(cli_app, ["review", "sample", "--period", "2025-03", "--n", "2"])
    assert result.exit_code == 0, result.output
    store = open_store(fake_settings)
    items = ReviewStore(store).items()
    assert len(items) == 2 and len({i["stratum"] for i in items}) == 2
    again = runner.invoke(cli_app, ["review", "sample", "--period", "2025-03", "--n", "2"])
    assert again.exit_code == 0 and len(ReviewStore(store).items()) == 2  # same draw, once
    bad = runner.invoke(cli_app, ["review", "sample", "--period", "maart", "--n", "2"])
    assert bad.exit_code == 2 and "Periode 'maart' is ongeldig" in bad.output


def test_allocation_is_proportional_with_one_per_stratum() -> None:
    assert allocate({"a": 80, "b": 15, "c": 5}, 10) == {"a": 7, "b": 2, "c": 1}
    assert allocate({"a": 80, "b": 15, "c": 5}, 2) == {"a": 1, "b": 1, "c": 0}
    assert allocate({"a": 3, "b": 1}, 10) == {"a": 3, "b": 1}  # all there is
    candidates = [(f"x{i}", "btw" if i % 4 else "toeslagen", "generated") for i in range(40)]
    one, two = draw_sample(candidates, 8, 7, "p"), draw_sample(candidates, 8, 7, "p")
    assert one == two and one.strata == {"btw/generated": 6, "toeslagen/generated": 2}
    assert draw_sample(candidates, 8, 8, "p").items != one.items


def test_cohen_kappa_on_known_tables() -> None:
    # Textbook case: 50 items; both yes 20, both no 15, yes/no 5, no/yes 10.
    # po = 35/50 = .7; pe = (25·30 + 25·20)/2500 = .5; κ = .2 / .5 = .4
    pairs = ([("juist", "juist")] * 20 + [("onjuist", "onjuist")] * 15
             + [("juist", "onjuist")] * 5 + [("onjuist", "juist")] * 10)  # fmt: skip
    result = cohen_kappa(pairs)
    assert result["kappa"] == 0.4 and result["observed_agreement"] == 0.7
    assert cohen_kappa([("juist", "juist")] * 3)["kappa"] is None  # pe = 1: undefined
    assert cohen_kappa([])["items_with_two_reviews"] == 0


def test_percentiles_from_buckets() -> None:
    counts = {"latency.le.100": 50, "latency.le.250": 50}
    assert bucket_percentile(counts, "latency", LATENCY_BUCKETS_MS, 50) == 100.0
    assert bucket_percentile(counts, "latency", LATENCY_BUCKETS_MS, 75) == 175.0
    assert bucket_percentile({"latency.le.inf": 1}, "latency", LATENCY_BUCKETS_MS, 95) == 30000
    assert bucket_percentile({}, "latency", LATENCY_BUCKETS_MS, 50) is None


def test_nested_transactions_join_the_outer_one(new_store: NewStore) -> None:
    store = new_store()
    with pytest.raises(RuntimeError), store.transaction():
        store.add_counters("2026-01-01", {"answers": 1})  # opens its own: joins the outer
        raise RuntimeError("rolls back both")
    assert rows(store, "counters") == 0
    with store.transaction():
        store.add_counters("2026-01-01", {"answers": 1})
        store.add_counters("2026-01-01", {"answers": 2})
    assert store.db.execute("SELECT value FROM counters").fetchone()[0] == 3.0
