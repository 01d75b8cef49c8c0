from __future__ import annotations

import pytest

from summarizer import config
from summarizer.errors import ConfigError


def test_strategy_defaults_by_endpoint_kind() -> None:
    assert config.resolve().strategy == "scored"  # the embedded model
    assert config.resolve(base_url="http://127.0.0.1:8080/v1").strategy == "single"
    assert config.resolve(api_key="sk-test").strategy == "single"


def test_strategy_flag_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_STRATEGY, "single")
    assert config.resolve().strategy == "single"
    assert config.resolve(strategy="scored", api_key="sk-test").strategy == "scored"
    with pytest.raises(ConfigError, match="unknown strategy 'guess'"):
        config.resolve(strategy="guess")
