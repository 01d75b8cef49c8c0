"""HTTP transports under the OpenAI client: transient-failure retries and usage metering.

They sit below ``openai`` and ``instructor``, so everything above them (request building,
validation, re-asks) runs unchanged whether the bytes come from a server or a recording.
``openai`` 3.x speaks ``httpx2``, so these are ``httpx2`` transports.
"""

from __future__ import annotations

import email.utils
import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from summarizer.errors import ModelOutputError, ModelUnavailableError

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})
MAX_RETRY_AFTER = 60.0
CACHE_HEADER = "x-summarizer-cache"
_TIMEOUTS = ("connect", "read", "write", "pool")


class Gate:
    """Shared by every concurrent call in this process: a per-host pause (when a server
    answers 429, all workers wait out its Retry-After instead of hammering it) and, for a
    batch's worker threads, that batch's bound on the requests in flight."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}
        # Per thread, so that two batches in one process each keep their own bound.
        self._bound = threading.local()

    def bind(self, slots: threading.Semaphore) -> None:
        """Bound this thread's exchanges by ``slots`` (a worker pool's thread initializer)."""
        self._bound.slots = slots

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """Hold one of this thread's bounded slots, if it has a bound, for the duration."""
        slots: threading.Semaphore | None = getattr(self._bound, "slots", None)
        if slots is None:
            yield
            return
        with slots:
            yield

    def wait(self, host: str, sleep: Callable[[float], None]) -> None:
        with self._lock:
            delay = self._until.get(host, 0.0) - time.monotonic()
        if delay > 0:
            sleep(delay)

    def pause(self, host: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            self._until[host] = max(self._until.get(host, 0.0), until)


GATE = Gate()


@dataclass
class Call:
    """One HTTP exchange with the model server."""

    status: int
    seconds: float
    prompt_tokens: int = 0
    # Of the prompt, the tokens a server that caches prompts did not evaluate again.
    cached_prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str | None = None
    cached: bool = False


@dataclass
class CallLog:
    """Every call made for one brief, in order; the source of the brief's usage figures."""

    calls: list[Call] = field(default_factory=list)

    @property
    def prompt_tokens(self) -> int:
        return sum(c.prompt_tokens for c in self.calls)

    @property
    def cached_prompt_tokens(self) -> int:
        return sum(c.cached_prompt_tokens for c in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(c.completion_tokens for c in self.calls)

    def billed(self) -> tuple[int, int]:
        """Prompt and completion tokens of the calls a server answered (not the cache)."""
        live = [c for c in self.calls if not c.cached]
        return sum(c.prompt_tokens for c in live), sum(c.completion_tokens for c in live)


def _retry_after(response: httpx2.Response) -> float | None:
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - time.time()
    if not math.isfinite(seconds):  # "nan" and "inf" parse as floats: no usable hint
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class _Wait:
    """Honour Retry-After when the server sends one; else exponential backoff with jitter."""

    def __init__(self) -> None:
        self._backoff = wait_random_exponential(multiplier=0.5, max=20)

    def __call__(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            hinted = _retry_after(outcome.result())
            if hinted is not None:
                return hinted
        return float(self._backoff(state))


class RetryTransport(httpx2.BaseTransport):
    """Retry timeouts, dropped connections, 429 and 5xx answers: bounded attempts and time.

    ``max_seconds`` bounds a request's whole exchange, waits and attempts together: no wait
    starts that would end past it, and each attempt may take only the time left (at most
    ``timeout``). When the budget is spent the last response is returned (or the last error
    raised) so the caller reports what actually went wrong; ``attempts`` says how many the
    last request took.
    """

    def __init__(
        self,
        inner: httpx2.BaseTransport,
        *,
        max_attempts: int,
        max_seconds: float,
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        gate: Gate = GATE,
    ) -> None:
        self._inner = inner
        self._gate = gate
        self._max_attempts = max_attempts
        self._max_seconds = max_seconds
        self._timeout = timeout
        self._sleep = sleep
        self._deadline = 0.0
        self.attempts = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.attempts = 0
        self._deadline = time.monotonic() + self._max_seconds
        retrying = Retrying(
            stop=stop_after_attempt(self._max_attempts) | stop_before_delay(self._max_seconds),
            wait=_Wait(),
            retry=retry_if_exception_type(httpx2.TransportError)
            | retry_if_result(lambda r: r.status_code in RETRY_STATUS),
            retry_error_callback=_last_outcome,
            reraise=True,
            sleep=self._sleep,
        )
        return retrying(self._send, request)

    def _send(self, request: httpx2.Request) -> httpx2.Response:
        self.attempts += 1
        host = request.url.host
        self._gate.wait(host, self._sleep)
        if self._timeout is not None:
            left = max(min(self._timeout, self._deadline - time.monotonic()), 0.05)
            request.extensions["timeout"] = dict.fromkeys(_TIMEOUTS, left)
        started = time.monotonic()
        response = self._inner.handle_request(request)
        if response.status_code == 429:
            self._gate.pause(host, _retry_after(response) or 1.0)
        # Read the whole body here, so that a connection dropped mid-body is retried too;
        # within the attempt's time (a server may trickle a byte at a time, each within the
        # read timeout) and size.
        limit = min(started + (self._timeout or self._max_seconds), self._deadline)
        return _read_within(response, request, limit)

    def close(self) -> None:
        self._inner.close()


# The largest answer read: a brief's JSON is tens of kilobytes; a bigger body is a broken
# or hostile server, and would otherwise be held in memory and echoed back in re-asks.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024


def _read_within(
    response: httpx2.Response, request: httpx2.Request, deadline: float
) -> httpx2.Response:
    """``response`` with its body read by ``deadline`` (else a read timeout, which is
    retried) and of at most :data:`MAX_RESPONSE_BYTES` (else the answer is refused)."""
    too_big = ModelOutputError(
        f"the model server at {request.url.host} sent an answer of more than "
        f"{MAX_RESPONSE_BYTES // (1024 * 1024)} MB",
        hint="check the server and --max-tokens: a brief's answer is far smaller",
    )
    if response.is_stream_consumed:  # already in memory (a transport that read it)
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise too_big
        return response
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise too_big
            if time.monotonic() > deadline:
                raise httpx2.ReadTimeout("the answer took longer than the timeout", request=request)
            chunks.append(chunk)
    finally:
        response.close()
    return httpx2.Response(
        response.status_code,
        headers=response.headers,
        content=b"".join(chunks),
        request=request,
        extensions=response.extensions,
    )


def _last_outcome(state: RetryCallState) -> Any:
    assert state.outcome is not None
    return state.outcome.result()  # re-raises the last exception, or returns the last response


class GateTransport(httpx2.BaseTransport):
    """Hold a slot of the gate's bound for the whole exchange, retries and cache included:
    the bound counts requests to the model, not threads, so a thread checking one answer
    never keeps the server waiting for the next request."""

    def __init__(self, inner: httpx2.BaseTransport, gate: Gate = GATE) -> None:
        self._inner = inner
        self._gate = gate

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        with self._gate.admitted():
            response = self._inner.handle_request(request)
            response.read()  # the body is part of the exchange
        return response

    def close(self) -> None:
        self._inner.close()


# More tokens than any call can use: a count above it is the server's error, not a bill.
MAX_TOKENS_REPORTED = 100_000_000


def _unusable_usage(value: object, request: httpx2.Request) -> ModelOutputError:
    return ModelOutputError(
        f"the model server at {request.url.host} reported unusable token usage "
        f"({str(value)[:20]}): costs and --max-cost could not be trusted",
        hint="check the server; its answers are not used until it counts tokens",
    )


def _check_completion(data: object, request: httpx2.Request) -> None:
    """Refuse an HTTP 200 answer to a chat completion that holds none: an error the server
    put in a 200 (its message named), or choices that are no list of messages. Left to the
    client, these end as a TypeError deep in it."""
    where = request.url.host
    if isinstance(data, dict) and not isinstance(data.get("choices"), list):
        error = data.get("error")
        message = error.get("message") if isinstance(error, dict) else error
        if message:
            raise ModelUnavailableError(
                f"the model server at {where} answered with an error: {str(message)[:200]}",
                hint="check the server, the model name and the key's quota",
            )
    choices = data.get("choices") if isinstance(data, dict) else None
    if not (
        isinstance(choices, list)
        and choices
        and all(isinstance(c, dict) and isinstance(c.get("message"), dict) for c in choices)
    ):
        raise ModelOutputError(
            f"the model server at {where} answered HTTP 200 with no completion in it "
            f"({json.dumps(choices)[:40] if isinstance(data, dict) else type(data).__name__})",
            hint="check that --base-url is an OpenAI-compatible server",
        )


def _tokens(value: object, request: httpx2.Request) -> int:
    """A token count the server reported: a whole number from 0 up (absent: 0). Anything
    else (NaN, a negative or absurd count, text) would make the cost and ``--max-cost``
    meaningless, so the answer is refused."""
    if value is None:
        return 0
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value != int(value)
        or not 0 <= value <= MAX_TOKENS_REPORTED
    ):
        raise _unusable_usage(value, request)
    return int(value)


# The most of the model's own last answer a re-ask sends back to it: enough to see what it
# wrote; an answer of megabytes (a loop) would otherwise go back whole, once per re-ask.
MAX_ECHO_CHARS = 64 * 1024


class EchoBound(httpx2.BaseTransport):
    """Send an assistant message longer than :data:`MAX_ECHO_CHARS` (a re-ask echoing the
    model's answer) as its start and end around a note of what was left out. Requests with
    none are passed on as they are, byte for byte, so their recordings' keys hold."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._inner.handle_request(_bounded_echo(request))

    def close(self) -> None:
        self._inner.close()


def _bounded_echo(request: httpx2.Request) -> httpx2.Request:
    if request.method != "POST" or len(request.content) <= MAX_ECHO_CHARS:
        return request
    try:
        body = json.loads(request.content)
    except ValueError:
        return request
    messages = body.get("messages") if isinstance(body, dict) else None
    long = [
        m
        for m in messages or []
        if isinstance(m, dict)
        and m.get("role") == "assistant"
        and isinstance(m.get("content"), str)
        and len(m["content"]) > MAX_ECHO_CHARS
    ]
    if not long:
        return request
    half = MAX_ECHO_CHARS // 2
    for m in long:
        text = m["content"]
        m["content"] = (
            f"{text[:half]}\n[... {len(text) - 2 * half:,} characters left out ...]\n{text[-half:]}"
        )
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    return httpx2.Request(
        request.method, request.url, headers=headers, json=body, extensions=request.extensions
    )


class MeterTransport(httpx2.BaseTransport):
    """Record status, time and token usage of each call into a :class:`CallLog`."""

    def __init__(self, inner: httpx2.BaseTransport, log: CallLog) -> None:
        self._inner = inner
        self._log = log

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        started = time.monotonic()
        response = self._inner.handle_request(request)
        body = response.read()
        call = Call(
            status=response.status_code,
            seconds=time.monotonic() - started,
            cached=response.headers.get(CACHE_HEADER) == "hit",
        )
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if isinstance(data, dict):
            usage = data.get("usage") or {}
            details = usage.get("prompt_tokens_details") or {} if isinstance(usage, dict) else {}
            if not isinstance(usage, dict) or not isinstance(details, dict):
                raise _unusable_usage(usage, request)
            call.prompt_tokens = _tokens(usage.get("prompt_tokens"), request)
            call.cached_prompt_tokens = _tokens(details.get("cached_tokens"), request)
            call.completion_tokens = _tokens(usage.get("completion_tokens"), request)
            call.model = data.get("model")
        self._log.calls.append(call)
        if response.status_code == 200 and request.url.path.endswith("/chat/completions"):
            _check_completion(data, request)
        return response

    def close(self) -> None:
        self._inner.close()
