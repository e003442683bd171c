"""Unit-test fixtures: a controlled clock for the conversation store."""

from __future__ import annotations

import pytest


def ts(moment: str) -> str:
    """A moment as the store writes it."""
    return f"{moment}.000+00:00"


class Clock:
    """Stands in for the store's clock: each store call is stamped with ``now``."""

    def __init__(self) -> None:
        self.now = ""

    def __call__(self) -> str:
        return self.now

    def at(self, moment: str) -> None:
        self.now = ts(moment)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("belbot.store.sqlite.now_iso", fake)
    return fake
