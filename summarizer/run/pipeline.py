"""``summarize()``: article in, grounded :class:`Brief` out. The CLI only calls this."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from summarizer import prices
from summarizer.article import source as articles
from summarizer.article.text import Article
from summarizer.brief.models import (
    Brief,
    Extraction,
    Judgments,
    KeyJudgment,
    Metadata,
    SentenceRef,
    Usage,
    request_schema,
)
from summarizer.config import DEFAULT_REMOTE_MODEL, Options, check_max_cost, resolve
from summarizer.errors import CostLimitError, ModelOutputError, SummarizerError
from summarizer.extract import prompts, scored
from summarizer.extract.asking import ask
from summarizer.extract.registry import strategy
from summarizer.extract.scored import Judged, Sides
from summarizer.grounding import checks as ground
from summarizer.llm import embedded as local
from summarizer.llm.client import Answer, Endpoint, Tape, preload
from summarizer.llm.transport import CallLog
from summarizer.reading import attribution
from summarizer.reading.link import link

Progress = Callable[[str], None]
# Replay never opens a connection; this placeholder only fills the client's required URL.
_REPLAY_URL = "http://replay.invalid/v1"


def _version() -> str:
    try:
        return metadata.version("summarizer")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@contextmanager
def _endpoint(options: Options, progress: Progress | None, system: str) -> Iterator[Endpoint]:
    def make(base_url: str, model: str) -> Endpoint:
        return Endpoint(
            base_url=base_url,
            model=model,
            api_key=options.api_key,
            response_format=options.response_format or "json_schema",
            timeout=options.timeout,
            max_attempts=options.max_attempts,
            max_tokens=options.max_tokens,
        )

    replaying = options.replay is not None
    if not options.embedded:
        base = _REPLAY_URL if replaying else options.base_url or "https://api.openai.com/v1"
        yield make(base, options.model or DEFAULT_REMOTE_MODEL)
        return
    alias = local.alias(options.model, options.model_path)
    if replaying or options.embedded_at is not None:
        yield make(_REPLAY_URL if replaying else str(options.embedded_at), alias)
        return
    with embedded_server(options, progress, system=system) as (url, alias):
        yield make(url, alias)


@contextmanager
def embedded_server(
    options: Options, progress: Progress | None = None, *, system: str | None = None
) -> Iterator[tuple[str, str]]:
    """Run the embedded model's server for ``options``; yield its base URL and model name.

    ``system`` is the system message every request will start with (default: the single
    strategy's), whose KV cache the server restores from disk."""
    alias = local.alias(options.model, options.model_path)
    path = options.model_path or local.default_model_path(progress)
    # Loading the model takes the server seconds that this process would otherwise spend
    # idle before its own second of importing the client: overlap the two.
    ahead = threading.Thread(
        target=preload, args=(lambda: request_schema(Extraction),), name="preload", daemon=True
    )
    ahead.start()
    system = prompts.system() if system is None else system
    with local.serve(path, alias, progress, system=system) as url:
        ahead.join()  # the first call would otherwise import the same modules concurrently
        yield url, alias


@contextmanager
def shared_server(options: Options, progress: Progress | None = None) -> Iterator[Options]:
    """``options`` for many articles (batch, eval): with the embedded model, one server
    started for all of them instead of one per article."""
    if not options.embedded or options.replay is not None or options.embedded_at is not None:
        yield options
        return
    system = strategy(options.strategy).system()
    with embedded_server(options, progress, system=system) as (url, _):
        yield replace(options, embedded_at=url)


def _usage(log: CallLog, options: Options, model: str) -> Usage:
    billed = log.billed()
    table = prices.or_default(options.prices)
    return Usage(
        calls=len(log.calls),
        cached_calls=sum(1 for c in log.calls if c.cached),
        prompt_tokens=log.prompt_tokens,
        cached_prompt_tokens=log.cached_prompt_tokens,
        completion_tokens=log.completion_tokens,
        cost_usd=prices.cost(
            table,
            model,
            billed[0],
            billed[1],
            local=options.embedded,
            batch=options.answers is not None,
        ),
    )


def _tape(art: Article, options: Options, judgments: bool, used: set[str] | None) -> Tape:
    chosen = f" --strategy {options.strategy}" if options.strategy_choice else ""
    return Tape(
        record=options.record,
        replay=options.replay,
        context={
            "article": Path(art.source).name,
            "article_sha256": art.sha256,
            "strategy": options.strategy,
        },
        rerecord_hint=(
            f"summarizer summarize {art.source}{' --judgments' * judgments}{chosen} "
            f"--record {options.replay}"
        ),
        used=used,
        cache=options.cache,
        answers=options.answers,
    )


@dataclass
class _Work:
    """What the stages made of one article: the extraction, the model that wrote it, the
    conversation a key-judgments pass continues, and the key judgments."""

    extraction: Extraction
    model: str
    messages: list[dict[str, str]]
    said: str
    judged: list[KeyJudgment]
    judgments_missing: str | None = None


def finish(art: Article, extraction: Extraction) -> Extraction:
    """The stages after extraction, in order: ground -> read -> link."""
    return link(attribution.read(ground.ground(extraction, art), art))


def _extract(
    art: Article,
    options: Options,
    endpoint: Endpoint,
    tape: Tape,
    log: CallLog,
    progress: Progress | None,
) -> _Work:
    """The stages, in order: extract (the strategy's model calls) -> ground -> read -> link."""
    got = strategy(options.strategy).extract(art, endpoint, tape, log, progress)
    return _Work(finish(art, got.extraction), got.model, got.messages, got.text, [])


def _judge(
    art: Article,
    work: _Work,
    endpoint: Endpoint,
    tape: Tape,
    log: CallLog,
    progress: Progress | None,
) -> None:
    """Ask for key judgments; without them the facts still stand, and the brief says why."""
    if progress:
        progress(f"asking {endpoint.model} for key judgments")
    follow = prompts.judgment_messages(art, work.messages, work.said)
    second = replace(tape, context={**(tape.context or {}), "pass": "judgments"})
    try:
        work.judged = ask(Judgments, art, follow, endpoint, second, log).value.judgments
    except ModelOutputError as exc:
        work.judgments_missing = f"{exc}"
        if progress:
            progress(f"no key judgments: {exc}")


# Roughly how many characters a token holds in English prose, for estimates before a call.
_CHARS_PER_TOKEN = 4
# What a request adds to the article: the system message, the question or the schema.
_PROMPT_OVERHEAD = 600


def estimate(
    art: Article, options: Options, *, judgments: bool = False
) -> tuple[int, int, int, float | None]:
    """What summarising ``art`` with ``options`` will ask at most, before any call: calls,
    prompt tokens, completion tokens, and their cost in USD (None where the model has no
    price; 0 for the embedded model). Re-asks, which only a faulty answer costs, are not
    counted; every generated answer is counted at its token limit."""
    article = len(art.numbered()) // _CHARS_PER_TOKEN + _PROMPT_OVERHEAD
    generated = 1 + judgments  # the brief (or the parties) and the key judgments
    questions = strategy(options.strategy).questions(art)
    calls = generated + questions
    prompt = calls * article
    completion = generated * options.max_tokens + questions
    table = prices.or_default(options.prices)
    model = options.model or ("" if options.embedded else DEFAULT_REMOTE_MODEL)
    usd = prices.cost(
        table, model, prompt, completion, local=options.embedded, batch=options.answers is not None
    )
    return calls, prompt, completion, usd


def _within(art: Article, options: Options, judgments: bool, max_cost: float) -> None:
    check_max_cost(max_cost)
    calls, prompt, completion, usd = estimate(art, options, judgments=judgments)
    if usd is None:
        raise CostLimitError(
            f"no price is known for model {options.model!r}, so --max-cost cannot be kept",
            hint="give its prices in a table (SUMMARIZER_PRICES), or drop --max-cost",
        )
    if usd > max_cost:
        raise CostLimitError(
            f"this brief could cost up to ${usd:.4f} ({calls} calls, about {prompt:,} prompt "
            f"and {completion:,} completion tokens), more than --max-cost ${max_cost:g}",
            hint="raise --max-cost, or use a cheaper model or --strategy single",
        )


def summarize(
    source: str | Path | Article,
    options: Options | None = None,
    *,
    judgments: bool = False,
    progress: Progress | None = None,
    replay_used: set[str] | None = None,
    max_cost: float | None = None,
) -> Brief:
    """Summarise one article into a grounded :class:`Brief`.

    ``source`` is a path to a ``.txt``/``.md``/``.html`` file, an ``http(s)://`` URL,
    ``'-'`` for standard input, or an :class:`Article`. ``options`` (see
    :func:`summarizer.config.resolve`; default: the environment's) choose the model and
    server — with no base URL and no API key the embedded local model is started — and
    whether calls are recorded, replayed from recordings (no network; ``replay_used``
    collects the keys used) or answered from a response cache. ``judgments`` adds a second
    call for at most three key judgments (ICD 203 likelihood and a confidence level, each
    citing sentences). ``progress`` is told what is happening, a line at a time.
    ``max_cost`` (USD) refuses, before any call, an article whose :func:`estimate` passes it.
    Raises a :class:`~summarizer.errors.SummarizerError` subclass; its ``usage`` holds what
    the calls made before the failure cost.
    """
    options = options if options is not None else resolve()
    art = (
        source
        if isinstance(source, Article)
        else articles.load(source, allow_private_urls=options.allow_private_urls)
    )
    # Before the server starts or any call is made.
    strategy(options.strategy).check(art)
    if max_cost is not None and options.replay is None:
        _within(art, options, judgments, max_cost)
    tape = _tape(art, options, judgments, replay_used)
    log = CallLog()
    model_asked = options.model or ""
    try:
        with _endpoint(options, progress, strategy(options.strategy).system()) as endpoint:
            model_asked = endpoint.model
            if progress:
                progress(f"asking {endpoint.model} for a brief")
            started = time.monotonic()
            work = _extract(art, options, endpoint, tape, log, progress)
            if judgments:
                _judge(art, work, endpoint, tape, log, progress)
            seconds = time.monotonic() - started
    except SummarizerError as exc:
        # What the failed calls cost still counts (a batch's --max-cost, its totals).
        exc.usage = _usage(log, options, model_asked)
        raise
    return _brief(art, work, _usage(log, options, endpoint.model), seconds)


def scored_answers(
    source: str | Path, options: Options
) -> tuple[Article, Answer[Sides], list[Judged]]:
    """The scored strategy's model answers for one article (:func:`scored.read`), asked or
    replayed under ``options``: what its decisions are fitted on (``summarizer.run.fit``)."""
    art = articles.load(source, allow_private_urls=options.allow_private_urls)
    options = replace(options, strategy_choice="scored")
    tape = _tape(art, options, False, None)
    with _endpoint(options, None, scored.STRATEGY.system()) as endpoint:
        answer, judged = scored.read(art, endpoint, tape, CallLog())
    return art, answer, judged


def brief_of(art: Article, extraction: Extraction, model: str) -> Brief:
    """The brief of an extraction made outside :func:`summarize` (a fit's fold)."""
    work = _Work(finish(art, extraction), model, [], "", [])
    return _brief(art, work, Usage(), 0.0)


def _brief(art: Article, work: _Work, usage: Usage, seconds: float) -> Brief:
    return Brief(
        **work.extraction.model_dump(),
        title=art.title,
        source=art.source,
        byline=art.byline,
        publisher=art.publisher,
        published=art.published,
        url=art.url,
        sentences=[
            SentenceRef(id=s.id, start=s.start, end=s.end, text=s.text) for s in art.sentences
        ],
        judgments=work.judged,
        judgments_missing=work.judgments_missing,
        metadata=Metadata(
            model=work.model,
            prompt_version=prompts.version(),
            tool_version=_version(),
            article_sha256=art.sha256,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=round(seconds, 2),
            usage=usage,
        ),
    )
