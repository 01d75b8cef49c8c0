"""summarizer: grounded, structured briefs of negotiation and conflict news articles.

The public API (docs/python-api.md has each function with an example)::

    import summarizer
    brief = summarizer.summarize("article.txt")          # embedded local model
    options = summarizer.resolve(replay="fixtures/recorded")  # flags > environment > defaults
    brief = summarizer.summarize("a.txt", options)
    print(summarizer.render(brief, "md"))
    outcomes = summarizer.batch(["articles/"], "briefs/", options)
    print(summarizer.render_memo(summarizer.memo(["a.txt", "b.txt"], options), "md"))
    print(summarizer.diff("old.json", "new.json").render())
    report = summarizer.evaluate("fixtures/devset", options)
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
    from summarizer.api import (
        CacheInfo,
        Diff,
        articles_in,
        batch,
        brief_schema,
        cache_info,
        check_recordings,
        diff,
        evaluate,
        load_brief,
        memo,
        output_format,
        render_memo,
        setup,
    )
    from summarizer.article.source import load as load_article
    from summarizer.article.text import Article, Sentence
    from summarizer.brief.models import Brief, DealTerm, Demand, Party, Position
    from summarizer.renderers.formats import render
    from summarizer.renderers.memo import Memo
    from summarizer.run.batch import Outcome, Totals
    from summarizer.run.evaluate import Report
    from summarizer.run.fixtures import CheckReport
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
    "Memo": ("renderers.memo", "Memo"),
    "Outcome": ("run.batch", "Outcome"),
    "Totals": ("run.batch", "Totals"),
    "Report": ("run.evaluate", "Report"),
    "CheckReport": ("run.fixtures", "CheckReport"),
    **{
        name: ("api", name)
        for name in (
            "CacheInfo",
            "Diff",
            "articles_in",
            "batch",
            "brief_schema",
            "cache_info",
            "check_recordings",
            "diff",
            "evaluate",
            "load_brief",
            "memo",
            "output_format",
            "render_memo",
            "setup",
        )
    },
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
    "CacheInfo",
    "CheckReport",
    "ConfigError",
    "CostLimitError",
    "DealTerm",
    "Demand",
    "Diff",
    "InputError",
    "LocalModelError",
    "Memo",
    "ModelOutputError",
    "ModelUnavailableError",
    "Options",
    "Outcome",
    "OutputError",
    "Party",
    "Position",
    "RecordingError",
    "ReplayMissError",
    "Report",
    "Sentence",
    "SummarizerError",
    "Totals",
    "articles_in",
    "batch",
    "brief_schema",
    "cache_info",
    "check_recordings",
    "diff",
    "evaluate",
    "load_article",
    "load_brief",
    "memo",
    "output_format",
    "render",
    "render_memo",
    "resolve",
    "setup",
    "summarize",
]
