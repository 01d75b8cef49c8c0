"""summarizer: grounded, structured briefs of negotiation and conflict news articles.

The public API::

    import summarizer
    brief = summarizer.summarize("article.txt")          # embedded local model
    options = summarizer.resolve(replay="fixtures/recorded")  # flags > environment > defaults
    brief = summarizer.summarize("a.txt", options)
    print(summarizer.render(brief, "md"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarizer.config import Options, resolve
from summarizer.errors import (
    BatchIncompleteError,
    ConfigError,
    CostLimitError,
    InputError,
    LocalModelError,
    ModelOutputError,
    ModelUnavailableError,
    OutputError,
    RecordingError,
    ReplayMissError,
    SummarizerError,
)

if TYPE_CHECKING:
    from summarizer.article.source import load as load_article
    from summarizer.article.text import Article, Sentence
    from summarizer.brief.models import Brief, DealTerm, Demand, Party, Position
    from summarizer.renderers.formats import render
    from summarizer.run.pipeline import summarize

# The heavy parts (pydantic, openai, instructor) load on first use, so `summarizer --help`
# and `import summarizer` stay fast.
_LAZY = {
    "Article": ("article.text", "Article"),
    "Sentence": ("article.text", "Sentence"),
    "load_article": ("article.source", "load"),
    "summarize": ("run.pipeline", "summarize"),
    "render": ("renderers.formats", "render"),
    "Brief": ("brief.models", "Brief"),
    "DealTerm": ("brief.models", "DealTerm"),
    "Demand": ("brief.models", "Demand"),
    "Party": ("brief.models", "Party"),
    "Position": ("brief.models", "Position"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    import importlib

    module, attr = _LAZY[name]
    return getattr(importlib.import_module(f".{module}", __name__), attr)


__all__ = [
    "Article",
    "BatchIncompleteError",
    "Brief",
    "ConfigError",
    "CostLimitError",
    "DealTerm",
    "Demand",
    "InputError",
    "LocalModelError",
    "ModelOutputError",
    "ModelUnavailableError",
    "Options",
    "OutputError",
    "Party",
    "Position",
    "RecordingError",
    "ReplayMissError",
    "Sentence",
    "SummarizerError",
    "load_article",
    "render",
    "resolve",
    "summarize",
]
