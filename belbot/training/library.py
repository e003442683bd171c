"""The scenario library file (JSON lines): read with a clear error per bad line, written
atomically (`belbot training pin` and `export`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from belbot.errors import InvalidInputError
from belbot.index.store import write_atomically
from belbot.training.types import Scenario


def parse_scenarios(text: str, source: str, tags: set[str]) -> list[Scenario]:
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}, regel {number}"
        try:
            scenario = Scenario.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InvalidInputError(f"{where}: geen geldig oefenscenario ({exc}).") from exc
        if scenario.tag not in tags:
            raise InvalidInputError(f"{where}: onbekend onderwerp '{scenario.tag}'.")
        if scenario.id != scenario.content_id:
            raise InvalidInputError(
                f"{where}: id {scenario.id} past niet bij de inhoud ({scenario.content_id})."
            )
        if scenario.id in seen:
            raise InvalidInputError(f"{where}: scenario {scenario.id} staat er twee keer in.")
        seen.add(scenario.id)
        scenarios.append(scenario)
    return scenarios


def load_scenarios(path: Path, tags: set[str]) -> list[Scenario]:
    if not path.is_file():
        return []
    return parse_scenarios(path.read_text(encoding="utf-8"), str(path), tags)


def dump_scenarios(scenarios: list[Scenario]) -> str:
    return "".join(
        json.dumps(s.model_dump(mode="json"), ensure_ascii=False) + "\n" for s in scenarios
    )


def write_scenarios(path: Path, scenarios: list[Scenario]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, dump_scenarios(scenarios))
