"""``summarize()``: article in, grounded :class:`Brief` out. The CLI only calls this."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from . import article as articles
from . import attribution, config, ground, local, prices, prompts, scored
from .article import Article
from .errors import ConfigError, ModelOutputError, SummarizerError
from .link import link
from .llm import Endpoint, Tape, ask, preload
from .schema import Brief, Extraction, Judgments, KeyJudgment, Metadata, SentenceRef, Usage
from .transport import CallLog

Progress = Callable[[str], None]
# Replay never opens a connection; this placeholder only fills the client's required URL.
_REPLAY_URL = "http://replay.invalid/v1"


def _version() -> str:
    try:
        return metadata.version("summarizer")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@contextmanager
def _endpoint(
    settings: config.Settings, replaying: bool, progress: Progress | None, system: str
) -> Iterator[Endpoint]:
    def make(base_url: str, model: str) -> Endpoint:
        return Endpoint(
            base_url=base_url,
            model=model,
            api_key=settings.api_key,
            response_format=settings.response_format or "json_schema",
            timeout=settings.timeout,
            max_attempts=settings.max_attempts,
            max_tokens=settings.max_tokens,
        )

    if not settings.embedded:
        base = settings.base_url or "https://api.openai.com/v1"
        yield make(
            _REPLAY_URL if replaying else base, settings.model or config.DEFAULT_REMOTE_MODEL
        )
        return
    if replaying:
        yield make(_REPLAY_URL, local.alias(settings.model, settings.model_path))
        return
    with embedded_server(settings, progress, system=system) as (url, alias):
        yield make(url, alias)


@contextmanager
def embedded_server(
    settings: config.Settings, progress: Progress | None = None, *, system: str | None = None
) -> Iterator[tuple[str, str]]:
    """Run the embedded model's server for ``settings``; yield its base URL and model name.

    ``system`` is the system message every request will start with (default: the single
    strategy's), whose KV cache the server restores from disk."""
    alias = local.alias(settings.model, settings.model_path)
    path = settings.model_path or local.default_model_path(progress)
    # Loading the model takes the server seconds that this process would otherwise spend
    # idle before its own second of importing the client: overlap the two.
    ahead = threading.Thread(target=preload, args=(Extraction,), name="preload", daemon=True)
    ahead.start()
    system = prompts.system() if system is None else system
    with local.serve(path, alias, progress, system=system) as url:
        ahead.join()  # the first call would otherwise import the same modules concurrently
        yield url, alias


def _usage(
    log: CallLog, table: dict[str, tuple[float, float]], model: str, *, local: bool
) -> Usage:
    billed = log.billed()
    return Usage(
        calls=len(log.calls),
        cached_calls=sum(1 for c in log.calls if c.cached),
        prompt_tokens=log.prompt_tokens,
        cached_prompt_tokens=log.cached_prompt_tokens,
        completion_tokens=log.completion_tokens,
        cost_usd=prices.cost(table, model, billed[0], billed[1], local=local),
    )


def _as_path(value: str | os.PathLike[str] | None) -> Path | None:
    return None if value is None else Path(value)


def summarize(
    source: str | Path | Article,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    model_path: str | os.PathLike[str] | None = None,
    record: str | os.PathLike[str] | None = None,
    replay: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
    max_attempts: int | None = None,
    max_tokens: int | None = None,
    response_format: str | None = None,
    progress: Progress | None = None,
    replay_used: set[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    price_table: dict[str, tuple[float, float]] | None = None,
    judgments: bool = False,
    strategy: str | None = None,
    allow_private_urls: bool = False,
) -> Brief:
    """Summarise one article into a grounded :class:`Brief`.

    ``source`` is a path to a ``.txt``/``.md`` file, ``'-'`` for standard input, or an
    :class:`Article`. With no ``base_url`` and no API key (as flags or in the environment) the
    embedded local model is started. ``record`` stores every model interaction in a directory;
    ``replay`` answers every call from one and never touches the network (``replay_used``
    collects the keys it used). ``cache`` is a response-cache directory: an identical request
    is answered from it without a call. ``judgments`` adds a second call for at most three
    key judgments (ICD 203 likelihood and a confidence level, each citing sentences).
    Directories and ``model_path`` may be given as ``str`` or :class:`~pathlib.Path`.
    A URL on loopback or a private network is refused unless ``allow_private_urls``.
    Raises a :class:`~summarizer.errors.SummarizerError` subclass; its ``usage`` holds what
    the calls made before the failure cost.
    """
    model_path, record, replay, cache = map(_as_path, (model_path, record, replay, cache))
    if record is not None and replay is not None:
        raise ConfigError("--record and --replay cannot be used together", hint="pick one")
    art = (
        source
        if isinstance(source, Article)
        else articles.load(source, allow_private_urls=allow_private_urls)
    )
    settings = config.resolve(
        api_key=api_key,
        base_url=base_url,
        model=model,
        model_path=model_path,
        timeout=timeout,
        max_attempts=max_attempts,
        max_tokens=max_tokens,
        response_format=response_format,
        strategy=strategy,
    )
    chosen = f" --strategy {settings.strategy}" if settings.strategy_choice else ""
    rerecord = (
        f"summarizer summarize {art.source}{' --judgments' * judgments}{chosen} --record {replay}"
    )
    tape = Tape(
        record=record,
        replay=replay,
        context={
            "article": Path(art.source).name,
            "article_sha256": art.sha256,
            "strategy": settings.strategy,
        },
        rerecord_hint=rerecord,
        used=replay_used,
        cache=cache,
    )
    log = CallLog()
    messages = prompts.messages(art)
    scoring = settings.strategy == "scored"
    system = prompts.system_for(settings.strategy)
    table = price_table if price_table is not None else prices.load()
    model_asked = settings.model or ""
    try:
        with _endpoint(settings, replay is not None, progress, system) as endpoint:
            model_asked = endpoint.model
            if progress:
                progress(f"asking {endpoint.model} for a brief")
            started = time.monotonic()
            # The stages, in order: extract (the strategy's model calls) -> ground -> read -> link.
            if scoring:
                got = scored.extract(art, endpoint, tape, log, progress)
                extraction = Extraction.model_validate(got.data)
                # The judgments pass continues the parties call's conversation.
                model_name, messages, said = got.model, got.messages, got.text
            else:
                answer = ask(Extraction, art, messages, endpoint, tape, log)
                extraction, model_name, said = answer.value, answer.model, answer.text
            extraction = link(attribution.read(ground.ground(extraction, art), art))
            judged: list[KeyJudgment] = []
            missing: str | None = None
            if judgments:
                if progress:
                    progress(f"asking {endpoint.model} for key judgments")
                follow = prompts.judgment_messages(art, messages, said)
                second = replace(tape, context={**(tape.context or {}), "pass": "judgments"})
                try:
                    judged = ask(Judgments, art, follow, endpoint, second, log).value.judgments
                except ModelOutputError as exc:
                    # The facts stand without the analysis: keep the brief, say why it has none.
                    missing = f"{exc}"
                    if progress:
                        progress(f"no key judgments: {exc}")
            seconds = time.monotonic() - started
    except SummarizerError as exc:
        # What the failed calls cost still counts (a batch's --max-cost, its totals).
        exc.usage = _usage(log, table, model_asked, local=settings.embedded)
        raise
    return Brief(
        **extraction.model_dump(),
        title=art.title,
        source=art.source,
        byline=art.byline,
        publisher=art.publisher,
        published=art.published,
        url=art.url,
        sentences=[
            SentenceRef(id=s.id, start=s.start, end=s.end, text=s.text) for s in art.sentences
        ],
        judgments=judged,
        judgments_missing=missing,
        metadata=Metadata(
            model=model_name,
            prompt_version=prompts.version(),
            tool_version=_version(),
            article_sha256=art.sha256,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=round(seconds, 2),
            usage=_usage(log, table, endpoint.model, local=settings.embedded),
        ),
    )
