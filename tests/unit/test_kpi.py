"""The KPI report, dashboard and `belbot report kpi`: figures computed by hand from a tiny
store (and from kept counters), the periods, the renderings and the API's access rules."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from belbot.answering.types import Answer, GenerationParams, ModelInfo, Timings
from belbot.cli import report_cmd
from belbot.cli.context import CliState
from belbot.errors import InvalidInputError
from belbot.monitoring.dashboard import render_document, render_fragment
from belbot.monitoring.kpi import KpiReport, default_period, kpi_report, parse_period, wilson
from belbot.monitoring.kpi_csv import render_csv
from belbot.settings import PROJECT_ROOT, load_settings
from belbot.store.store import ConversationStore
from belbot.tagging.types import TagResult

from .conftest import auth

pytestmark = pytest.mark.unit

NewStore = Callable[..., ConversationStore]
DAY = "2026-11-17"
WATTS = 18.0


def _workload() -> ModuleType:
    path = PROJECT_ROOT / "benchmarks" / "gen_workload.py"
    spec = importlib.util.spec_from_file_location("gen_workload", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_workload", module)
    spec.loader.exec_module(module)
    return module


gen_workload = _workload()


# -- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-W47", "2026-11-16", "2026-11-22"),
        ("2026-W01", "2025-12-29", "2026-01-04"),  # week 1 starts in the year before
        ("2020-W53", "2020-12-28", "2021-01-03"),  # 2020 has 53 ISO weeks
        ("2026-W53", "2026-12-28", "2027-01-03"),  # so has 2026 (it starts on a Thursday)
        ("2026-11", "2026-11-01", "2026-11-30"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2026-12", "2026-12-01", "2026-12-31"),
        ("2026-11-25", "2026-11-25", "2026-11-25"),
        ("2026-11-01..2026-11-30", "2026-11-01", "2026-11-30"),
        (" 2026-W47..2026-11 ", "2026-11-16", "2026-11-30"),
    ],
)
def test_periods(text: str, start: str, end: str) -> None:
    period = parse_period(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)
    assert (period.until - period.end).days == 1  # read as [start, until)


@pytest.mark.parametrize(
    "text",
    ["2025-W53", "2027-W53", "2026-W00", "2026-13", "2026-02-30", "2026/11", "", "week 47",
     "2026-11-30..2026-11-01", "2020-01-01..2022-01-01", "2026-11-01..", "2026-W47x"],
)  # fmt: skip
def test_bad_periods_are_refused_in_dutch(text: str) -> None:
    with pytest.raises(InvalidInputError, match="ongeldig"):
        parse_period(text)


def test_default_period_is_the_last_seven_full_days_and_today() -> None:
    period = default_period(date(2026, 11, 25))
    assert (period.start, period.end) == (date(2026, 11, 18), date(2026, 11, 25))


def test_wilson_interval() -> None:
    assert wilson(8, 10) == (0.4902, 0.9433)
    assert wilson(10, 10) == (0.7225, 1.0)
    assert wilson(0, 0) is None


# -- figures from a tiny store -------------------------------------------------------------


def _answer(conversation: str, turn: int, moment: str, path: str, tag: str,
            total_ms: float, cpu_ms: float, cached_from: str | None = None) -> Answer:  # fmt: skip
    return Answer(
        answer_id=f"{conversation}-{turn}", request_id="r", conversation_id=conversation,
        turn=turn, question="Wat is de wachttijd?", resolved_query="Wat is de wachttijd?",
        text="antwoord", path=path, path_reason="test", citations=[], retrieval=[],  # type: ignore[arg-type]
        verdicts=[], model=ModelInfo(backend="fake", model_id="fake", sha256="0"),
        index_version="v1", prompt_version="p1", params=GenerationParams(),
        timings=Timings(total_ms=total_ms, cpu_ms=cpu_ms), cached=cached_from is not None,
        cached_from=cached_from, created_at=f"{DAY}T{moment}.000+00:00",
        tag=TagResult(tag=tag, label=tag, confidence=0.9, method="keywords",
                      taxonomy_version="t"),
    )  # fmt: skip


@pytest.fixture
def store(new_store: NewStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[ConversationStore]:
    """One conversation on DAY: a generated answer (1000 ms, 2000 ms CPU, toeslagen), a refusal
    (400 ms, 1000 ms CPU, btw) and a cached repeat of the first; thumbs up, down, up; the
    first answer found after 10 s; ended after 300 s; one escalation; and the counters kept of
    a purged review batch, 8 of 10 juist."""
    clock = {"now": ""}
    monkeypatch.setattr("belbot.store.store.now_iso", lambda: clock["now"])
    store = new_store("kpi.db")

    def at(moment: str) -> None:
        clock["now"] = f"{DAY}T{moment}.000+00:00"

    at("09:00:00")
    cid = store.new_conversation("anna")
    store.save(
        _answer(cid, 1, "09:00:00", "generated", "toeslagen", 1000, 2000), "", "", None, None
    )
    store.save(_answer(cid, 2, "09:01:00", "refused", "btw", 400, 1000), "", "", None, None)
    cached = _answer(cid, 3, "09:02:00", "generated", "toeslagen", 5, 1, cached_from=f"{cid}-1")
    store.save(cached, "", "", None, None)
    at("09:00:01")
    store.add_event("answer_shown", "anna", cid, f"{cid}-1", None, None)
    at("09:00:11")
    store.add_event("source_opened", "anna", cid, f"{cid}-1", "chunk", None)
    store.save_feedback(f"{cid}-1", "anna", "up", None, None)
    store.save_feedback(f"{cid}-2", "anna", "down", "onvolledig", None)
    store.save_feedback(f"{cid}-3", "anna", "up", None, None)
    store.db.execute(
        "INSERT INTO escalations (id, conversation_id, answer_id, agent_id, target, reason, "
        "tag, created_at) VALUES ('e1', ?, ?, 'anna', 'specialist', 'anders', 'toeslagen', ?)",
        (cid, f"{cid}-1", f"{DAY}T09:04:00.000+00:00"),
    )
    at("09:05:00")
    store.add_event("conversation_ended", "anna", cid, None, None, None)
    store.add_counters(DAY, {"reviews": 10, "review.juist": 8, "review.onjuist": 2})
    yield store
    store.close()


def _report(store: ConversationStore) -> KpiReport:
    period = parse_period("2026-11-16..2026-11-18")
    return kpi_report(store, period.start, period.until, WATTS, label=period.label)


def test_figures_by_hand(store: ConversationStore) -> None:
    report = _report(store)
    assert [d.day for d in report.days] == ["2026-11-16", DAY, "2026-11-18"]
    t = report.totals
    assert (t.answers, t.cached, t.pipeline, t.conversations) == (3, 1, 2, 1)
    assert t.cache_hit_rate == 0.3333
    assert (t.thumbs_up_rate, t.thumbs_down_reasons) == (0.6667, {"onvolledig": 1})
    assert (t.refusal_rate, t.fallback_rate, t.blocked_rate) == (0.5, 0.0, 0.0)
    # 400 ms in (250, 500] and 1000 ms in (500, 1000], linear within the bucket:
    assert (t.latency_p50_ms, t.latency_p95_ms) == (500.0, 950.0)
    # 10 s lies in (5, 10]: the median of one value is that bucket's middle; 300 s in (120, 300].
    assert (t.find_shown, t.find_found, t.find_p50_s) == (1, 1, 7.5)
    assert t.resolve_p50_s == 210.0
    assert (t.cpu_s_per_answer, t.wh_per_answer) == (1.5, 0.0075)  # (2 + 1) / 2 s x 18 W
    assert t.energy_saved_wh == 0.0075  # one cached answer x 1.5 s x 18 W / 3600
    assert (t.escalations, t.escalation_rate) == (1, 0.3333)
    assert (t.reviews, t.accuracy, t.accuracy_low, t.accuracy_high) == (10, 0.8, 0.4902, 0.9433)
    empty = report.days[0]
    assert (empty.answers, empty.cache_hit_rate, empty.latency_p50_ms) == (0, None, None)
    assert report.days[1].answers == 3 and report.days[1].energy_saved_wh == 0.0075


def test_tag_table(store: ConversationStore) -> None:
    rows = {row.tag: row.model_dump(exclude={"tag", "label"}) for row in _report(store).tags}
    assert {row.label for row in _report(store).tags} == {"toeslagen", "btw"}  # ids: no labels
    period = parse_period("2026-11-16..2026-11-18")
    labelled = kpi_report(store, period.start, period.until, WATTS, tag_labels={"btw": "Btw"})
    assert [row.label for row in labelled.tags] == ["toeslagen", "Btw"]
    assert rows == {
        "toeslagen": {"answers": 2, "share": 0.6667, "escalations": 1, "escalation_rate": 0.5,
                      "thumbs_up_rate": 1.0, "refusal_rate": 0.0},
        "btw": {"answers": 1, "share": 0.3333, "escalations": 0, "escalation_rate": 0.0,
                "thumbs_up_rate": 0.0, "refusal_rate": 1.0},
    }  # fmt: skip


def test_percentiles_from_kept_counters(new_store: NewStore) -> None:
    store = new_store("kept.db")
    store.add_counters(DAY, {"answers": 5, "answers.pipeline": 5, "latency.n": 4,
                             "latency.le.250": 3, "latency.le.1000": 1, "cpu.n": 5,
                             "cpu.sum_ms": 5000})  # fmt: skip
    store.add_counters("2026-11-18", {"answers": 1, "latency.le.inf": 1})
    report = _report(store)
    day = report.days[1]
    # p50: the 2nd of 4 lies in (100, 250] holding 3: 100 + 150 x 2/3; p95: 3.8th in (500, 1000].
    assert (day.latency_p50_ms, day.latency_p95_ms) == (200.0, 900.0)
    assert report.days[2].latency_p50_ms == 30000.0  # the open bucket reports its lower bound
    assert "emmers" in report.definitions["latentie"]


# -- renderings ----------------------------------------------------------------------------

VOID = {"meta", "br", "img", "input", "hr", "link", "circle", "line", "rect", "polyline"}


class _Checker(HTMLParser):
    """Tags balanced, and what was seen: tags, class names, SVG titles."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.classes: list[str] = []
        self.first_in_svg: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack and self.stack[-1] == "svg" and self.tags[-1] == "svg":
            self.first_in_svg.append(tag)
        self.tags.append(tag)
        self.classes += [v or "" for k, v in attrs if k == "class"]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID and (not self.stack or self.stack[-1] != tag):
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def _check(markup: str) -> _Checker:
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    assert not checker.stack
    assert "script" not in checker.tags and "<script" not in markup.lower()
    assert not re.search(r"https?://", markup)
    assert checker.tags.count("svg") == len(checker.first_in_svg)
    assert set(checker.first_in_svg) == {"title"}  # every plot names itself first
    return checker


def test_fragment_is_scoped_and_accessible(store: ConversationStore) -> None:
    fragment = render_fragment(_report(store))
    checker = _check(fragment)
    assert fragment.startswith("<section class='kpi-dashboard'") and "<html" not in fragment
    assert all(c.startswith("kpi-") for c in checker.classes if c)
    style = re.search(r"<style>(.*?)</style>", fragment, re.S)
    assert style is not None
    selectors = re.findall(r"(?:^|})\s*([^{}]+)\{", style.group(1))
    assert all(part.strip().startswith(".kpi-") for s in selectors for part in s.split(","))
    # a data table follows every plot
    assert checker.tags.count("svg") == fragment.count("<details class='kpi-data'>") == 12
    for figure in ("33,3 %", "66,7 %", "50,0 %", "80,0 %", "49,0 %", "94,3 %", "1,50 s"):
        assert figure in fragment, figure


def test_document_is_standalone(store: ConversationStore) -> None:
    document = render_document(_report(store))
    _check(document)
    assert document.startswith("<!doctype html><html lang='nl'>")
    assert "<link" not in document and "src=" not in document


def test_text_from_the_store_is_escaped(new_store: NewStore) -> None:
    store = new_store("odd.db")
    store.add_counters(DAY, {"answers": 1, "tag.<script>alert(1)</script>.answers": 1,
                             "tag.=HYPERLINK(1).answers": 1})  # fmt: skip
    report = _report(store)
    _check(render_document(report))
    tags = list(csv.DictReader(io.StringIO(render_csv(report)["kpi_tags.csv"])))
    assert {row["tag"] for row in tags} == {"<script>alert(1)</script>", "'=HYPERLINK(1)"}


def test_csv(store: ConversationStore) -> None:
    files = render_csv(_report(store))
    assert set(files) == {"kpi_dagen.csv", "kpi_totalen.csv", "kpi_tags.csv"}
    days = list(csv.DictReader(io.StringIO(files["kpi_dagen.csv"])))
    assert set(days[0]) == {"day", "metric", "value"}
    value = {(r["day"], r["metric"]): r["value"] for r in days}
    assert value[(DAY, "cache_hit_rate")] == "0.3333"
    assert value[(DAY, "thumbs_down_reasons.onvolledig")] == "1"
    assert value[(DAY, "accuracy_low")] == "0.4902"
    assert value[("2026-11-16", "cache_hit_rate")] == ""  # nothing to divide by
    totals = dict(csv.reader(io.StringIO(files["kpi_totalen.csv"])))
    assert (totals["period"], totals["end"], totals["energy_saved_wh"]) == (
        "2026-11-16..2026-11-18", "2026-11-18", "0.0075",
    )  # fmt: skip
    tags = list(csv.DictReader(io.StringIO(files["kpi_tags.csv"])))
    assert tags[0]["tag"] == "toeslagen" and tags[0]["escalation_rate"] == "0.5"


# -- the generated workload, the command and the API ---------------------------------------


def _filled(store: ConversationStore, answers: int = 300, seed: int = 1) -> ConversationStore:
    gen_workload.generate(store, answers=answers, seed=seed, end=date(2026, 11, 30))
    return store


def test_workload_is_deterministic_and_plausible(new_store: NewStore) -> None:
    period = parse_period("2026-11")
    reports = []
    for name in ("a.db", "b.db"):
        store = _filled(new_store(name))
        reports.append(kpi_report(store, period.start, period.until, WATTS, period.label))
        store.close()
    first, second = (r.model_dump(exclude={"generated_at"}) for r in reports)
    assert first == second
    t = reports[0].totals
    assert t.answers == 300 and 0.1 < (t.cache_hit_rate or 0) < 0.3
    assert t.escalations > 0 and t.reviews >= 0 and t.thumbs_down_reasons
    assert set(t.paths) == {"generated", "extractive", "refused", "blocked"} and t.paths["blocked"]
    weekend = [d for d in reports[0].days if date.fromisoformat(d.day).weekday() >= 5]
    assert all(d.answers == 0 for d in weekend)


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        # Settings up front: CliState would configure logging onto the runner's stream.
        ctx.obj = CliState(_settings=load_settings(None))

    app.add_typer(report_cmd.app, name="report")
    return app


def test_cli_writes_html_and_csv(new_store: NewStore, tmp_path: Path) -> None:
    _filled(new_store()).close()  # the configured store, which the command reads
    out = tmp_path / "rapport"
    result = CliRunner().invoke(_cli(), ["report", "kpi", "--period", "2026-11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "kpi.html", "kpi.json", "kpi_dagen.csv", "kpi_totalen.csv", "kpi_tags.csv",
    }  # fmt: skip
    _check((out / "kpi.html").read_text(encoding="utf-8"))
    payload = json.loads((out / "kpi.json").read_text(encoding="utf-8"))
    assert payload["totals"]["answers"] == 300 and len(payload["days"]) == 30
    same = CliRunner().invoke(
        _cli(), ["report", "kpi", "--since", "2026-11-01", "--until", "2026-11-30",
                 "--out", str(tmp_path / "again")],
    )  # fmt: skip
    assert same.exit_code == 0, same.output
    again = json.loads((tmp_path / "again" / "kpi.json").read_text(encoding="utf-8"))
    assert again["totals"] == payload["totals"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025-W53"], "ongeldig"),
        (["--period", "2026-11", "--since", "2026-11-01"], "niet allebei"),
        (["--since", "1 november"], "geen datum"),
    ],
)
def test_cli_refuses_bad_input(
    new_store: NewStore, tmp_path: Path, args: list[str], message: str
) -> None:
    _filled(new_store(), answers=10).close()
    result = CliRunner().invoke(_cli(), ["report", "kpi", *args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "o").exists()


def test_cli_without_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(_cli(), ["report", "kpi", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "Geen gespreksopslag" in result.stderr


@pytest.fixture
def client(api_client: TestClient) -> TestClient:
    gen_workload.generate(api_client.store, answers=200, seed=2, end=date(2026, 11, 30))  # type: ignore[attr-defined]
    return api_client


def test_api_kpi_and_dashboard_for_monitors_only(client: TestClient) -> None:
    for url in ("/v1/monitor/kpi", "/v1/monitor/dashboard"):
        assert client.get(url).status_code == 401
        denied = client.get(url, headers=auth(client, "anna"))
        assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    report = client.get("/v1/monitor/kpi?period=2026-11", headers=auth(client, "monitor"))
    assert report.status_code == 200
    payload = report.json()
    assert payload["totals"]["answers"] == 200 and payload["start"] == "2026-11-01"
    assert len(client.get("/v1/monitor/kpi", headers=auth(client, "admin")).json()["days"]) == 8
    page = client.get("/v1/monitor/dashboard?period=2026-W47", headers=auth(client, "monitor"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    _check(page.text)
    bad = client.get("/v1/monitor/kpi?period=2026-W99", headers=auth(client, "monitor"))
    assert bad.status_code == 400 and "ongeldig" in bad.json()["message"]
