"""Command-line interface: parse flags, call the library, render, map errors to exit codes."""

from __future__ import annotations

import functools
import inspect
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from summarizer import config
from summarizer.errors import SummarizerError, exit_codes
from summarizer.files import write_atomic, write_stdout

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from summarizer import Outcome, Totals

_ENV_HELP = "\n\n".join(f"{name}: {text}" for name, text in config.ENV_VARS.items())
_EXIT_HELP = ", ".join(f"{code} {meaning}" for code, meaning in exit_codes().items())

app = typer.Typer(
    help=(
        "Turn a news article about a negotiation or conflict into a grounded, structured brief."
        f"\n\nEnvironment (a flag wins over its variable):\n\n{_ENV_HELP}"
        f"\n\nExit codes: {_EXIT_HELP}."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold API keys
    rich_markup_mode=None,
)
fixtures_app = typer.Typer(help="Inspect recorded model interactions.", no_args_is_help=True)
app.add_typer(fixtures_app, name="fixtures")

# The flags of every command that calls a model, defined once; `config.resolve` turns them
# into one validated `config.Options` (flag > environment > default).
ModelOpt = Annotated[str | None, typer.Option(help="model name [env SUMMARIZER_MODEL]")]
BaseUrlOpt = Annotated[
    str | None, typer.Option(help="OpenAI-compatible server URL [env OPENAI_BASE_URL]")
]
ModelPathOpt = Annotated[
    Path | None, typer.Option(help="GGUF for the embedded server [env SUMMARIZER_MODEL_PATH]")
]
TimeoutOpt = Annotated[
    float | None, typer.Option(help="seconds per model call [env SUMMARIZER_TIMEOUT]")
]
AttemptsOpt = Annotated[
    int | None,
    typer.Option(help="attempts per call on transient failures [env SUMMARIZER_MAX_ATTEMPTS]"),
]
MaxTokensOpt = Annotated[
    int | None, typer.Option(help="most tokens per answer [env SUMMARIZER_MAX_TOKENS]")
]
FormatOpt = Annotated[
    str | None,
    typer.Option(help="json_schema or json_object [env SUMMARIZER_RESPONSE_FORMAT]"),
]
StrategyOpt = Annotated[
    str | None,
    typer.Option(
        help="scored (default, embedded model) or single (default, a server) "
        "[env SUMMARIZER_STRATEGY]"
    ),
]
RecordOpt = Annotated[Path | None, typer.Option(help="store every model interaction in DIR")]
ReplayOpt = Annotated[
    Path | None, typer.Option(help="answer every model call from recordings in DIR; no network")
]
PrivateUrlsOpt = Annotated[
    bool,
    typer.Option(
        "--allow-private-urls",
        help="fetch URLs on this machine or its private network (refused by default)",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress on stderr")]

# name -> (flag, default): the model flags every command that calls a model takes.
_MODEL_FLAGS: dict[str, tuple[Any, Any]] = {
    "model": (ModelOpt, None),
    "base_url": (BaseUrlOpt, None),
    "model_path": (ModelPathOpt, None),
    "timeout": (TimeoutOpt, None),
    "max_attempts": (AttemptsOpt, None),
    "max_tokens": (MaxTokensOpt, None),
    "response_format": (FormatOpt, None),
    "strategy": (StrategyOpt, None),
    "record": (RecordOpt, None),
    "replay": (ReplayOpt, None),
}


def _model_command(*, urls: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the model flags (and ``--allow-private-urls`` where it reads URLs),
    defined once here; the command receives them as ``flags``, for :func:`config.resolve`
    (which validates them: ConfigError, exit 3). Ctrl-C in it exits 130."""
    wanted = {**_MODEL_FLAGS, **({"allow_private_urls": (PrivateUrlsOpt, False)} if urls else {})}

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = inspect.signature(command, eval_str=True)
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=d)
            for name, (kind, d) in wanted.items()
        ]
        kept = [p for p in own.parameters.values() if p.name != "flags"]

        @functools.wraps(command)
        def with_flags(**given: Any) -> None:
            flags = {name: given.pop(name) for name in wanted}
            try:
                command(**given, flags=flags)
            except KeyboardInterrupt as stop:  # exit 130 in every command, not "Aborted!"
                _interrupted(stop)

        with_flags.__signature__ = own.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
        return with_flags

    return decorate


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C raises KeyboardInterrupt: every path that ends
    cleanly on Ctrl-C (the embedded server stopped, a batch's finished articles kept, no
    half-written file) then ends cleanly on a process manager's stop or a closed terminal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
_received: list[int] = []  # the stop signal that came, for commands that let Click catch it


def _on_stop_signal(signum: int, frame: object) -> None:
    # A second signal while the first one's clean-up runs ends the process at once; a server
    # it started still dies with it (llm/embedded.py).
    for each in _STOP_SIGNALS:
        signal.signal(each, signal.SIG_DFL)
    _received.append(signum)
    raise _Stopped(signum)


def _interrupted(stop: KeyboardInterrupt, more: str = "") -> NoReturn:
    """Exit as a shell reports a signal: 130 for Ctrl-C, 128 + N for signal N."""
    if isinstance(stop, _Stopped):
        code, what = 128 + stop.signum, f"stopped by {stop}"
    else:
        code, what = 130, "interrupted"
    try:
        print(what + more, file=sys.stderr)
    except OSError:  # SIGHUP: the terminal may be gone
        pass
    raise typer.Exit(code) from None


def _fail(exc: SummarizerError) -> NoReturn:
    from rich.console import Console
    from rich.markup import escape

    from summarizer.terminal import printable

    hint = f" — {exc.hint}" if exc.hint else ""
    # A file name, a server's reason or an article's words may carry terminal escapes.
    said = escape(printable(str(exc) + hint))
    Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {said}")
    raise typer.Exit(exc.exit_code)


def _emit(text: str, out: Path | None, err: Console | None) -> None:
    """``text`` to ``out`` (atomically) or to stdout; say where when ``err`` is given."""
    if out is None:
        write_stdout(text)
        return
    write_atomic(out, text)
    if err is not None:
        err.print(f"wrote {out}", markup=False)


@app.command()
@_model_command(urls=True)
def summarize(
    source: Annotated[
        str, typer.Argument(help="article: .txt, .md or .html file, http(s) URL, or - for stdin")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table, json or md (default: from -o, else table)"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here, not stdout")
    ] = None,
    judgments: Annotated[
        bool,
        typer.Option(
            "--judgments", help="also ask for up to 3 key judgments (a second model call)"
        ),
    ] = False,
    quiet: QuietOpt = False,
    max_cost: Annotated[
        float | None,
        typer.Option(help="refuse, before any call, a brief that could cost more (USD)"),
    ] = None,
    *,
    flags: dict[str, Any],
) -> None:
    """Summarise one article into a grounded brief."""
    from rich.console import Console

    import summarizer
    from summarizer.terminal import printable

    err = Console(stderr=True, markup=False)
    try:
        chosen = summarizer.output_format(out, fmt)
        options = config.resolve(**flags)
        with err.status("starting", spinner="dots") as status:

            def progress(message: str) -> None:
                if not quiet:
                    err.log(printable(message))
                status.update(message + " ...")

            brief = summarizer.summarize(
                source, options, judgments=judgments, progress=progress, max_cost=max_cost
            )
        _emit(summarizer.render(brief, chosen), out, None if quiet else err)
    except SummarizerError as exc:
        _fail(exc)
    except KeyboardInterrupt as stop:
        _interrupted(stop)


@app.command()
@_model_command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="article files, folders or globs")],
    out: Annotated[Path, typer.Option("--out", help="directory for briefs and index.jsonl")],
    concurrency: Annotated[
        int, typer.Option(help="requests in flight to the model server at once")
    ] = 4,
    max_cost: Annotated[
        float | None, typer.Option(help="stop before the estimated cost passes this (USD)")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="bypass the response cache")] = False,
    prices: Annotated[
        Path | None, typer.Option(help="JSON price table [env SUMMARIZER_PRICES]")
    ] = None,
    via: Annotated[
        str,
        typer.Option(
            help="live: requests to the server as they come; batch-api: the server's Batch "
            "API, in rounds, at its half price (re-run the same command to resume)"
        ),
    ] = "live",
    poll: Annotated[
        float,
        typer.Option(help="seconds between looks at a Batch API batch (--via batch-api; >= 1)"),
    ] = 30.0,
    max_wait: Annotated[
        float | None,
        typer.Option(
            help="seconds to wait for Batch API batches before stopping (default: 26 hours, "
            "the API's 24-hour window and 2 to spare); the same command waits on"
        ),
    ] = None,
    *,
    flags: dict[str, Any],
) -> None:
    """Summarise many articles concurrently into DIR; re-running resumes."""
    from rich.console import Console

    import summarizer
    from summarizer.errors import BatchIncompleteError
    from summarizer.terminal import printable

    err = Console(stderr=True, markup=False)
    try:
        cached = not no_cache and flags["replay"] is None and via == "live"
        options = config.resolve(**flags, cache=config.response_cache_dir() if cached else None)
        with _batch_progress(err, len(summarizer.articles_in(inputs))) as update:
            outcomes = summarizer.batch(
                inputs,
                out,
                options,
                concurrency=concurrency,
                max_cost=max_cost,
                via=via,
                poll_seconds=poll,
                max_wait=max_wait,
                progress=update,
                on_wait=lambda line: err.print(printable(line)),
            )
    except SummarizerError as exc:
        _fail(exc)
    except KeyboardInterrupt as stop:
        _interrupted(stop, ": finished articles are kept; re-run to resume")
    err.print(_batch_summary(outcomes))
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        _fail(
            BatchIncompleteError(
                f"{len(failed)} of {len(outcomes)} articles failed; see {out / 'index.jsonl'}",
                hint="fix the cause and re-run: finished articles are skipped",
            )
        )


@contextmanager
def _batch_progress(err: Console, count: int) -> Iterator[Callable[[Outcome, Totals], None]]:
    """A progress bar over ``count`` articles, and the function that advances it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from summarizer.terminal import printable

    started = time.monotonic()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[stats]}"),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("articles", total=count, stats="")

        def update(outcome: Outcome, totals: Totals) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            finished = totals.done + totals.failed
            stats = (
                f"ok {totals.done} failed {totals.failed} skipped {totals.skipped} · "
                f"{finished / elapsed * 60:.1f}/min · {totals.tokens:,} tokens · "
                f"${totals.cost_usd:.4f}"
            )
            bar.update(task, advance=1, stats=stats)
            if outcome.status == "failed":
                said = printable(f"failed {outcome.source}: {outcome.error}")
                bar.console.print(said, markup=False)

        yield update


def _batch_summary(outcomes: list[Outcome]) -> Table:
    from rich.table import Table

    summary = Table(title="batch summary", title_justify="left")
    for col in ("status", "articles", "tokens", "est. cost"):
        summary.add_column(col, justify="left" if col == "status" else "right")
    for status in ("ok", "failed", "skipped"):
        rows = [o for o in outcomes if o.status == status]
        tokens = sum(o.prompt_tokens + o.completion_tokens for o in rows)
        cost = sum(o.cost_usd or 0.0 for o in rows)
        summary.add_row(status, str(len(rows)), f"{tokens:,}", f"${cost:.4f}")
    return summary


@app.command()
def cache(
    clear: Annotated[bool, typer.Option(help="delete every cached response")] = False,
) -> None:
    """Show the response cache's size, or clear it."""
    import summarizer

    found = summarizer.cache_info(clear=clear)
    where, size = found.directory, f"{found.bytes:,} bytes"
    if clear:
        print(f"cleared {found.entries} cached responses ({size}) from {where}")
    else:
        print(f"{found.entries} cached responses, {size}, in {where}")


@app.command()
@_model_command(urls=True)
def diff(
    old: Annotated[str, typer.Argument(help="the earlier article or brief (.json)")],
    new: Annotated[str, typer.Argument(help="the later article or brief (.json)")],
    *,
    flags: dict[str, Any],
) -> None:
    """Show what changed between two briefs of one negotiation, what changed first."""
    import summarizer

    try:
        write_stdout(summarizer.diff(old, new, config.resolve(**flags)).render())
    except SummarizerError as exc:
        _fail(exc)


@app.command()
@_model_command(urls=True)
def memo(
    inputs: Annotated[
        list[str],
        typer.Argument(help="articles (files, URLs, -) or briefs (.json), one negotiation"),
    ],
    out: Annotated[Path | None, typer.Option("--output", "-o", help="memo.md or memo.html")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="md, html or table (default: from -o)")
    ] = None,
    judgments: Annotated[
        bool,
        typer.Option(help="key judgments of the latest article (one more model call per article)"),
    ] = True,
    *,
    flags: dict[str, Any],
) -> None:
    """Write a one-page briefing memo from one or more articles or briefs."""
    from rich.console import Console

    import summarizer

    err = Console(stderr=True, markup=False)
    try:
        chosen = summarizer.output_format(out, fmt, memo=True)
        options = config.resolve(**flags)
        with err.status("building the memo") as status:
            built = summarizer.memo(inputs, options, judgments=judgments, progress=status.update)
        _emit(summarizer.render_memo(built, chosen), out, err)
    except SummarizerError as exc:
        _fail(exc)


@app.command("eval")
@_model_command()
def eval_(
    gold_dir: Annotated[Path, typer.Argument(help="directory of *.gold.json and articles")],
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    concurrency: Annotated[
        int, typer.Option(help="articles in flight at once (a server; the embedded model: 1)")
    ] = 4,
    *,
    flags: dict[str, Any],
) -> None:
    """Score briefs of a gold set: precision, recall and F1 per section."""
    import json

    from rich.console import Console

    import summarizer

    err = Console(stderr=True, markup=False)
    try:
        options = config.resolve(**flags)
        with err.status("evaluating") as status:
            report = summarizer.evaluate(
                gold_dir, options, concurrency=concurrency, progress=status.update
            )
        figures = report.to_dict()
        if as_json:
            write_stdout(json.dumps(figures, indent=2) + "\n")
            return
    except SummarizerError as exc:
        _fail(exc)
    _print_figures(figures, gold_dir)


def _print_figures(figures: dict[str, Any], gold_dir: Path) -> None:
    from rich.console import Console

    from summarizer.terminal import printable

    out = Console(width=100, markup=False)
    real = figures.get("real")
    # The real news articles are the headline: what users bring, and harder than any written
    # for the set.
    if real and real["articles"] and real["articles"] != figures["articles"]:
        _print_table(out, real, f"{real['articles']} real news articles in {gold_dir}")
    _print_table(out, figures, f"{figures['articles']} articles in {gold_dir}")
    for article in figures["failed"]:
        said = printable(f"no brief for {article} (scored as an empty brief)")
        out.print(said, style="red", markup=False)


def _print_table(out: Any, figures: dict[str, Any], title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col in ("section", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="left" if col == "section" else "right")
    for name in (*figures["sections"], "overall"):
        f = figures["overall"] if name == "overall" else figures["sections"][name]
        table.add_row(
            name,
            f"{f['precision']:.2f}",
            f"{f['recall']:.2f}",
            f"{f['f1']:.2f}",
            str(f["tp"]),
            str(f["fp"]),
            str(f["fn"]),
        )
    out.print(table)
    lost = ", ".join(f"{where} {n}" for where, n in figures["lost"].items())
    out.print(
        f"deal-term status accuracy {figures['status_accuracy']} · demand target "
        f"{figures['target_accuracy']} · evidence valid {figures['evidence_valid']} · evidence "
        f"on target {figures['evidence_on_target']} · attribution "
        f"{figures['attribution_accuracy']} · modality {figures['modality_accuracy']} · "
        f"parties not in the article {figures['unmentioned_parties']} · tokens per article "
        f"{figures['tokens_per_article']} · fragments {figures['fragment_share']}\n"
        f"required items lost: {lost}",
        markup=False,
    )


@app.command()
def setup(
    source: Annotated[
        Path | None, typer.Option(help="llama-cpp-python sdist to build from (default: download)")
    ] = None,
    force: Annotated[bool, typer.Option(help="rebuild even if already built")] = False,
) -> None:
    """Prepare the embedded model once: build llama-server and join the model file."""
    from rich.console import Console

    import summarizer

    err = Console(stderr=True, markup=False)
    try:
        with err.status("setting up the embedded model") as status:
            path = summarizer.setup(source=source, force=force, progress=status.update)
    except SummarizerError as exc:
        _fail(exc)
    err.print(f"embedded model ready (server: {path})")


@app.command()
def schema(
    write: Annotated[Path | None, typer.Option(help="write the schema to this file")] = None,
) -> None:
    """Print (or write) the JSON Schema of the brief."""
    import summarizer

    text = summarizer.brief_schema()
    try:
        if write is None:
            write_stdout(text)
        else:
            write_atomic(write, text)
    except SummarizerError as exc:
        _fail(exc)


@fixtures_app.command("check")
def fixtures_check(
    directory: Annotated[Path, typer.Argument(help="directory of recordings")],
    articles: Annotated[
        list[Path] | None,
        typer.Option("--articles", help="where to find the recorded articles (repeatable)"),
    ] = None,
) -> None:
    """Replay every recorded article; fail on stale, unused or broken recordings."""
    import summarizer

    try:
        report = summarizer.check_recordings(directory, articles)
    except SummarizerError as exc:
        _fail(exc)
    for line in report.problems:
        print(f"problem: {line}")
    for name in report.stale:
        print(f"stale or unused: {name}")
    print(f"{len(report.used)} of {report.total} recordings used")
    if not report.ok:
        raise typer.Exit(1)


def _internal_error(exc: BaseException) -> NoReturn:
    """A bug of the tool, not the user's problem: one line, and the traceback in a file
    (credentials removed) to attach to a report."""
    import tempfile
    import traceback

    from rich.console import Console
    from rich.markup import escape

    from summarizer.terminal import printable

    text = "".join(traceback.format_exception(exc))
    for secret in (
        os.environ.get(config.ENV_API_KEY, ""),
        *config.url_secrets(os.environ.get(config.ENV_BASE_URL)),
    ):
        if secret:
            text = text.replace(secret, "***")
    fd, path = tempfile.mkstemp(prefix="summarizer-crash-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    Console(stderr=True, soft_wrap=True).print(
        f"[bold red]internal error:[/] "
        f"{escape(printable(f'{type(exc).__name__}: {exc}'[:300]))} — "
        f"a bug in summarizer; please report it with the traceback in {escape(path)}"
    )
    sys.exit(1)


@app.callback()
def _quiet_libraries() -> None:
    # instructor logs every failed attempt at ERROR; the CLI reports failures itself, once.
    import logging

    logging.getLogger("instructor").addHandler(logging.NullHandler())
    logging.getLogger("instructor").propagate = False


_INTERRUPTED = (130, *(128 + each for each in _STOP_SIGNALS))


def main() -> None:
    """Entry point of the ``summarizer`` console script."""
    for each in _STOP_SIGNALS:
        signal.signal(each, _on_stop_signal)
    try:
        app()
    except SystemExit as done:
        if _received:  # Click reports a stop in a command that does not as "Aborted!", exit 1
            done.code = 128 + _received[0]
        if done.code in _INTERRUPTED:
            # Interrupted: worker threads still waiting on the model server must not hold
            # the exit (finished work is on disk; a re-run redoes what was in flight).
            try:
                sys.stderr.flush()
            finally:
                os._exit(int(done.code))  # type: ignore[arg-type]
        raise
    except Exception as exc:  # not one of ours (those exit inside the commands)
        _internal_error(exc)
