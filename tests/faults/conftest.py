"""Fault tests retry for real, against a real server, but wait a tenth as long between
attempts: what they check is which failures are retried and how often, not the pauses.
(Retry-After is still honoured as sent.)"""

from __future__ import annotations

from typing import Any

import pytest
from tenacity import wait_random_exponential

from summarizer.llm import transport


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    def quick(**kwargs: Any) -> wait_random_exponential:
        return wait_random_exponential(multiplier=0.05, max=0.5)

    monkeypatch.setattr(transport, "wait_random_exponential", quick)
