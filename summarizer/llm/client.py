"""The one LLM path: an OpenAI client over our transports, wrapped by instructor."""

from __future__ import annotations

import atexit
import json
import math
import ssl
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import httpx2
from pydantic import BaseModel

from summarizer import config
from summarizer.errors import ModelOutputError, ModelUnavailableError, SummarizerError
from summarizer.llm import batches, recording
from summarizer.llm.transport import (
    CallLog,
    EchoBound,
    GateTransport,
    MeterTransport,
    RetryTransport,
)

# Validation failures are sent back to the model this many times before giving up.
MAX_REASKS = 2
# How many of the most probable next tokens a closed question reads (OpenAI's maximum).
TOP_LOGPROBS = 20
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Endpoint:
    """Where and how to ask: an OpenAI-compatible server and how it constrains JSON."""

    base_url: str
    model: str
    api_key: str | None
    response_format: str  # "json_schema" or "json_object" (llama-cpp-python's schema form)
    timeout: float
    max_attempts: int
    max_tokens: int


@dataclass(frozen=True)
class Tape:
    """Record to or replay from a directory of recordings (at most one of the two)."""

    record: Path | None = None
    replay: Path | None = None
    context: dict[str, Any] | None = None
    rerecord_hint: str = ""
    used: set[str] | None = None
    cache: Path | None = None
    # The Batch API's answer book: calls are answered from it or queued (llm/batches.py).
    answers: Path | None = None


@cache
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle takes ~25 ms; once per process, not once per article.
    return httpx2.create_ssl_context()


@dataclass
class _Call:
    """The transports of one call: the outermost, the retrying one (which counts the
    attempts) and the response cache, if any."""

    transport: httpx2.BaseTransport
    retry: RetryTransport | None
    cache: recording.CacheTransport | None

    @property
    def attempts(self) -> int:
        return self.retry.attempts if self.retry else 1

    def failed(self) -> None:
        """The answer was unusable: the cache must not serve it again."""
        if self.cache is not None:
            self.cache.forget()


def _transport(endpoint: Endpoint, tape: Tape, log: CallLog) -> _Call:
    """The transports of one call."""
    inner: httpx2.BaseTransport
    retry = None
    cache = None
    if tape.replay is not None:
        inner = recording.ReplayTransport(
            tape.replay, rerecord_hint=tape.rerecord_hint, used=tape.used
        )
    elif tape.answers is not None:
        article = str((tape.context or {}).get("article_sha256", ""))
        inner = batches.DeferTransport(tape.answers, article)
    else:
        inner = retry = RetryTransport(
            _connections(),
            max_attempts=endpoint.max_attempts,
            max_seconds=endpoint.timeout * endpoint.max_attempts,
            timeout=endpoint.timeout,
        )
        secrets = tuple(filter(None, (endpoint.api_key, *config.url_secrets(endpoint.base_url))))
        if tape.record is not None:
            inner = recording.RecordTransport(
                inner, tape.record, context=tape.context or {}, secrets=secrets
            )
        if tape.cache is not None:
            inner = cache = recording.CacheTransport(
                inner,
                tape.cache,
                scope=recording.cache_scope(endpoint.base_url, endpoint.api_key),
                context=tape.context or {},
                secrets=secrets,
            )
    return _Call(MeterTransport(GateTransport(EchoBound(inner)), log), retry, cache)


@dataclass(frozen=True)
class Schemas:
    """The JSON Schemas a request for a model carries, from the caller that knows the model
    (this layer knows none): ``json_schema`` in place of pydantic's own (None: instructor
    sends pydantic's), ``json_object`` for llama-cpp-python's ``json_object`` form."""

    json_schema: dict[str, Any] | None
    json_object: dict[str, Any]


def _request_options(
    endpoint: Endpoint, model: type[BaseModel], schemas: Schemas | None
) -> dict[str, Any]:
    options: dict[str, Any] = {"temperature": 0, "max_tokens": endpoint.max_tokens, "seed": 0}
    # instructor builds a response_format from pydantic's own schema of the model; extra_body
    # replaces it in the request body with the caller's (e.g. without fields it derives).
    # llama-cpp-python's server constrains output only through the json_object form.
    if schemas is None:
        schemas = Schemas(None, model.model_json_schema())
    if endpoint.response_format == "json_object":
        json_object = {"type": "json_object", "schema": schemas.json_object}
        options["extra_body"] = {"response_format": json_object}
    elif schemas.json_schema is not None:
        options["extra_body"] = {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": model.__name__, "schema": schemas.json_schema},
            }
        }
    return options


def _unwrap(exc: BaseException) -> BaseException:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SummarizerError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return exc


def _refusal(completion: Any) -> str | None:
    try:
        text = completion.choices[0].message.refusal
    except (AttributeError, IndexError, TypeError):
        return None
    return str(text) if text else None


# Long on purpose: one branch per kind of failure, each with its message and fix, read top
# to bottom like docs/failures.md's table.
def _failure(exc: BaseException, endpoint: Endpoint, attempts: int) -> BaseException:
    """Map what the client stack raised to one of our errors, without leaking keys.
    Anything else is a bug of ours, never to be reported as the model's: it is returned as
    it was raised (instructor wraps even those in its retry error), for the CLI to report
    as an internal error."""
    import openai
    from instructor.core.exceptions import (
        IncompleteOutputException,
        InstructorError,
        InstructorRetryException,
    )
    from pydantic import ValidationError

    found = _unwrap(exc)
    if isinstance(found, SummarizerError):
        return found
    inner = exc
    while isinstance(inner, InstructorRetryException) and inner.__cause__:
        inner = inner.__cause__
    answer_faults = (openai.OpenAIError, InstructorError, ValidationError, json.JSONDecodeError)
    if not isinstance(inner, (*answer_faults, httpx2.TransportError)):
        return inner
    where = config.redact(endpoint.base_url)
    tries = f"{attempts} attempt{'s' * (attempts != 1)}"
    if isinstance(inner, openai.APITimeoutError):
        return ModelUnavailableError(
            f"the model server at {where} did not answer within {endpoint.timeout:g}s ({tries})",
            hint="raise --timeout, or check that the server is not overloaded",
        )
    if isinstance(inner, openai.APIConnectionError):
        return ModelUnavailableError(
            f"cannot reach the model server at {where} ({tries})",
            hint="check --base-url / OPENAI_BASE_URL and that the server is running",
        )
    if isinstance(inner, openai.AuthenticationError):
        return ModelUnavailableError(
            f"the model server at {where} rejected the API key (HTTP 401)",
            hint="check OPENAI_API_KEY",
        )
    if isinstance(inner, openai.APIStatusError):
        return ModelUnavailableError(
            f"the model server at {where} answered HTTP {inner.status_code} after {tries}",
            hint="wait and retry, or check the server's logs and the --model name",
        )
    if isinstance(inner, IncompleteOutputException):
        return ModelOutputError(
            f"the model's answer was cut off at the token limit ({endpoint.max_tokens})",
            hint="raise --max-tokens, or use a larger model: small ones can loop",
        )
    if isinstance(exc, InstructorRetryException):
        refusal = _refusal(getattr(exc, "last_completion", None))
        if refusal:
            return ModelOutputError(
                f"the model refused to answer: {refusal}"[:300],
                hint="check the article is a news text; try another model",
            )
        last = [ln.strip() for ln in str(inner).strip().splitlines() if "errors.pydantic" not in ln]
        detail = "; ".join(last[:3])
        return ModelOutputError(
            f"the model's answer was still invalid after {MAX_REASKS} re-asks: {detail}"[:400],
            hint="try a larger model (--model / --model-path) or record the run to inspect it",
        )
    return ModelOutputError(f"unexpected answer from the model: {type(inner).__name__}")


class _Switch(httpx2.BaseTransport):
    """Sends each request through the transports of the call in progress.

    The OpenAI client and instructor's patch of it cost ~6 ms to build, a fifth of a batch
    article's own time; they are built once per thread and endpoint, while each call keeps
    its own transports (recording context, call log)."""

    def __init__(self) -> None:
        self.current: httpx2.BaseTransport | None = None

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        assert self.current is not None, "a request outside ask()"
        return self.current.handle_request(request)


_clients = threading.local()


class _Shared(httpx2.BaseTransport):
    """A thread's connection pool, shared by its calls: closing one call's transports must
    not close it."""

    def __init__(self, inner: httpx2.HTTPTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._inner.handle_request(request)


def _connections() -> httpx2.BaseTransport:
    # Keep-alive connections, one pool per thread: a batch does not open a new connection
    # (and a server thread) for every article.
    pool: httpx2.HTTPTransport | None = getattr(_clients, "pool", None)
    if pool is None:
        pool = _clients.pool = httpx2.HTTPTransport(retries=0, verify=_tls())
        with _pools_lock:
            _pools.append(pool)
    return _Shared(pool)


_pools: list[httpx2.HTTPTransport] = []
_pools_lock = threading.Lock()


@atexit.register
def _close_pools() -> None:
    with _pools_lock:
        for pool in _pools:
            pool.close()
        _pools.clear()


def _build(base_url: str, api_key: str | None, timeout: float) -> tuple[_Switch, Any, Any]:
    import instructor
    import openai

    switch = _Switch()
    client = openai.OpenAI(
        api_key=api_key or "not-needed",
        base_url=base_url,
        http_client=httpx2.Client(transport=switch, timeout=timeout),
        max_retries=0,  # transient failures are retried once, in RetryTransport
        timeout=timeout,
    )
    return switch, instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA), client


def _client(endpoint: Endpoint) -> tuple[_Switch, Any, Any]:
    """This thread's (transport switch, instructor client, plain OpenAI client) for
    ``endpoint``."""
    cache: dict[tuple[str, str | None, float], tuple[_Switch, Any, Any]]
    cache = _clients.__dict__.setdefault("by_endpoint", {})
    key = (endpoint.base_url, endpoint.api_key, endpoint.timeout)
    if key not in cache:
        cache[key] = _build(endpoint.base_url, endpoint.api_key, endpoint.timeout)
    return cache[key]


def preload(warm: Callable[[], object] | None = None) -> None:
    """Do ahead of the first call what needs no server: import the client libraries, then
    run ``warm`` (the caller's own preparation, e.g. building its request schemas).

    On a fresh process that is about a second (openai imports all of its API resources on
    first use of a client); the embedded path runs it on a thread while the local model
    loads, which takes longer. Any failure is left for the first call to report."""
    try:
        # Built once, as a call would build it, for the imports; it opens no connection.
        _build("http://preload.invalid/v1", None, 1.0)
        if warm is not None:
            warm()
    except Exception:  # the first call redoes this work and reports what went wrong
        return


@dataclass
class Answer(Generic[M]):
    """A validated answer, the model's own text of it and the model that wrote it."""

    value: M
    text: str
    model: str


def ask(
    model: type[M],
    messages: list[dict[str, str]],
    endpoint: Endpoint,
    tape: Tape,
    log: CallLog,
    *,
    schemas: Schemas | None = None,
    validating: AbstractContextManager[object] | None = None,
    keep: Callable[[M], bool] | None = None,
) -> Answer[M]:
    """Ask for an answer that validates as ``model`` (re-asking with the validation error,
    at most :data:`MAX_REASKS` times).

    ``validating`` is entered around the call: what the model's validators need (e.g. the
    article to ground the answer in) is set there. ``keep`` may still accept the last answer
    after the re-asks if it parses as ``model`` and its faults are ones the caller keeps
    (marked) instead of failing the call."""
    switch, patched, _ = _client(endpoint)
    call = _transport(endpoint, tape, log)
    switch.current = call.transport
    try:
        # Not instructor's context=: it would render every message as a Jinja template.
        with validating or nullcontext():
            result, completion = patched.chat.completions.create_with_completion(
                model=endpoint.model,
                messages=messages,
                response_model=model,
                max_retries=MAX_REASKS,
                strict=False,
                **_request_options(endpoint, model, schemas),
            )
    except Exception as exc:  # the client stack's failures become ours, with one line
        salvaged = _kept(model, exc, keep)
        if salvaged is None:
            call.failed()
            raise _failure(exc, endpoint, call.attempts) from None
        result, completion = salvaged
    finally:
        switch.current.close()
        switch.current = None
    return Answer(
        value=result,
        text=_content(completion),
        model=str(getattr(completion, "model", None) or endpoint.model),
    )


def choose(
    letters: str,
    messages: list[dict[str, str]],
    endpoint: Endpoint,
    tape: Tape,
    log: CallLog,
) -> dict[str, float]:
    """Ask a closed question whose answer is one of ``letters`` and read the model's
    probabilities for each, normalised over the letters, instead of its generated text.

    One token is generated; the answer is the distribution over the letters among the
    top log-probabilities the server returns (llama-server and the OpenAI API both do)."""
    switch, _, raw = _client(endpoint)
    call = _transport(endpoint, tape, log)
    switch.current = call.transport
    try:
        completion = raw.chat.completions.create(
            model=endpoint.model,
            messages=messages,
            max_tokens=1,
            temperature=0,
            seed=0,
            logprobs=True,
            top_logprobs=TOP_LOGPROBS,
        )
    except Exception as exc:  # the client stack's failures become ours, with one line
        raise _failure(exc, endpoint, call.attempts) from None
    finally:
        switch.current.close()
        switch.current = None
    where = config.redact(endpoint.base_url)
    try:
        top = completion.choices[0].logprobs.content[0].top_logprobs
    except (AttributeError, IndexError, TypeError):
        top = None
    try:
        if not top:
            raise ModelOutputError(
                f"the model server at {where} returned no log-probabilities",
                hint="use --strategy single with this server",
            )
        return _letter_probabilities(letters, top, where)
    except ModelOutputError:
        call.failed()
        raise


# How a tokenizer may write a letter that starts a word: "▁B" (SentencePiece), "ĠB" (GPT-2).
_WORD_START = "▁Ġ"


def _letter_probabilities(letters: str, top: list[Any], where: str) -> dict[str, float]:
    """The distribution over ``letters`` among the top log-probabilities ``top``: each a
    finite number no greater than 0 (a log of a probability), else the server's answer is
    unusable; at least one of the letters among them, else the question told nothing."""
    probs = dict.fromkeys(letters, 0.0)
    for entry in top:
        logprob = getattr(entry, "logprob", None)
        if not isinstance(logprob, (int, float)) or not math.isfinite(logprob) or logprob > 1e-6:
            raise ModelOutputError(
                f"the model server at {where} returned an unusable log-probability "
                f"({str(logprob)[:20]}): a log-probability is a finite number no greater than 0",
                hint="check the server's version and settings, or use --strategy single",
            )
        token = str(getattr(entry, "token", "")).strip().lstrip(_WORD_START).rstrip(")").upper()
        if token in probs:
            probs[token] += math.exp(logprob)
    total = sum(probs.values())
    if total <= 0:
        raise ModelOutputError(
            f"the model server at {where} gave none of the answer letters {', '.join(letters)} "
            "among its most probable tokens",
            hint="use a model that answers closed questions, or --strategy single",
        )
    return {k: v / total for k, v in probs.items()}


def _content(completion: Any) -> str:
    try:
        return str(completion.choices[0].message.content or "")
    except (AttributeError, IndexError):
        return ""


def _kept(model: type[M], exc: Exception, keep: Callable[[M], bool] | None) -> tuple[M, Any] | None:
    """After the re-asks: the last answer, if it parses as ``model`` and ``keep`` accepts
    it (fail closed, not fail whole)."""
    from instructor.core.exceptions import InstructorRetryException
    from pydantic import ValidationError

    completion = getattr(exc, "last_completion", None)
    if not isinstance(exc, InstructorRetryException) or completion is None or keep is None:
        return None
    try:
        text = completion.choices[0].message.content
        value = model.model_validate_json(text, strict=False)  # the structure alone
    except (AttributeError, IndexError, TypeError, ValidationError):
        return None
    if not keep(value):
        return None
    return value, completion
