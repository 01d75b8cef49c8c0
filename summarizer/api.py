"""The commands as Python functions: what ``summarizer batch``, ``memo``, ``diff``, ``eval``,
``cache``, ``setup``, ``schema`` and ``fixtures check`` do, for a notebook or a pipeline.

Each returns data (a model, a dataclass, a string) and prints nothing; progress, where there
is any, goes to a callback. The CLI (``cli.py``) calls these and only parses, renders and
maps :class:`~summarizer.errors.SummarizerError` to exit codes. Imported through
``summarizer`` (``summarizer.batch``, ...); docs/python-api.md shows each with an example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer import config
from summarizer.config import Options
from summarizer.errors import ConfigError

if TYPE_CHECKING:
    from summarizer.brief.models import Brief
    from summarizer.renderers.diff import Changes
    from summarizer.renderers.memo import Memo
    from summarizer.run.batch import Outcome, Totals
    from summarizer.run.evaluate import Report
    from summarizer.run.fixtures import CheckReport

Progress = Callable[[str], None]

# What a brief and a memo are written as, by the output file's suffix.
BRIEF_FORMATS = ("table", "json", "md")
MEMO_FORMATS = ("md", "html", "table")


def output_format(out: str | Path | None, fmt: str | None = None, *, memo: bool = False) -> str:
    """The format to write: ``fmt`` if given, else the one ``out``'s suffix means (a brief:
    .json, .md, .txt; a memo: .md, .html, .txt), else ``table``. Raises ConfigError for an
    unknown ``fmt`` and OutputError for a suffix that names none."""
    from summarizer.renderers import formats
    from summarizer.renderers import memo as memos

    suffixes = memos.SUFFIXES if memo else formats.SUFFIXES
    known = MEMO_FORMATS if memo else BRIEF_FORMATS
    chosen = formats.format_for(None if out is None else str(out), fmt, suffixes)
    if chosen not in known:
        raise ConfigError(f"unknown format {chosen!r}", hint=f"use one of: {', '.join(known)}")
    return chosen


def load_brief(path: str | Path) -> Brief:
    """A brief JSON file as ``summarize -f json`` writes it, checked whole (a reference to a
    sentence or party it lacks is refused)."""
    from summarizer.brief.models import load_brief as load

    return load(Path(path))


def brief_of(item: str | Path, options: Options | None = None, *, judgments: bool = False) -> Brief:
    """A brief JSON file (``.json``) as it is, or an article (a file, a URL, ``-``)
    summarised with ``options``."""
    from summarizer.run.pipeline import summarize

    if str(item).endswith(".json"):
        return load_brief(item)
    return summarize(item, options, judgments=judgments)


def articles_in(inputs: Iterable[str]) -> list[Path]:
    """The article files ``batch`` would read from ``inputs`` (files, folders, globs)."""
    from summarizer.run.batch import expand

    return expand(inputs)


def batch(
    inputs: Iterable[str],
    out: str | Path,
    options: Options | None = None,
    *,
    concurrency: int = 4,
    max_cost: float | None = None,
    via: str = "live",
    poll_seconds: float = 30.0,
    max_wait: float | None = None,
    progress: Callable[[Outcome, Totals], None] | None = None,
    on_wait: Progress | None = None,
) -> list[Outcome]:
    """Summarise every article in ``inputs`` into the folder ``out`` (a brief JSON each and
    ``index.jsonl``), resumably: articles already done are skipped.

    ``via="live"`` sends requests as they come, ``concurrency`` at a time; ``"batch-api"``
    sends them as OpenAI Batch API batches (half the price, in rounds; ``poll_seconds``
    between looks, for at most ``max_wait`` seconds, ``on_wait`` told what they do).
    ``progress`` is called after each article with its outcome and the running totals.
    Raises CostLimitError before the estimated spending would pass ``max_cost`` (USD)."""
    options = options or config.resolve()
    if via == "batch-api":
        from summarizer.run import batch_api

        return batch_api.run(
            inputs,
            Path(out),
            options,
            poll_seconds=poll_seconds,
            max_wait=batch_api.MAX_WAIT if max_wait is None else max_wait,
            max_cost=max_cost,
            on_update=progress,
            on_wait=on_wait,
        )
    if via != "live":
        raise ConfigError(f"unknown --via {via!r}", hint="use live or batch-api")
    from summarizer.run.batch import run

    return run(
        inputs, Path(out), options, concurrency=concurrency, max_cost=max_cost, on_update=progress
    )


def memo(
    items: Sequence[str | Path],
    options: Options | None = None,
    *,
    judgments: bool = True,
    progress: Progress | None = None,
) -> Memo:
    """A briefing memo of one negotiation from ``items``: articles (files, URLs, ``-``) or
    brief JSON files, ordered by date, with what changed first. ``judgments`` asks for key
    judgments of each article (one more model call each). Render it with
    :func:`render_memo`."""
    from summarizer.renderers import memo as memos

    options = options or config.resolve()
    briefs = []
    for item in items:
        if progress:
            progress(f"reading {item}")
        briefs.append(brief_of(item, options, judgments=judgments))
    return memos.build(briefs)


def render_memo(memo: Memo, fmt: str = "md") -> str:
    """``memo`` as ``md``, ``html`` (a self-contained evidence view) or ``table``."""
    from summarizer.renderers import memo as memos

    return memos.render(memo, fmt)


@dataclass(frozen=True)
class Diff:
    """What changed between two briefs of one negotiation: ``changes``, and the briefs."""

    changes: Changes
    old: Brief
    new: Brief

    def render(self) -> str:
        """The changes as text, what changed first."""
        from summarizer.renderers import diff as diffs

        return diffs.render(self.changes, self.old, self.new)


def diff(old: str | Path, new: str | Path, options: Options | None = None) -> Diff:
    """What changed between ``old`` and ``new`` (articles or brief JSON files)."""
    from summarizer.renderers import diff as diffs

    options = options or config.resolve()
    before, after = brief_of(old, options), brief_of(new, options)
    return Diff(diffs.compare(before, after), before, after)


def evaluate(
    gold_dir: str | Path,
    options: Options | None = None,
    *,
    concurrency: int = 4,
    progress: Progress | None = None,
) -> Report:
    """Summarise every article of the gold set in ``gold_dir`` with ``options`` and score
    the briefs (precision, recall, F1 per section; ``Report.to_dict()`` has every figure).
    Every gold file is checked before the first call; with the embedded model one server
    serves every article, one at a time."""
    from summarizer.run.evaluate import evaluate as score
    from summarizer.run.pipeline import shared_server, summarize

    options = options or config.resolve()
    config.check_concurrency(concurrency)  # before an embedded server is started
    parallel = 1 if options.embedded and options.replay is None else concurrency
    with shared_server(options) as shared:
        return score(
            Path(gold_dir),
            lambda path: summarize(path, shared),
            progress=progress,
            concurrency=parallel,
        )


@dataclass(frozen=True)
class CacheInfo:
    """The response cache: where it is, its entries and their bytes."""

    directory: Path
    entries: int
    bytes: int


def cache_info(*, clear: bool = False) -> CacheInfo:
    """The response cache as it stands; with ``clear``, what was in it, now deleted."""
    from summarizer.llm.recording import cached_responses

    directory = config.response_cache_dir()
    files = cached_responses(directory)
    found = CacheInfo(directory, len(files), sum(f.lstat().st_size for f in files))
    if clear:
        for f in files:
            f.unlink(missing_ok=True)
    return found


def setup(
    *, source: str | Path | None = None, force: bool = False, progress: Progress | None = None
) -> Path:
    """Prepare the embedded model once: build ``llama-server`` (from ``source``, a
    llama-cpp-python sdist, else a download) and join the model file; the server's path."""
    from summarizer.llm.build import setup as build

    return build(source=None if source is None else Path(source), force=force, progress=progress)


def brief_schema() -> str:
    """The brief's JSON Schema, as ``schemas/brief.schema.json`` holds it."""
    from summarizer.brief.models import brief_schema_json

    return brief_schema_json()


# Where the project's recorded articles are, for check_recordings.
RECORDED_ARTICLES = (Path("seeds"), Path("fixtures/devset"), Path("fixtures/diff"))


def check_recordings(
    directory: str | Path, articles: Sequence[str | Path] | None = None
) -> CheckReport:
    """Replay every article recorded in ``directory`` (found under ``articles``, default
    the project's folders): which recordings are used, stale or broken."""
    from summarizer.run.fixtures import check

    search = [Path(a) for a in articles] if articles else list(RECORDED_ARTICLES)
    return check(Path(directory), search)
