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

from .config import Options, resolve
from .errors import (
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
    from .article import Article, Sentence
    from .article import load as load_article
    from .pipeline import summarize
    from .renderers import render
    from .schema import Brief, DealTerm, Demand, Party, Position

# The heavy parts (pydantic, openai, instructor) load on first use, so `summarizer --help`
# and `import summarizer` stay fast.
_LAZY = {
    "Article": ("article", "Article"),
    "Sentence": ("article", "Sentence"),
    "load_article": ("article", "load"),
    "summarize": ("pipeline", "summarize"),
    "render": ("renderers", "render"),
    "Brief": ("schema", "Brief"),
    "DealTerm": ("schema", "DealTerm"),
    "Demand": ("schema", "Demand"),
    "Party": ("schema", "Party"),
    "Position": ("schema", "Position"),
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
