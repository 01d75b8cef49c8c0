from __future__ import annotations

from typing import Any

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


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"timeout": 0}, "--timeout must be a positive number"),
        ({"timeout": -1}, "--timeout must be a positive number"),
        ({"timeout": float("nan")}, "--timeout must be a positive number"),
        ({"timeout": float("inf")}, "--timeout must be a positive number"),
        ({"max_tokens": 0}, "--max-tokens must be a positive number"),
        ({"base_url": "not a url"}, "is not an http"),
        ({"base_url": "ftp://host/v1"}, "is not an http"),
    ],
)
def test_flags_get_the_checks_variables_get(flags: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config.resolve(**flags)


def test_variables_are_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_TIMEOUT, "inf")
    with pytest.raises(ConfigError, match="SUMMARIZER_TIMEOUT must be a positive number"):
        config.resolve()
    monkeypatch.setenv(config.ENV_TIMEOUT, "2.5")
    assert config.resolve().timeout == 2.5
    assert config.resolve(timeout=7).timeout == 7  # the flag wins


def test_credentials_in_a_base_url_are_redacted() -> None:
    url = "http://user:hunter2@host:8080/v1?api-key=abc123&mode=x"
    shown = config.redact(url)
    assert "hunter2" not in shown and "abc123" not in shown
    assert shown.startswith("http://user:***@host:8080/v1?") and "mode=x" in shown
    assert set(config.url_secrets(url)) == {"hunter2", "abc123"}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SUMMARIZER_TIMEOUT", "1e300", "SUMMARIZER_TIMEOUT must be at most 86,400"),
        ("SUMMARIZER_MAX_ATTEMPTS", "1000000000", "SUMMARIZER_MAX_ATTEMPTS must be at most 100"),
        ("SUMMARIZER_MAX_TOKENS", "1e9", "SUMMARIZER_MAX_TOKENS must be at most 1,000,000"),
    ],
)
def test_absurd_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    # Issue 24, row 20: 1e300 seconds read as "cannot reach the model server" later.
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=message):
        config.resolve()


def test_absurd_flags_are_refused_too() -> None:
    with pytest.raises(ConfigError, match="--max-attempts must be at most 100"):
        config.resolve(max_attempts=1_000_000_000)


def test_the_price_table_variable_is_a_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    table = tmp_path / "prices.json"
    table.write_text('{"my-model": [1.0, 2.0]}')
    monkeypatch.setenv("SUMMARIZER_PRICES", str(table))
    prices = config.resolve().prices
    assert prices is not None and prices["my-model"] == (1.0, 2.0)
