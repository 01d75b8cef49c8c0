from __future__ import annotations

import json

import httpx2
import pytest

from summarizer.llm.transport import CallLog, Gate, MeterTransport, RetryTransport

OK = {"model": "m", "usage": {"prompt_tokens": 7, "completion_tokens": 3}, "choices": []}


def _script(*answers: object) -> tuple[httpx2.MockTransport, list[int]]:
    seen: list[int] = []
    queue = list(answers)

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(1)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx2.Response)
        return answer

    return httpx2.MockTransport(handler), seen


def _client(inner: httpx2.BaseTransport, sleeps: list[float], attempts: int = 4) -> httpx2.Client:
    return httpx2.Client(
        transport=RetryTransport(
            inner, max_attempts=attempts, max_seconds=60, sleep=sleeps.append, gate=Gate()
        )
    )


def test_429_honours_retry_after() -> None:
    inner, seen = _script(
        httpx2.Response(429, headers={"Retry-After": "7"}), httpx2.Response(200, json=OK)
    )
    sleeps: list[float] = []
    assert _client(inner, sleeps).post("http://x/v1/chat/completions").status_code == 200
    # Retry-After is the backoff; (the shared gate would wait out what is left of it, which a
    # fake sleep does not use up, so only the first sleep is the retry's own.)
    assert sleeps[0] == 7.0 and len(seen) == 2


def test_5xx_and_dropped_connections_back_off_with_jitter() -> None:
    inner, seen = _script(
        httpx2.Response(503),
        httpx2.RemoteProtocolError("dropped"),
        httpx2.ReadTimeout("slow"),
        httpx2.Response(200, json=OK),
    )
    sleeps: list[float] = []
    assert _client(inner, sleeps).post("http://x/").status_code == 200
    assert len(seen) == 4 and len(sleeps) == 3
    assert all(0 <= s <= 20 for s in sleeps)


def test_budget_spent_returns_last_failure() -> None:
    inner, seen = _script(*[httpx2.Response(500)] * 3)
    sleeps: list[float] = []
    assert _client(inner, sleeps, attempts=3).post("http://x/").status_code == 500
    assert len(seen) == 3


def test_budget_spent_reraises_last_error() -> None:
    inner, seen = _script(*[httpx2.ConnectError("refused")] * 2)
    with pytest.raises(httpx2.ConnectError):
        _client(inner, [], attempts=2).post("http://x/")
    assert len(seen) == 2


def test_client_errors_are_not_retried() -> None:
    inner, seen = _script(httpx2.Response(400), httpx2.Response(200))
    assert _client(inner, []).post("http://x/").status_code == 400
    assert len(seen) == 1


def test_meter_sums_usage() -> None:
    log = CallLog()
    inner, _ = _script(httpx2.Response(200, content=json.dumps(OK).encode()), httpx2.Response(500))
    client = httpx2.Client(transport=MeterTransport(inner, log))
    client.post("http://x/")
    client.post("http://x/")
    assert [c.status for c in log.calls] == [200, 500]
    assert (log.prompt_tokens, log.completion_tokens) == (7, 3)


def test_a_429_pauses_every_concurrent_call_to_that_host() -> None:
    gate = Gate()
    inner, _ = _script(
        httpx2.Response(429, headers={"Retry-After": "5"}), httpx2.Response(200, json=OK)
    )
    first_sleeps: list[float] = []
    first = RetryTransport(
        inner, max_attempts=1, max_seconds=60, sleep=first_sleeps.append, gate=gate
    )
    assert httpx2.Client(transport=first).post("http://x/").status_code == 429
    other_sleeps: list[float] = []
    other = RetryTransport(
        inner, max_attempts=1, max_seconds=60, sleep=other_sleeps.append, gate=gate
    )
    assert httpx2.Client(transport=other).post("http://x/").status_code == 200
    assert len(other_sleeps) == 1 and 4 < other_sleeps[0] <= 5  # waited for the first's 429


@pytest.mark.parametrize("hint", ["nan", "inf", "-inf"])
def test_a_retry_after_that_is_no_number_of_seconds_backs_off_instead(hint: str) -> None:
    inner, seen = _script(
        httpx2.Response(429, headers={"Retry-After": hint}), httpx2.Response(200, json=OK)
    )
    sleeps: list[float] = []
    assert _client(inner, sleeps).post("http://x/v1/chat/completions").status_code == 200
    assert len(seen) == 2 and 0 <= sleeps[0] <= 20
