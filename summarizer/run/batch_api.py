"""Many articles through the OpenAI Batch API: in rounds, resumably, at half the price.

Each round runs every unfinished article through the unchanged pipeline, answering its
calls from the answer book in ``OUT/.batch-api/`` (``llm/batches.py``); the requests it
had no answer for are sent as one batch (split under the API's limits), and the round ends
when the batch does. An article with nothing left to ask is written and indexed exactly as
the live batch writes it (``run/batch.py``). The scored strategy takes two rounds (the
parties call, then every sentence's question), ``single`` one; a re-ask adds a round.

Everything a rerun needs is in ``OUT``: the batches submitted (``batches.json``), the answers
and the queue. The same command after Ctrl-C, a crash or the next day polls the batches in
flight instead of submitting them again; a key answered is never asked again. A request a
batch failed or let expire is sent once more in a new batch, then its article fails in the
index with the reason.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from summarizer import config, prices
from summarizer.article import source as articles
from summarizer.errors import (
    AnswerDeferred,
    ConfigError,
    CostLimitError,
    ModelUnavailableError,
    RecordingError,
    SummarizerError,
)
from summarizer.files import plain_file, write_atomic
from summarizer.llm import batches
from summarizer.llm.batches import ENDED, BatchAPI, Book, Queued
from summarizer.llm.transport import MAX_RESPONSE_BYTES
from summarizer.run.batch import (
    Outcome,
    Summarize,
    Totals,
    _failed,
    _Index,
    _Ledger,
    _locked,
    _outcome,
    expand,
    left_to_do,
    output_names,
)

# How many times a request is sent before its article fails: once, and once again.
TRIES = 2
# Rounds before the articles still asking fail: scored's two, re-asks, key judgments.
MAX_ROUNDS = 8
# The shortest wait between looks at a batch in flight: any less asks the server many times
# a second for something that takes minutes to hours.
MIN_POLL = 1.0
# How long a run waits for its batches before it stops (the same command waits on): the
# Batch API's 24-hour completion window, and two hours to spare.
MAX_WAIT = 26 * 3600.0
# The largest batches.json read: thousands of batches' ids and keys are far smaller.
_MAX_STATE_BYTES = 64 * 1024 * 1024
# Characters of a request per prompt token, for the estimate before a batch is sent.
_CHARS_PER_TOKEN = 4


@dataclass
class _Sent:
    """One batch this folder submitted."""

    file_id: str
    keys: list[str]
    batch_id: str | None = None
    status: str = "uploaded"
    ended: bool = False


@dataclass
class _State:
    """``OUT/.batch-api/batches.json``: the batches submitted and each key's tries."""

    path: Path
    sent: list[_Sent] = field(default_factory=list)
    tries: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> _State:
        try:
            # A plain file of a sane size only: /dev/zero or a FIFO would never end.
            if not plain_file(path, _MAX_STATE_BYTES):
                raise ValueError("not a plain file of a sane size")
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, [_Sent(**s) for s in data["sent"]], dict(data["tries"]))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RecordingError(
                f"{path} is unreadable ({type(exc).__name__}): it names the batches in flight",
                hint="restore it, or give a new --out folder (batches in flight are paid for)",
            ) from None

    def save(self) -> None:
        data = {"sent": [vars(s) for s in self.sent], "tries": self.tries}
        write_atomic(self.path, json.dumps(data, indent=1) + "\n", durable=True)


Waiting = Callable[[str], None]


# A result row's bytes around its answer: ids, status, the error object.
_ROW_ENVELOPE = 64 * 1024


def _bounded_lines(lines: BinaryIO, limit: int) -> Iterator[bytes]:
    """The lines of ``lines``, each read at most ``limit`` bytes at a time: a longer line is
    passed over (as ``b""``) without ever being held whole."""
    while line := lines.readline(limit):
        if len(line) == limit and not line.endswith(b"\n"):
            while (rest := lines.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield b""
            continue
        yield line


def _key_of(custom_id: object) -> str | None:
    """The request key in a result row's ``custom_id`` (``<article>-<key>``, as
    :meth:`Book.enqueue` makes it), or None for an id this tool never issues."""
    if not isinstance(custom_id, str):
        return None
    article, _, key = custom_id.partition("-")
    return key if len(article) == 16 and batches.is_key(key) else None


def _answer(row: dict[str, Any]) -> dict[str, Any] | None:
    """The response body of a result row that answered, else None."""
    response = row.get("response")
    if not isinstance(response, dict) or response.get("status_code") != 200:
        return None
    body = response.get("body")
    return body if isinstance(body, dict) else None


def _reason(row: dict[str, Any]) -> str:
    """Why a result row gave no answer, in the server's words where it has them."""
    response = row.get("response")
    response = response if isinstance(response, dict) else {}
    body = response.get("body")
    error = row.get("error") or (body.get("error") if isinstance(body, dict) else None)
    message = error.get("message") if isinstance(error, dict) else None
    if isinstance(message, str) and message:
        return message[:300]
    code = response.get("status_code")
    return f"HTTP {code}" if isinstance(code, int) else "no answer in the batch's result"


def run(
    inputs: Iterable[str],
    out_dir: Path,
    options: config.Options,
    *,
    poll_seconds: float = 30.0,
    max_wait: float = MAX_WAIT,
    max_cost: float | None = None,
    summarize: Summarize | None = None,
    on_update: Callable[[Outcome, Totals], None] | None = None,
    on_wait: Waiting | None = None,
) -> list[Outcome]:
    """Summarise every article in ``inputs`` into ``out_dir`` through the Batch API of the
    server ``options`` name; see the module docstring. ``on_wait`` is told, a line at a
    time, what the batches in flight are doing. Raises
    :class:`~summarizer.errors.CostLimitError` before a batch whose estimate would take the
    spending past ``max_cost``, and :class:`~summarizer.errors.ModelUnavailableError` once
    the batches have been waited on for ``max_wait`` seconds (the same call waits on)."""
    if options.replay is not None or options.embedded or options.base_url is None:
        raise ConfigError(
            "--via batch-api needs a server that offers the Batch API",
            hint="give --base-url and OPENAI_API_KEY (the OpenAI API, or a LiteLLM proxy)",
        )
    if options.record is not None:
        raise ConfigError(
            "--record does not apply to --via batch-api",
            hint="drop --record: the Batch API's answers are kept in OUT/.batch-api/",
        )
    if not MIN_POLL <= poll_seconds <= 86_400:
        raise ConfigError(
            f"--poll must be {MIN_POLL:g} to 86400 seconds, got {poll_seconds:g}",
            hint="give how often to look at a batch in flight",
        )
    if not 0 < max_wait < math.inf:  # NaN fails too
        raise ConfigError(
            f"--max-wait must be a positive number of seconds, got {max_wait:g}",
            hint="give how long to wait for the batches before stopping",
        )
    config.check_max_cost(max_cost)
    if summarize is None:
        from summarizer.run.pipeline import summarize as default

        summarize = default
    paths = expand(inputs)
    api = BatchAPI(
        options.base_url, options.api_key, timeout=options.timeout, attempts=options.max_attempts
    )
    try:
        with _locked(out_dir):
            rounds = _Rounds(out_dir, options, api, summarize, on_update, on_wait)
            return rounds.run(paths, poll_seconds, max_cost, max_wait)
    finally:
        api.close()


class _Rounds:
    def __init__(
        self,
        out_dir: Path,
        options: config.Options,
        api: BatchAPI,
        call: Summarize,
        on_update: Callable[[Outcome, Totals], None] | None,
        on_wait: Waiting | None,
    ) -> None:
        self.out = out_dir
        self.book = Book(out_dir / ".batch-api").make()
        self.state = _State.load(self.book.root / "batches.json")
        self.options = replace(options, answers=self.book.root, cache=None, record=None)
        self.api = api
        self.call = call
        self.ledger = _Ledger(_Index(out_dir / "index.jsonl"), on_update)
        self.tell = on_wait or (lambda line: None)
        # What the batches this run sent could cost, at their estimates: a batch is paid
        # for when it is sent, long before its articles are finished and billed.
        self.committed = 0.0
        self.deadline = math.inf  # when waiting for the batches stops

    def run(
        self, paths: list[Path], poll: float, max_cost: float | None, max_wait: float
    ) -> list[Outcome]:
        self.deadline = time.monotonic() + max_wait
        names = output_names(paths)
        todo = left_to_do(paths, names, self.out, self.ledger)
        for _ in range(MAX_ROUNDS):
            self._settle(poll)  # a rerun first waits for what an earlier one sent
            todo, queued = self._pass(todo, names)
            if not todo:
                return self.ledger.outcomes
            self._submit(queued, max_cost)
        for path in todo:
            error = AnswerDeferred(f"still asking after {MAX_ROUNDS} rounds of batches")
            self.ledger.add(_failed(names[path], path, time.monotonic(), error))
        return self.ledger.outcomes

    def _pass(self, todo: list[Path], names: dict[Path, str]) -> tuple[list[Path], list[Queued]]:
        """Run each article as far as the answers go; the ones still asking, and the
        requests queued for them (each once)."""
        results: list[tuple[Path, str, float, Any]] = []
        for path in todo:
            started = time.monotonic()
            try:
                art = articles.load(path)
            except SummarizerError as exc:
                self.ledger.add(_failed(names[path], path, started, exc))
                continue
            try:
                result: Any = self.call(art, self.options)
            except AnswerDeferred:
                result = None
            except RecordingError:
                raise  # the answer book is damaged: no article can be trusted to it
            except Exception as exc:  # an article's fault ends in its index line
                result = exc
            results.append((path, art.sha256, started, result))
        # Only this run's articles' requests: a queue left by another run into the same
        # folder (interrupted, its batches.json removed) is not this run's to send and pay.
        mine = {sha for _, sha, _, _ in results}
        queued = [(q, sha) for q, sha in self.book.queued() if sha in mine]
        asking = {sha for _, sha in queued}
        left = []
        for path, sha, started, result in results:
            name = names[path]
            if sha in asking or result is None:
                left.append(path)
            elif isinstance(result, BaseException):
                self.ledger.add(_failed(name, path, started, result))
            else:
                try:
                    text = result.model_dump_json(indent=2) + "\n"
                    write_atomic(self.out / f"{name}.json", text, durable=True)
                except SummarizerError as exc:
                    self.ledger.add(_failed(name, path, started, exc))
                    continue
                usage = result.metadata.usage
                self.ledger.add(_outcome(name, path, "ok", started, usage))
        return left, list({q.key: q for q, _ in queued}.values())

    def _submit(self, queued: list[Queued], max_cost: float | None) -> None:
        """Send ``queued``, in files within the API's limits."""
        estimate = self._estimate(queued)
        if max_cost is not None:
            self._within(len(queued), estimate, max_cost)
        self.committed += estimate or 0.0
        for number, part in enumerate(batches.split(queued)):
            data = b"".join(q.line() for q in part)
            file_id = self.api.upload(f"summarizer-{len(self.state.sent) + number}.jsonl", data)
            sent = _Sent(file_id, [q.key for q in part])
            self.state.sent.append(sent)
            self.state.save()  # before the batch exists: a crash here finds it again
            self._create(sent)
            self.tell(f"submitted batch {sent.batch_id}: {len(part)} requests")

    def _create(self, sent: _Sent) -> None:
        found = self.api.find(sent.file_id) or self.api.create(sent.file_id)
        sent.batch_id, sent.status = str(found["id"]), str(found.get("status", ""))
        for key in sent.keys:
            self.state.tries[key] = self.state.tries.get(key, 0) + 1
        self.state.save()

    def _estimate(self, queued: list[Queued]) -> float | None:
        """What sending ``queued`` could cost at the Batch API's price: each answer at its
        token limit; None for a model with no known price."""
        prompt = sum(len(json.dumps(q.body.get("messages", ""))) for q in queued)
        completion = sum(int(q.body.get("max_tokens") or 0) for q in queued)
        model = self.options.model or config.DEFAULT_REMOTE_MODEL  # as the live path asks
        table = prices.or_default(self.options.prices)
        tokens = prompt // _CHARS_PER_TOKEN
        return prices.cost(table, model, tokens, completion, local=False, batch=True)

    def _within(self, count: int, usd: float | None, max_cost: float) -> None:
        """Refuse to send a batch whose estimate ``usd`` would take the spending past
        ``max_cost``: what this run's batches were sent at (their estimates), or what its
        finished articles were billed where that is more."""
        spent = max(self.committed, self.ledger.totals.cost_usd)
        if usd is None or spent + usd > max_cost:
            raise CostLimitError(
                f"the next batch ({count} requests) could cost "
                f"{'an unknown amount' if usd is None else f'${usd:.4f}'} at the Batch API's "
                f"price, past --max-cost ${max_cost:g} (${spent:.4f} sent or spent)",
                hint="raise --max-cost and run the same command: answers kept are not paid again",
            )

    def _settle(self, poll: float) -> None:
        """Wait for every batch in flight to end, and file its answers."""
        for sent in self.state.sent:
            if sent.ended:
                continue
            if sent.batch_id is None:
                self._create(sent)
            assert sent.batch_id is not None
            batch = self.api.retrieve(sent.batch_id)
            while str(batch.get("status")) not in ENDED:
                counts = batch.get("request_counts")
                counts = counts if isinstance(counts, dict) else {}
                self.tell(
                    f"batch {sent.batch_id} {batch.get('status')}: "
                    f"{counts.get('completed', 0)} of {counts.get('total', len(sent.keys))} done"
                )
                if time.monotonic() + poll > self.deadline:
                    raise ModelUnavailableError(
                        f"batch {sent.batch_id} is still {batch.get('status')} at the end of "
                        "--max-wait",
                        hint="run the same command to wait on: nothing is sent or paid again",
                    )
                time.sleep(poll)
                batch = self.api.retrieve(sent.batch_id)
            self._file(sent, batch)

    def _file(self, sent: _Sent, batch: dict[str, Any]) -> None:
        """Keep what an ended batch answered; a key it did not is asked once more, then
        failed with the reason. Only the requests this batch was sent are read, each once:
        a row for another id, or a second row for one, is the server's error (or a forgery)
        and is ignored and reported, never taken as an answer or a file name."""
        status = str(batch.get("status"))
        mine = set(sent.keys)
        answers: dict[str, list[dict[str, Any]]] = {}
        strangers = 0
        for which in ("output_file_id", "error_file_id"):
            file_id = batch.get(which)
            if not file_id:
                continue
            for row in self._rows(str(file_id)):
                key = _key_of(row.get("custom_id"))
                if key in mine:
                    answers.setdefault(key, []).append(row)
                else:
                    strangers += 1
        reasons: dict[str, str] = {}
        for key, rows in answers.items():
            if len(rows) > 1:
                reasons[key] = f"the batch answered it {len(rows)} times"
            elif (body := _answer(rows[0])) is None:
                reasons[key] = _reason(rows[0])
            elif len(json.dumps(body)) > MAX_RESPONSE_BYTES:  # as a live answer is refused
                reasons[key] = f"its answer is over the {MAX_RESPONSE_BYTES:,}-byte cap"
            else:
                self.book.answered(key, body)
        doubled = sum(1 for rows in answers.values() if len(rows) > 1)
        if strangers or doubled:
            self.tell(
                f"batch {sent.batch_id}: ignored {strangers} rows for requests it was not sent "
                f"and {doubled} requests answered more than once"
            )
        for key in sent.keys:
            if self.book.answer(key) is not None:
                continue
            reason = reasons.get(key) or f"the batch {status} before answering it"
            if self.state.tries.get(key, 0) >= TRIES:
                self.book.failed(key, f"{reason} (asked {TRIES} times)")
        sent.status, sent.ended = status, True
        self.state.save()

    def _rows(self, file_id: str) -> Iterable[dict[str, Any]]:
        # A name of our own: the server's file id is data, never part of a path.
        fd, name = tempfile.mkstemp(dir=self.book.root, prefix=".download-", suffix=".jsonl")
        os.close(fd)
        to = Path(name)
        try:
            self.api.download(file_id, to)
            with to.open("rb") as lines:
                for line in _bounded_lines(lines, MAX_RESPONSE_BYTES + _ROW_ENVELOPE):
                    try:
                        row = json.loads(line)
                    except ValueError:
                        continue  # a torn or oversized line answers nothing: asked again
                    if isinstance(row, dict):
                        yield row
        finally:
            to.unlink(missing_ok=True)
