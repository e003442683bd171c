"""Capacity model: how many API and LLM servers 1,000 concurrent agents and 10 million
interactions a year need, from measured and assumed figures (`belbot bench capacity`).

Every input is a `Figure` labelled "measured" (with where from), "assumed" or "given" (the
seed's figures and command-line overrides). Pure arithmetic; docs/CAPACITY.md explains it.

    peak answers/s   = max(agents x questions per agent per s,
                           interactions/year x answers per interaction / opening seconds/year
                           x peak factor)
    LLM calls/s      = peak answers/s x (1 - cache hit rate) x share of uncached answers
                       that prompt the model (the rest is refused before generation)
    LLM servers      = ceil(LLM calls/s x completion tokens per answer
                            / (completion tokens/s per server x target utilisation))
    API cores        = peak answers/s x API CPU seconds per answer / target utilisation
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from belbot.errors import ConfigError

Source = Literal["measured", "assumed", "given"]


@dataclass(frozen=True)
class Figure:
    value: float
    source: Source
    note: str


# The defaults: the seed's figures ("given") and the assumptions, each with its reason. The
# measured figures have stand-ins here, labelled assumed, for when no measurement is found.
DEFAULTS: dict[str, Figure] = {
    "concurrent_agents": Figure(1000, "given", "agents at the same time (the seed)"),
    "interactions_per_year": Figure(10_000_000, "given", "calls a year (the seed)"),
    "answers_per_interaction": Figure(
        2.05, "assumed", "questions per call: 1-4 with mean 2.05, as in the Locust agent model"
    ),
    "questions_per_agent_per_s": Figure(
        1 / 69,
        "assumed",
        "one question every ~69 s per agent on average: every 20-60 s during a call, plus "
        "wrap-up and the gap between calls (the Locust agent model at time scale 1)",
    ),
    "opening_hours_per_year": Figure(
        2600, "assumed", "hours the line is open: 52 weeks x 5 days x 10 hours"
    ),
    "peak_factor": Figure(
        3.0,
        "assumed",
        "busiest hour of the year over the average opening hour (tax-return season, Monday "
        "mornings)",
    ),
    "cache_hit_rate": Figure(0.2, "assumed", "share of answers served from the answer cache"),
    "llm_share_uncached": Figure(
        0.5, "assumed", "share of uncached answers that prompt the model (not refused first)"
    ),
    "api_cpu_s_per_answer": Figure(
        0.2, "assumed", "API CPU seconds per answer without the model (retrieval, guardrails, ...)"
    ),
    "llm_completion_tokens_per_answer": Figure(
        30, "assumed", "completion tokens the 270M model writes per answer"
    ),
    "llm_completion_tokens_per_s": Figure(
        20,
        "assumed",
        "completion tokens per second of one llama.cpp server with the 270M model on 2 cores, "
        "prompt processing included",
    ),
    "llm_cores_per_server": Figure(
        2, "assumed", "CPU cores one 270M llama.cpp server uses (as on the measuring machine)"
    ),
    "api_cores_per_server": Figure(16, "assumed", "cores of one API server"),
    "target_utilisation": Figure(
        0.6, "assumed", "busy share per server at peak, leaving queueing headroom for p95"
    ),
    "gpu_completion_tokens_per_s": Figure(
        1500,
        "assumed",
        "aggregate completion tokens/s of one GPU server with a ~8B instruct model (vLLM, "
        "continuous batching, one 48 GB GPU); not measured here: no GPU on this machine",
    ),
    "gpu_completion_tokens_per_answer": Figure(
        60, "assumed", "a larger model writes fuller answers than the 270M model"
    ),
}


def load_measured(path: Path) -> dict[str, Figure]:
    """The `capacity_inputs` of a load-test results file (eval/reports/load/results.json)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Kan de meetresultaten niet lezen: {path} ({exc}).") from exc
    section = data.get("capacity_inputs", data) if isinstance(data, dict) else {}
    figures: dict[str, Figure] = {}
    for name, item in section.items():
        if name not in DEFAULTS or not isinstance(item, dict) or item.get("value") is None:
            continue
        source = item.get("source", "measured")
        if source not in ("measured", "assumed", "given"):
            source = "measured"
        note = str(item.get("note", ""))
        figures[name] = Figure(float(item["value"]), source, f"{note} [{path.name}]".strip())
    return figures


def merge_inputs(
    measured: Mapping[str, Figure], overrides: Mapping[str, float | None]
) -> dict[str, Figure]:
    """Defaults, then the file's figures, then command-line values (labelled "given")."""
    merged = dict(DEFAULTS)
    merged.update({k: v for k, v in measured.items() if k in DEFAULTS})
    for name, value in overrides.items():
        if value is None:
            continue
        if name not in DEFAULTS:
            raise ConfigError(f"Onbekende invoer voor het capaciteitsmodel: {name}.")
        merged[name] = Figure(float(value), "given", "command line")
    return merged


# -- the arithmetic --------------------------------------------------------------------------


def peak_from_agents(agents: float, questions_per_agent_per_s: float) -> float:
    """Answers per second when every agent is busy at the modelled pace."""
    return agents * questions_per_agent_per_s


def average_from_volume(
    interactions_per_year: float, answers_per_interaction: float, opening_hours_per_year: float
) -> float:
    """Average answers per second over the opening hours of a year."""
    return interactions_per_year * answers_per_interaction / (opening_hours_per_year * 3600)


def llm_calls_per_s(answers_per_s: float, cache_hit_rate: float, llm_share: float) -> float:
    """Model calls: the answers the cache does not serve and that are not refused first."""
    return answers_per_s * (1 - cache_hit_rate) * llm_share


def servers_needed(demand: float, capacity_per_server: float, utilisation: float) -> int:
    """Whole servers so that each runs at most `utilisation` of its capacity (at least 1)."""
    if capacity_per_server <= 0 or not 0 < utilisation <= 1:
        raise ConfigError("Capaciteit per server moet positief zijn en benutting in (0, 1].")
    return max(1, math.ceil(round(demand / (capacity_per_server * utilisation), 9)))


def cores_needed(answers_per_s: float, cpu_s_per_answer: float, utilisation: float) -> float:
    return answers_per_s * cpu_s_per_answer / utilisation


@dataclass(frozen=True)
class Row:
    quantity: str
    value: float
    formula: str


@dataclass(frozen=True)
class CapacityPlan:
    inputs: dict[str, Figure]
    rows: list[Row]

    def value(self, quantity: str) -> float:
        return next(row.value for row in self.rows if row.quantity == quantity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": {name: asdict(figure) for name, figure in self.inputs.items()},
            "results": [asdict(row) for row in self.rows],
        }


def plan(inputs: Mapping[str, Figure]) -> CapacityPlan:
    """All results, each with the formula that gave it."""
    v = {name: figure.value for name, figure in inputs.items()}
    util = v["target_utilisation"]
    agents_peak = peak_from_agents(v["concurrent_agents"], v["questions_per_agent_per_s"])
    average = average_from_volume(
        v["interactions_per_year"], v["answers_per_interaction"], v["opening_hours_per_year"]
    )
    volume_peak = average * v["peak_factor"]
    design = max(agents_peak, volume_peak)
    calls = llm_calls_per_s(design, v["cache_hit_rate"], v["llm_share_uncached"])
    cpu_tokens = calls * v["llm_completion_tokens_per_answer"]
    cpu_servers = servers_needed(cpu_tokens, v["llm_completion_tokens_per_s"], util)
    gpu_tokens = calls * v["gpu_completion_tokens_per_answer"]
    gpu_servers = servers_needed(gpu_tokens, v["gpu_completion_tokens_per_s"], util)
    api_cores = cores_needed(design, v["api_cpu_s_per_answer"], util)
    answers_year = v["interactions_per_year"] * v["answers_per_interaction"]
    calls_year = answers_year * (1 - v["cache_hit_rate"]) * v["llm_share_uncached"]
    llm_hours_year = (
        calls_year * v["llm_completion_tokens_per_answer"] / v["llm_completion_tokens_per_s"] / 3600
    )
    rows = [
        Row("peak answers/s from concurrent agents", agents_peak,
            "concurrent_agents x questions_per_agent_per_s"),
        Row("average answers/s over opening hours", average,
            "interactions_per_year x answers_per_interaction / (opening_hours_per_year x 3600)"),
        Row("peak answers/s from yearly volume", volume_peak, "average x peak_factor"),
        Row("design answers/s", design, "the larger of the two peaks"),
        Row("LLM calls/s at design load", calls,
            "design x (1 - cache_hit_rate) x llm_share_uncached"),
        Row("270M on CPU: completion tokens/s needed", cpu_tokens,
            "LLM calls/s x llm_completion_tokens_per_answer"),
        Row("270M on CPU: llama.cpp servers", cpu_servers,
            "ceil(tokens/s needed / (llm_completion_tokens_per_s x target_utilisation))"),
        Row("270M on CPU: cores for the LLM", cpu_servers * v["llm_cores_per_server"],
            "servers x llm_cores_per_server"),
        Row("larger model on GPU: completion tokens/s needed", gpu_tokens,
            "LLM calls/s x gpu_completion_tokens_per_answer"),
        Row("larger model on GPU: GPU servers", gpu_servers,
            "ceil(tokens/s needed / (gpu_completion_tokens_per_s x target_utilisation))"),
        Row("API: CPU cores", api_cores,
            "design x api_cpu_s_per_answer / target_utilisation"),
        Row("API: servers", servers_needed(api_cores, v["api_cores_per_server"], 1.0),
            "ceil(API cores / api_cores_per_server)"),
        Row("answers per year", answers_year, "interactions_per_year x answers_per_interaction"),
        Row("LLM calls per year", calls_year,
            "answers per year x (1 - cache_hit_rate) x llm_share_uncached"),
        Row("270M on CPU: LLM server-hours per year", llm_hours_year,
            "LLM calls per year x tokens per answer / tokens/s / 3600"),
    ]  # fmt: skip
    return CapacityPlan(dict(inputs), rows)
