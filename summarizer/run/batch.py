"""Many articles: bounded concurrency, atomic per-article output, an index, resumption.

Each article's brief is written atomically to ``OUT/<name>.json`` and a line is appended to
``OUT/index.jsonl`` when it finishes (ok or failed), so an interrupted run loses nothing that
had finished and leaves no half-written file; re-running skips every article whose brief is
already there for the same article text. One failing article never stops the others.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from summarizer import config
from summarizer.article import source as articles
from summarizer.article.text import Article
from summarizer.brief.models import Brief, Usage
from summarizer.errors import CostLimitError, InputError, OutputError, SummarizerError
from summarizer.files import write_atomic
from summarizer.llm.transport import GATE
from summarizer.run.pipeline import shared_server


@dataclass
class Outcome:
    """What happened to one article."""

    name: str
    source: str
    status: str  # "ok", "failed" or "skipped"
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    cached_calls: int = 0
    error: str | None = None
    exit_code: int = 0


@dataclass
class Totals:
    """Running totals, for the progress bar and the summary."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    tokens: int = 0
    cost_usd: float = 0.0


def expand(inputs: Iterable[str]) -> list[Path]:
    """Files, folders (their articles, sorted) and globs, each article once."""
    found: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in articles.ARTICLE_SUFFIXES)
            )
        elif any(ch in raw for ch in "*?["):
            root = Path(raw).anchor or "."
            pattern = raw[len(root) :] if Path(raw).is_absolute() else raw
            found.extend(sorted(Path(root).glob(pattern)))
        elif path.exists() or path.is_symlink():
            # Not only regular files: a FIFO or a broken link named here fails on its own
            # index line, with the reason, instead of stopping the batch.
            found.append(path)
        else:
            raise InputError(f"{raw} does not exist", hint="give files, folders or globs")
    unique = list(dict.fromkeys(map(_absolute, found)))
    if not unique:
        raise InputError("no articles found in the inputs", hint="give .txt or .md files")
    return unique


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: loading it reports the loop
        return path.absolute()


def output_names(paths: list[Path]) -> dict[Path, str]:
    """A file name per article: its stem, made unique with a short hash where stems clash."""
    stems: dict[str, int] = {}
    for p in paths:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    return {
        p: p.stem if stems[p.stem] == 1 else f"{p.stem}-{hashlib.sha1(bytes(p)).hexdigest()[:8]}"
        for p in paths
    }


def _finished(out: Path, source: Path) -> dict[str, Any] | None:
    """The brief ``out`` holds when it is one of the current text of ``source``."""
    if not out.is_file():
        return None
    try:
        brief = json.loads(out.read_text(encoding="utf-8"))
        current = articles.load(source).sha256
    except (OSError, ValueError, SummarizerError):
        return None
    if not isinstance(brief, dict) or brief.get("metadata", {}).get("article_sha256") != current:
        return None
    return brief


def _earlier(index: Path) -> list[dict[str, Any]]:
    """The readable lines of an earlier batch's ``index.jsonl`` (none when there is none)."""
    try:
        lines = index.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise OutputError(f"cannot read {index}: {exc.strerror}") from None
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # an unreadable line names no brief
        if isinstance(entry, dict) and "name" in entry and "source" in entry:
            entries.append(entry)
    return entries


def _refuse_clashes(earlier: list[dict[str, Any]], out_dir: Path, names: dict[Path, str]) -> None:
    """Refuse to write a brief over one an earlier batch made of another article under the
    same name (``a/x.txt`` then ``b/x.txt`` into one ``--out``): it would replace that
    brief while the index still called it the other article's."""
    sources = {str(e["name"]): str(e["source"]) for e in earlier}
    for path, name in names.items():
        theirs = sources.get(name)
        if theirs is not None and Path(theirs).resolve() != path.resolve():
            raise OutputError(
                f"{out_dir / (name + '.json')} is the brief of {theirs}; {path} would "
                "replace it under the same name",
                hint="give this batch another --out folder",
            )


class _Index:
    """``index.jsonl``: one line per finished article, appended and flushed at once."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def add(self, outcome: Outcome) -> None:
        """Append ``outcome``'s line whole, or not at all: a write that fails part-way (a
        full disk, a file size limit) is cut back, and the batch stops with the reason."""
        line = (json.dumps(asdict(outcome), ensure_ascii=False) + "\n").encode()
        with self._lock:
            try:
                fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            except OSError as exc:
                raise self._unwritable(exc) from None
            try:
                before = os.fstat(fd).st_size
                try:
                    if os.write(fd, line) != len(line):
                        raise OSError(28, "only part of the line was written")
                    os.fsync(fd)
                except OSError as exc:
                    os.ftruncate(fd, before)  # no torn line: the index stays whole lines
                    raise self._unwritable(exc) from None
            finally:
                os.close(fd)

    def _unwritable(self, exc: OSError) -> OutputError:
        return OutputError(
            f"cannot add to {self._path}: {exc.strerror or type(exc).__name__}; the batch "
            "stopped, and what it had finished is indexed",
            hint="free disk space or raise the file size limit, then run the same command",
        )


Summarize = Callable[[Article, config.Options], Brief]


def run(
    inputs: Iterable[str],
    out_dir: Path,
    options: config.Options | None = None,
    *,
    concurrency: int = 4,
    max_cost: float | None = None,
    summarize: Summarize | None = None,
    on_update: Callable[[Outcome, Totals], None] | None = None,
) -> list[Outcome]:
    """Summarise every article in ``inputs`` into ``out_dir`` with ``options`` (see
    :func:`summarizer.summarize`); see the module docstring.

    ``concurrency`` bounds the requests in flight to the model server. Raises
    :class:`~summarizer.errors.CostLimitError` when the next article would likely take the
    estimated cost past ``max_cost`` (finished work is kept).
    """
    if summarize is None:
        from summarizer.run.pipeline import summarize as default

        summarize = default
    config.check_concurrency(concurrency)
    config.check_max_cost(max_cost)
    paths = expand(inputs)
    with _locked(out_dir):
        return _run(
            paths,
            out_dir,
            concurrency,
            max_cost,
            summarize,
            on_update,
            options if options is not None else config.resolve(),
        )


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir`` for this batch alone: a second batch into it is refused, so that it
    neither deletes this one's files in progress nor does its articles twice."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(
            f"--out {out_dir} is a file, not a folder", hint="give a folder for the briefs"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / ".batch.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(
            f"cannot write in {out_dir}: {exc.strerror}", hint="give a writable folder"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputError(
            f"{out_dir} is in use by another batch",
            hint="wait for it to finish, or give another --out folder",
        ) from None
    try:
        yield
    finally:
        os.close(fd)  # closing releases the lock; a killed process releases it too


def _outcome(
    name: str, path: Path, status: str, started: float, usage: Usage | None, **extra: Any
) -> Outcome:
    """What happened to one article, with what its model calls cost when it made any."""
    seconds = round(time.monotonic() - started, 2)
    if usage is None:
        return Outcome(name, str(path), status, seconds, **extra)
    spent = (usage.prompt_tokens, usage.completion_tokens, usage.cost_usd, usage.cached_calls)
    return Outcome(name, str(path), status, seconds, *spent, **extra)


def left_to_do(
    paths: list[Path], names: dict[Path, str], out_dir: Path, ledger: _Ledger
) -> list[Path]:
    """The articles of ``paths`` without a brief of their current text in ``out_dir``; the
    others are recorded as skipped. Refuses a name an earlier batch gave another article."""
    earlier = _earlier(out_dir / "index.jsonl")
    _refuse_clashes(earlier, out_dir, names)
    indexed = {str(e["name"]) for e in earlier if e.get("status") == "ok"}
    todo = []
    for path in paths:
        brief = _finished(out_dir / f"{names[path]}.json", path)
        if brief is None:
            todo.append(path)
            continue
        if names[path] not in indexed:
            # Killed after the brief was written but before its line: the line is
            # written now, so the index names every brief there.
            ledger.index.add(_recovered(names[path], path, brief))
        ledger.add(Outcome(names[path], str(path), "skipped"))
    return todo


def _recovered(name: str, path: Path, brief: dict[str, Any]) -> Outcome:
    """The ``ok`` line of a brief a killed batch wrote without its index line, with the
    usage the brief records (its time was not recorded: 0)."""
    try:
        usage = Usage.model_validate(brief["metadata"]["usage"])
    except (KeyError, TypeError, ValueError):
        usage = None
    return _outcome(name, path, "ok", time.monotonic(), usage)


def _failed(name: str, path: Path, started: float, exc: BaseException) -> Outcome:
    """The outcome of an article that failed: ours with its hint; anything else is a bug of
    the tool, told as one (with its place in the code) but never a lost article."""
    if isinstance(exc, SummarizerError):
        error = f"{exc}{' — ' + exc.hint if exc.hint else ''}"
        code = exc.exit_code
        return _outcome(name, path, "failed", started, exc.usage, error=error, exit_code=code)
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    error = f"internal error {type(exc).__name__}{at}: {exc}"[:400]
    return _outcome(name, path, "failed", started, None, error=error, exit_code=1)


class _Ledger:
    """The batch's record as articles end: every outcome, the running totals, the index."""

    def __init__(self, index: _Index, on_update: Callable[[Outcome, Totals], None] | None):
        self.outcomes: list[Outcome] = []
        self.totals = Totals()
        self.index = index
        self._on_update = on_update
        self._lock = threading.Lock()

    def add(self, outcome: Outcome) -> None:
        """Record ``outcome``; a finished article (not a skipped one) gets its index line."""
        if outcome.status != "skipped":
            self.index.add(outcome)
        with self._lock:
            self.outcomes.append(outcome)
            totals = self.totals
            if outcome.status == "skipped":
                totals.skipped += 1
            else:
                totals.done += outcome.status == "ok"
                totals.failed += outcome.status == "failed"
                totals.tokens += outcome.prompt_tokens + outcome.completion_tokens
                totals.cost_usd += outcome.cost_usd or 0.0
        if self._on_update:
            self._on_update(outcome, self.totals)


def _one(
    path: Path,
    name: str,
    loaded: Future[Article],
    options: config.Options,
    call: Summarize,
    out_dir: Path,
) -> Outcome:
    """Summarise one article and write its brief; what happened, whatever happened."""
    started = time.monotonic()
    try:
        brief = call(loaded.result(), options)
        write_atomic(out_dir / f"{name}.json", brief.model_dump_json(indent=2) + "\n", durable=True)
    except Exception as exc:  # every article ends in the index, whatever went wrong
        return _failed(name, path, started, exc)
    return _outcome(name, path, "ok", started, brief.metadata.usage)


def _run(
    paths: list[Path],
    out_dir: Path,
    concurrency: int,
    max_cost: float | None,
    call: Summarize,
    on_update: Callable[[Outcome, Totals], None] | None,
    options: config.Options,
) -> list[Outcome]:
    names = output_names(paths)
    # A killed run can leave a temporary file (never a partial brief): clear them. Safe
    # under the lock: no other batch is writing here.
    for stale in out_dir.glob(".*.json.*.tmp"):
        stale.unlink(missing_ok=True)
    ledger = _Ledger(_Index(out_dir / "index.jsonl"), on_update)
    todo = left_to_do(paths, names, out_dir, ledger)
    # ``concurrency`` bounds the requests in flight (the gate), not the threads: a quarter
    # more threads have their next request ready while others check an answer and write
    # it, so a freed slot is taken at once instead of after that Python work.
    workers = concurrency + concurrency // 4
    pool = ThreadPoolExecutor(
        workers, initializer=GATE.bind, initargs=(threading.BoundedSemaphore(concurrency),)
    )
    # Articles are read and split one round ahead, on a thread of their own, so a worker
    # goes from one answer to its next request without that work in between.
    loader = ThreadPoolExecutor(1)
    interrupted = False
    try:
        with shared_server(options) as opts:
            _feed(
                todo,
                workers,
                pool,
                loader,
                lambda path, loaded: ledger.add(
                    _one(path, names[path], loaded, opts, call, out_dir)
                ),
                lambda pending: _over_budget(ledger.totals, max_cost, pending),
            )
    except KeyboardInterrupt:
        # Stop now, not when the articles in flight finish (minutes with a slow model):
        # finished ones are written and indexed, and a re-run redoes only these.
        interrupted = True
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=True)
        loader.shutdown(wait=not interrupted, cancel_futures=True)
    return ledger.outcomes


def _over_budget(totals: Totals, max_cost: float | None, pending: int) -> CostLimitError | None:
    """The error to stop with when one more article would likely take the spending past
    ``max_cost``. Failed articles' calls were billed too: they count toward the estimate."""
    finished = totals.done + totals.failed
    if max_cost is None or not finished:
        return None
    average = totals.cost_usd / finished
    if totals.cost_usd + average * (pending + 1) <= max_cost:
        return None
    return CostLimitError(
        f"stopped before the estimated cost passes ${max_cost:g} "
        f"(${totals.cost_usd:.4f} spent on {finished} articles)",
        hint="raise --max-cost and re-run: finished articles are skipped",
    )


def _raise_any(done: set[Future[None]]) -> None:
    """Raise what a finished article's bookkeeping raised (its index line could not be
    written): the article itself never raises, it ends in the index as failed."""
    for future in done:
        future.result()


def _feed(
    todo: list[Path],
    workers: int,
    pool: ThreadPoolExecutor,
    loader: ThreadPoolExecutor,
    one: Callable[[Path, Future[Article]], None],
    over_budget: Callable[[int], CostLimitError | None],
) -> None:
    """Submit every article of ``todo`` to ``pool``, at most ``workers`` at a time, each one
    loaded ahead on ``loader``; wait for them all."""
    pending: set[Future[None]] = set()
    ahead: deque[tuple[Path, Future[Article]]] = deque()
    queue = iter(todo)

    def fill() -> None:
        while len(ahead) < workers and (path := next(queue, None)) is not None:
            ahead.append((path, loader.submit(articles.load, path)))

    try:
        fill()
        while ahead:
            path, loaded = ahead.popleft()
            if (stop := over_budget(len(pending))) is not None:
                raise stop
            pending.add(pool.submit(one, path, loaded))
            fill()
            if len(pending) >= workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                _raise_any(done)
        _raise_any(wait(pending).done)
    except KeyboardInterrupt:
        raise
    except BaseException:
        for future in pending:
            future.cancel()
        for _, load in ahead:
            load.cancel()
        wait(pending)  # let in-flight articles finish and be written, or fail cleanly
        raise
