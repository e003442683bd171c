"""The capacity model's arithmetic against hand-computed values, and `belbot bench capacity`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from belbot.capacity import (
    DEFAULTS,
    Figure,
    average_from_volume,
    llm_calls_per_s,
    load_measured,
    merge_inputs,
    peak_from_agents,
    plan,
    servers_needed,
)
from belbot.cli import bench_cmd
from belbot.errors import ConfigError

pytestmark = pytest.mark.unit


def bench(*args: str) -> Result:
    """`belbot bench ...` as app.py registers it."""
    root = typer.Typer()
    root.add_typer(bench_cmd.app, name="bench")
    return CliRunner().invoke(root, ["bench", *args], env={"COLUMNS": "200"})


def given(**values: float) -> dict[str, Figure]:
    return merge_inputs({}, values)


# Hand-computed example (every figure below worked out on paper):
#   agents peak   1000 x 0.02                       = 20 answers/s
#   average       1e7 x 2 / (2500 h x 3600 s)       = 2.2222 answers/s; x peak 3 = 6.6667
#   design        max(20, 6.6667)                   = 20
#   LLM calls     20 x (1 - 0.25) x 0.4             = 6 /s
#   270M CPU      6 x 25 = 150 tok/s; / (20 x 0.5)  = 15 servers, x 2 cores = 30 cores
#   GPU           6 x 50 = 300 tok/s; / (1000 x 0.5) = 0.6 -> 1 server
#   API           20 x 0.2 / 0.5                     = 8 cores -> 1 server of 16
#   per year      2e7 answers; 2e7 x 0.75 x 0.4 = 6e6 calls; 6e6 x 25 / 20 / 3600 = 2083.33 h
EXAMPLE = {
    "concurrent_agents": 1000,
    "questions_per_agent_per_s": 0.02,
    "interactions_per_year": 10_000_000,
    "answers_per_interaction": 2,
    "opening_hours_per_year": 2500,
    "peak_factor": 3,
    "cache_hit_rate": 0.25,
    "llm_share_uncached": 0.4,
    "llm_completion_tokens_per_answer": 25,
    "llm_completion_tokens_per_s": 20,
    "llm_cores_per_server": 2,
    "gpu_completion_tokens_per_answer": 50,
    "gpu_completion_tokens_per_s": 1000,
    "api_cpu_s_per_answer": 0.2,
    "api_cores_per_server": 16,
    "target_utilisation": 0.5,
}


def test_the_hand_computed_example() -> None:
    result = plan(given(**EXAMPLE))
    assert result.value("peak answers/s from concurrent agents") == pytest.approx(20)
    assert result.value("average answers/s over opening hours") == pytest.approx(2.222222, 1e-5)
    assert result.value("peak answers/s from yearly volume") == pytest.approx(6.666667, 1e-5)
    assert result.value("design answers/s") == pytest.approx(20)
    assert result.value("LLM calls/s at design load") == pytest.approx(6)
    assert result.value("270M on CPU: completion tokens/s needed") == pytest.approx(150)
    assert result.value("270M on CPU: llama.cpp servers") == 15
    assert result.value("270M on CPU: cores for the LLM") == 30
    assert result.value("larger model on GPU: completion tokens/s needed") == pytest.approx(300)
    assert result.value("larger model on GPU: GPU servers") == 1
    assert result.value("API: CPU cores") == pytest.approx(8)
    assert result.value("API: servers") == 1
    assert result.value("answers per year") == pytest.approx(2e7)
    assert result.value("LLM calls per year") == pytest.approx(6e6)
    assert result.value("270M on CPU: LLM server-hours per year") == pytest.approx(2083.3333, 1e-6)


def test_the_yearly_volume_decides_when_its_peak_is_higher() -> None:
    # 100 agents x 0.02 = 2/s; volume 6.6667/s at peak factor 3: the design load is the volume's.
    result = plan(given(**{**EXAMPLE, "concurrent_agents": 100}))
    assert result.value("design answers/s") == pytest.approx(6.666667, 1e-5)
    # 6.6667 x 0.75 x 0.4 = 2 calls/s; x 25 = 50 tok/s; / 10 = 5 servers
    assert result.value("LLM calls/s at design load") == pytest.approx(2)
    assert result.value("270M on CPU: llama.cpp servers") == 5


def test_building_blocks() -> None:
    assert peak_from_agents(500, 0.01) == pytest.approx(5)
    # 3,600,000 interactions x 1 answer over 1000 h = 1 answer/s
    assert average_from_volume(3_600_000, 1, 1000) == pytest.approx(1)
    assert llm_calls_per_s(10, 0.5, 0.5) == pytest.approx(2.5)
    assert llm_calls_per_s(10, 1.0, 1.0) == 0


def test_servers_are_whole_and_at_least_one() -> None:
    assert servers_needed(10, 10, 0.5) == 2  # exactly full at 50%: two, not three
    assert servers_needed(10.5, 10, 0.5) == 3
    assert servers_needed(0.1 * 3, 0.1, 1.0) == 3  # 3.0000000000000004 is still three
    assert servers_needed(0, 10, 0.6) == 1
    with pytest.raises(ConfigError):
        servers_needed(1, 0, 0.5)
    with pytest.raises(ConfigError):
        servers_needed(1, 10, 0)


def test_inputs_are_labelled_and_layered(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(
        json.dumps(
            {
                "capacity_inputs": {
                    "cache_hit_rate": {"value": 0.3, "source": "measured", "note": "run x"},
                    "api_cpu_s_per_answer": {"value": 0.15, "source": "measured", "note": "y"},
                    "not_an_input": {"value": 1, "source": "measured", "note": "ignored"},
                    "llm_completion_tokens_per_s": {"value": None, "source": "measured"},
                }
            }
        )
    )
    measured = load_measured(results)
    assert set(measured) == {"cache_hit_rate", "api_cpu_s_per_answer"}
    merged = merge_inputs(measured, {"api_cpu_s_per_answer": 0.5, "peak_factor": None})
    assert merged["cache_hit_rate"] == Figure(0.3, "measured", "run x [results.json]")
    assert merged["api_cpu_s_per_answer"] == Figure(0.5, "given", "command line")
    assert merged["peak_factor"] == DEFAULTS["peak_factor"]
    assert merged["llm_completion_tokens_per_s"].source == "assumed"  # no measurement
    assert set(merged) == set(DEFAULTS)
    with pytest.raises(ConfigError):
        merge_inputs({}, {"agents": 5})
    with pytest.raises(ConfigError):
        load_measured(tmp_path / "missing.json")


def test_every_default_says_where_it_comes_from() -> None:
    for name, figure in DEFAULTS.items():
        assert figure.source in ("given", "assumed"), name
        assert figure.note, name


def test_the_command_prints_and_writes_json(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    inputs = {
        "cache_hit_rate": {"value": 0.25, "source": "measured", "note": "run"},
        "questions_per_agent_per_s": {"value": 0.02, "source": "assumed", "note": "model"},
    }
    results.write_text(json.dumps({"capacity_inputs": inputs}))
    out = tmp_path / "capacity.json"
    result = bench(
        "capacity", "--inputs", str(results), "--json", str(out),
        "--agents", "1000", "--llm-share", "0.4", "--llm-tokens-per-s", "20",
        "--llm-tokens-per-answer", "25", "--utilisation", "0.5",
        "--interactions-per-year", "10000000", "--peak-factor", "3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "270M on CPU: llama.cpp servers" in result.output
    data = json.loads(out.read_text())
    assert data["inputs"]["cache_hit_rate"]["source"] == "measured"
    assert data["inputs"]["questions_per_agent_per_s"]["source"] == "assumed"
    assert data["inputs"]["concurrent_agents"] == {
        "value": 1000,
        "source": "given",
        "note": "command line",
    }
    rows = {row["quantity"]: row["value"] for row in data["results"]}
    # As the hand-computed example: 20 answers/s, 6 LLM calls/s, 150 tok/s over 10 -> 15.
    assert rows["design answers/s"] == pytest.approx(20)
    assert rows["LLM calls/s at design load"] == pytest.approx(6)
    assert rows["270M on CPU: llama.cpp servers"] == 15


def test_the_command_without_measurements_says_so(tmp_path: Path) -> None:
    result = bench("capacity", "--inputs", str(tmp_path / "none.json"))
    assert result.exit_code == 0, result.output
    assert "alleen aannames" in result.output
