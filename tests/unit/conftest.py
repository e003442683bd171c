"""Unit-test fixtures: a controlled clock for the conversation store, and the API over the
fake stack with a key per user (on each store engine)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from belbot.answering.factory import create_answer_service
from belbot.api.app import create_app
from belbot.embedding.fake import FakeEmbedder
from belbot.index.builder import IndexBuilder
from belbot.settings import Settings


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
    monkeypatch.setattr("belbot.store.store.now_iso", fake)
    return fake


# Who the API tests act as: key name -> (role, agent pseudonym).
API_USERS = {
    "anna": ("agent", "anna"),
    "bob": ("agent", "bob"),
    "monitor": ("monitor", "mona"),
    "max": ("monitor", "max"),
    "admin": ("admin", "beheer"),
}


@pytest.fixture
def api_client(store_engine: str, fake_stack_settings: Settings) -> Iterator[TestClient]:
    """The app factory over the fake stack (small corpus, fake embedder and model), with a
    key per entry of API_USERS in ``client.keys`` and the store in ``client.store``; once
    per store engine."""
    IndexBuilder(fake_stack_settings, FakeEmbedder()).build()
    app = create_app(fake_stack_settings, create_answer_service(fake_stack_settings))
    with TestClient(app) as test_client:
        store = app.state.store
        test_client.keys = {  # type: ignore[attr-defined]
            name: store.add_api_key(role, agent) for name, (role, agent) in API_USERS.items()
        }
        test_client.store = store  # type: ignore[attr-defined]
        yield test_client


def auth(client: TestClient, who: str = "anna") -> dict[str, str]:
    return {"Authorization": f"Bearer {client.keys[who]}"}  # type: ignore[attr-defined]
