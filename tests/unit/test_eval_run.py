"""`belbot eval run` on the fake stack: files, metrics on known cases, resume, bad lines."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from belbot.answering.factory import create_answer_service
from belbot.embedding.fake import FakeEmbedder
from belbot.evaluation.run import consistency, load_cases_lenient, run_evaluation
from belbot.index.builder import IndexBuilder
from belbot.settings import Settings

pytestmark = pytest.mark.unit

CASES = [
    {"id": "a1", "question": "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?",
     "expected": "2,44 min",
     "gold_quotes": ["Gemiddelde telefonische wachttijd over 2024 was 2,44 min."],
     "source": "000_f3d06f99e03346db.txt", "key_facts": ["2,44 min"], "set": "in_distribution",
     "pii": ["111222333"]},
    {"id": "u1", "question": "Wat is het btw-tarief op fietsreparaties?", "expected": "refuse",
     "gold_quotes": [], "source": "", "key_facts": [], "set": "unanswerable"},
]  # fmt: skip


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def service(fake_stack_settings: Settings) -> object:
    settings = fake_stack_settings
    IndexBuilder(settings, FakeEmbedder()).build()
    answer_service = create_answer_service(settings)
    answer_service.warm_up()
    return answer_service


def test_run_writes_items_and_reports_with_known_metrics(service: object, tmp_path: Path) -> None:
    testset = write(tmp_path / "t.jsonl", [json.dumps(c, ensure_ascii=False) for c in CASES])
    cases, problems = load_cases_lenient([testset])
    report = run_evaluation(service, cases, tmp_path / "out", repeat=2)  # type: ignore[arg-type]
    items = [json.loads(x) for x in (tmp_path / "out" / "items.jsonl").read_text().splitlines()]
    assert [i["id"] for i in items] == ["a1", "u1"] and not problems
    answered, refused = items
    assert answered["key_fact_recall"] == 1.0 and answered["refusal_correct"]
    assert answered["gold_rank"] is not None and answered["numbers_in_sources"] is True
    assert answered["sources"] and answered["retrieved"][0]["document"].endswith(".txt")
    assert answered["consistency"] == {"exact_match": 1.0, "mean_cosine": pytest.approx(1.0)}
    assert refused["refused"] and refused["refusal_correct"] and refused["key_fact_recall"] is None
    assert report["sets"]["all"]["refusal_accuracy"] == 1.0
    assert report["sets"]["all"]["pii_leaks"] == 0
    assert "BelBot evaluatie" in (tmp_path / "out" / "report.html").read_text()
    assert json.loads((tmp_path / "out" / "report.json").read_text())["configuration"][
        "index_version"
    ]


def test_resume_skips_finished_items(service: object, tmp_path: Path) -> None:
    testset = write(tmp_path / "t.jsonl", [json.dumps(c, ensure_ascii=False) for c in CASES])
    cases, _ = load_cases_lenient([testset])
    out = tmp_path / "out"
    run_evaluation(service, cases[:1], out)  # type: ignore[arg-type]
    calls: list[int] = []
    run_evaluation(service, cases, out, resume=True, progress=lambda: calls.append(1))  # type: ignore[arg-type]
    lines = (out / "items.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["a1", "u1"] and len(calls) == 2


def test_malformed_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    testset = write(tmp_path / "t.jsonl", [json.dumps(CASES[0]), "{kapot", json.dumps({"id": "x"})])
    cases, problems = load_cases_lenient([testset])
    assert [c.id for c in cases] == ["a1"]
    assert problems[0].startswith("t.jsonl regel 2") and problems[1].startswith("t.jsonl regel 3")


def test_consistency_of_different_answers() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    result = consistency(["a", "b", "a"], vectors)
    assert result["exact_match"] == pytest.approx(1 / 3)
    assert result["mean_cosine"] == pytest.approx(1 / 3)
