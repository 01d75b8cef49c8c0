"""What every extraction strategy is and gives: the shape a new strategy fills in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarizer.article.text import Article
from summarizer.brief.models import Extraction
from summarizer.llm.client import Endpoint, Tape
from summarizer.llm.transport import CallLog

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Extracted:
    """What a strategy found in an article, before grounding."""

    extraction: Extraction
    model: str  # the model that answered
    # The generated call's conversation and the model's answer, verbatim: a follow-up
    # question (the key judgments) continues it.
    messages: list[dict[str, str]]
    text: str


@dataclass(frozen=True)
class Strategy:
    """An extraction strategy: its model calls, and what the pipeline must know of them
    before any call (the system message every request starts with, which an embedded
    server caches; how many closed questions it asks, for the cost estimate; what article
    it refuses)."""

    name: str
    extract: Callable[[Article, Endpoint, Tape, CallLog, Progress | None], Extracted]
    system: Callable[[], str]
    questions: Callable[[Article], int]
    check: Callable[[Article], None]


def no_questions(article: Article) -> int:
    """For a strategy whose only calls are generated answers."""
    return 0


def takes_any(article: Article) -> None:
    """For a strategy with no limit of its own on the article."""
