"""Configuration: every environment variable the tool reads is named here, and only here.

Precedence is flag > environment > default. The CLI passes flags as explicit arguments; this
module fills what is left from the environment.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from summarizer import prices as price_tables
from summarizer.errors import ConfigError

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
    ENV_PRICES: "path of a JSON price table over the defaults: model -> [USD/M in, USD/M out]",
    ENV_STRATEGY: "scored (default for the embedded model) or single (default for a server)",
}

DEFAULT_REMOTE_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 300.0
DEFAULT_MAX_ATTEMPTS = 4
# Enough for a full brief of a long article; stops a looping model early.
DEFAULT_MAX_TOKENS = 1500
# Upper bounds: past them a value is a typo, not a choice (a day per call; attempts that
# would keep a dead server busy for hours; more tokens than any model's context).
MOST_TIMEOUT = 86_400.0
MOST_ATTEMPTS = 100
MOST_TOKENS = 1_000_000
RESPONSE_FORMATS = ("json_schema", "json_object")
# How the brief is extracted: "scored" (parties generated, every sentence's kind chosen from
# the model's log-probabilities) or "single" (one call that writes the whole brief).
# docs/quality.md gives the figures behind the defaults.
STRATEGIES = ("scored", "single")


@dataclass(frozen=True)
class Options:
    """How to run: every choice about the model, the server and the recordings, resolved
    once from flag > environment > default and validated (build it with :func:`resolve`).
    The library's functions and every CLI command that calls a model take one."""

    api_key: str | None = None
    base_url: str | None = None
    model: str | None = None
    model_path: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    max_tokens: int = DEFAULT_MAX_TOKENS
    response_format: str | None = None
    strategy_choice: str | None = None
    record: Path | None = None
    replay: Path | None = None
    # A response cache directory (``batch``): an identical request is answered from it.
    cache: Path | None = None
    allow_private_urls: bool = False
    # model -> USD per million (input, output) tokens; None: the defaults (``prices``).
    prices: dict[str, tuple[float, float]] | None = field(default=None, compare=False)
    # The embedded model's server when one was started for many articles (batch, eval).
    embedded_at: str | None = None
    # The Batch API's answer book (``batch --via batch-api``): each call is answered from
    # it, or queued there for the next batch (``llm/batches.py``).
    answers: Path | None = None

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


def _number(name: str, given: float | None, raw: str | None, default: float, most: float) -> float:
    """A positive number of at most ``most``: the flag's value, else the variable's, else
    ``default``. Flags get the same checks as variables (0 is refused, never read as
    "unset"; 1e300 seconds is no timeout but a typo)."""
    if given is None and raw is None:
        return default
    where = f"--{name.split('_', 1)[1].lower().replace('_', '-')}" if given is not None else name
    try:
        value = float(given if given is not None else str(raw))
    except ValueError:
        raise ConfigError(
            f"{where} must be a number, got {raw!r}", hint=f"set {where} to e.g. {default:g}"
        ) from None
    shown = given if given is not None else raw
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(
            f"{where} must be a positive number, got {shown!r}",
            hint=f"set {where} to e.g. {default:g}",
        )
    if value > most:
        raise ConfigError(
            f"{where} must be at most {most:,.0f}, got {shown!r}",
            hint=f"set {where} to e.g. {default:g}",
        )
    return value


def _count(name: str, given: int | None, raw: str | None, default: int, most: int) -> int:
    value = _number(name, given, raw, default, most)
    if value != int(value):
        raise ConfigError(f"{name} must be a whole number, got {value:g}")
    return int(value)


# Query parameters whose values are credentials wherever they appear in a URL.
_SECRET_PARAMS = frozenset(
    {
        "api-key",
        "api_key",
        "apikey",
        "key",
        "token",
        "access_token",
        "auth",
        "password",
        "secret",
        "sig",
        "signature",
    }
)


def redact(url: str) -> str:
    """``url`` as it may be shown or written: no password and no credential query values."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:***@{host}" if ":" in user else f"***@{host}"
    query = urlencode(
        [
            (k, "***" if k.lower() in _SECRET_PARAMS else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def url_secrets(url: str | None) -> tuple[str, ...]:
    """The credential values inside ``url`` (a password, credential query values)."""
    if not url:
        return ()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ()
    found = [parts.password] if parts.password else []
    found += [v for k, v in parse_qsl(parts.query) if k.lower() in _SECRET_PARAMS and v]
    return tuple(found)


def _base_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        parts = urlsplit(raw)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(
            f"the base URL {redact(raw)!r} is not an http(s) URL",
            hint="give e.g. --base-url http://localhost:8080/v1",
        )
    return raw


def check_concurrency(concurrency: int) -> int:
    """``--concurrency`` as given, if it is at least 1."""
    if concurrency < 1:
        raise ConfigError(
            f"--concurrency must be at least 1, got {concurrency}",
            hint="give how many articles may be in flight at once",
        )
    return concurrency


def check_max_cost(max_cost: float | None) -> float | None:
    """``--max-cost`` as given, if it is a finite number of at least 0 (or None: no cap);
    NaN and infinity would silently mean no cap."""
    if max_cost is not None and (not math.isfinite(max_cost) or max_cost < 0):
        raise ConfigError(
            f"--max-cost must be a number of at least 0, got {max_cost!r}",
            hint="give the most the run may cost, in USD",
        )
    return max_cost


def resolve(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    model_path: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
    max_attempts: int | None = None,
    max_tokens: int | None = None,
    response_format: str | None = None,
    strategy: str | None = None,
    record: str | os.PathLike[str] | None = None,
    replay: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    allow_private_urls: bool = False,
    prices: str | os.PathLike[str] | None = None,
) -> Options:
    """:class:`Options` from flags (these arguments) over the environment over defaults,
    every value checked alike: a bad one is a :class:`~summarizer.errors.ConfigError`
    (exit 3) naming it. Paths may be ``str`` or :class:`~pathlib.Path`; ``prices`` is a
    JSON price table file (else $SUMMARIZER_PRICES, else the defaults)."""
    if record is not None and replay is not None:
        raise ConfigError("--record and --replay cannot be used together", hint="pick one")
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
    return Options(
        api_key=api_key or _env(ENV_API_KEY),
        base_url=_base_url(base_url or _env(ENV_BASE_URL)),
        model=model or _env(ENV_MODEL),
        model_path=_path(model_path) or _path(_env(ENV_MODEL_PATH)),
        timeout=_number(ENV_TIMEOUT, timeout, _env(ENV_TIMEOUT), DEFAULT_TIMEOUT, MOST_TIMEOUT),
        max_attempts=_count(
            ENV_MAX_ATTEMPTS,
            max_attempts,
            _env(ENV_MAX_ATTEMPTS),
            DEFAULT_MAX_ATTEMPTS,
            MOST_ATTEMPTS,
        ),
        max_tokens=_count(
            ENV_MAX_TOKENS, max_tokens, _env(ENV_MAX_TOKENS), DEFAULT_MAX_TOKENS, MOST_TOKENS
        ),
        response_format=fmt,
        strategy_choice=chosen,
        record=_path(record),
        replay=_path(replay),
        cache=_path(cache),
        allow_private_urls=allow_private_urls,
        prices=price_tables.load(_path(prices) or _path(_env(ENV_PRICES))),
    )


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return None if value is None else Path(value)


def response_cache_dir() -> Path:
    """Directory of the batch response cache (recordings keyed like record/replay)."""
    return cache_dir() / "responses"


def cache_dir() -> Path:
    """Directory for derived files (the joined embedded model)."""
    if (raw := _env(ENV_CACHE_DIR)) is not None:
        return Path(raw)
    base = _env("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "summarizer"
