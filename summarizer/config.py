"""Configuration: every environment variable the tool reads is named here, and only here.

Precedence is flag > environment > default. The CLI passes flags as explicit arguments; this
module fills what is left from the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

# Environment variable names, shown in `summarizer --help`.
ENV_API_KEY = "OPENAI_API_KEY"
ENV_BASE_URL = "OPENAI_BASE_URL"
ENV_MODEL = "SUMMARIZER_MODEL"
ENV_MODEL_PATH = "SUMMARIZER_MODEL_PATH"
ENV_TIMEOUT = "SUMMARIZER_TIMEOUT"
ENV_MAX_ATTEMPTS = "SUMMARIZER_MAX_ATTEMPTS"
ENV_RESPONSE_FORMAT = "SUMMARIZER_RESPONSE_FORMAT"
ENV_MAX_TOKENS = "SUMMARIZER_MAX_TOKENS"
ENV_CACHE_DIR = "SUMMARIZER_CACHE_DIR"
ENV_LLAMA_SERVER = "SUMMARIZER_LLAMA_SERVER"
ENV_PRICES = "SUMMARIZER_PRICES"
ENV_STRATEGY = "SUMMARIZER_STRATEGY"

ENV_VARS: dict[str, str] = {
    ENV_API_KEY: "API key for a remote OpenAI-compatible server (never written anywhere)",
    ENV_BASE_URL: "base URL of an OpenAI-compatible server; unset with no key = embedded model",
    ENV_MODEL: "model name to ask the server for",
    ENV_MODEL_PATH: "GGUF file for the embedded local server",
    ENV_TIMEOUT: "seconds to wait for one model call (default 300)",
    ENV_MAX_ATTEMPTS: "attempts per call for transient failures (default 4)",
    ENV_MAX_TOKENS: "most tokens the model may write per call (default 1500)",
    ENV_RESPONSE_FORMAT: "json_schema (default) or json_object (llama-cpp-python servers)",
    ENV_CACHE_DIR: "where the embedded model and the llama-server built for it are kept",
    ENV_LLAMA_SERVER: "llama-server binary for the embedded model (default: built by setup)",
    ENV_PRICES: "JSON price table overriding the defaults: model -> [USD/M in, USD/M out]",
    ENV_STRATEGY: "scored (default for the embedded model) or single (default for a server)",
}

DEFAULT_REMOTE_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 300.0
DEFAULT_MAX_ATTEMPTS = 4
# Enough for a full brief of a long article; stops a looping model early.
DEFAULT_MAX_TOKENS = 1500
RESPONSE_FORMATS = ("json_schema", "json_object")
# How the brief is extracted: "scored" (parties generated, every sentence's kind chosen from
# the model's log-probabilities) or "single" (one call that writes the whole brief).
# README, Quality, gives the figures behind the defaults.
STRATEGIES = ("scored", "single")


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run."""

    api_key: str | None
    base_url: str | None
    model: str | None
    model_path: Path | None
    timeout: float
    max_attempts: int
    max_tokens: int
    response_format: str | None
    strategy_choice: str | None = None

    @property
    def embedded(self) -> bool:
        """True when no server was named: the embedded local model is used."""
        return self.base_url is None and self.api_key is None

    @property
    def strategy(self) -> str:
        """The extraction strategy: as chosen, else by the kind of endpoint (the scored one
        for the embedded model; one call for a server, which may not return
        log-probabilities and bills every call's prompt)."""
        return self.strategy_choice or ("scored" if self.embedded else "single")


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _number(name: str, raw: str | None, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must be a number, got {raw!r}", hint=f"set {name} to e.g. {default:g}"
        ) from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


def resolve(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    model_path: Path | None = None,
    timeout: float | None = None,
    max_attempts: int | None = None,
    max_tokens: int | None = None,
    response_format: str | None = None,
    strategy: str | None = None,
) -> Settings:
    """Merge explicit arguments (flags) over the environment over defaults."""
    chosen = strategy or _env(ENV_STRATEGY)
    if chosen is not None and chosen not in STRATEGIES:
        raise ConfigError(
            f"unknown strategy {chosen!r}", hint=f"use one of: {', '.join(STRATEGIES)}"
        )
    fmt = response_format or _env(ENV_RESPONSE_FORMAT)
    if fmt is not None and fmt not in RESPONSE_FORMATS:
        raise ConfigError(
            f"unknown response format {fmt!r}",
            hint=f"use one of: {', '.join(RESPONSE_FORMATS)}",
        )
    path_raw = model_path or (Path(p) if (p := _env(ENV_MODEL_PATH)) else None)
    return Settings(
        api_key=api_key or _env(ENV_API_KEY),
        base_url=base_url or _env(ENV_BASE_URL),
        model=model or _env(ENV_MODEL),
        model_path=path_raw,
        timeout=timeout or _number(ENV_TIMEOUT, _env(ENV_TIMEOUT), DEFAULT_TIMEOUT),
        max_attempts=max_attempts
        or int(_number(ENV_MAX_ATTEMPTS, _env(ENV_MAX_ATTEMPTS), DEFAULT_MAX_ATTEMPTS)),
        max_tokens=max_tokens
        or int(_number(ENV_MAX_TOKENS, _env(ENV_MAX_TOKENS), DEFAULT_MAX_TOKENS)),
        response_format=fmt,
        strategy_choice=chosen,
    )


def response_cache_dir() -> Path:
    """Directory of the batch response cache (recordings keyed like record/replay)."""
    return cache_dir() / "responses"


def cache_dir() -> Path:
    """Directory for derived files (the joined embedded model)."""
    if (raw := _env(ENV_CACHE_DIR)) is not None:
        return Path(raw)
    base = _env("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "summarizer"
