"""The OpenAI Batch API: its files and batches endpoints, and the answer book that lets the
unchanged pipeline run over it in rounds.

A strategy asks its questions one call at a time, and a later call may need an earlier
answer (scored: the parties, then a question per sentence). Over the Batch API each call
is looked up in the *answer book* (a folder) by the key a recording would have
(:func:`recording.key_of`); a request with no answer yet is *queued* there for the next
batch. An open request (one whose answer the strategy reads on) stops its article for this
round (:class:`~summarizer.errors.AnswerDeferred`); a closed question (one token and its
log-probabilities, whose answer no later request depends on) gets a neutral placeholder so
that the article's other questions are queued in the same round, and the article's result
is thrown away. The next round, with the answers in the book, gets further.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2

from summarizer import config
from summarizer.errors import AnswerDeferred, ModelUnavailableError, RecordingError
from summarizer.files import plain_file, write_atomic
from summarizer.llm.recording import PRIVATE_DIR, PRIVATE_FILE, canonical, key_of
from summarizer.llm.transport import RetryTransport

# The Batch API's limits for one input file (OpenAI's: 50,000 requests, 200 MB).
MAX_REQUESTS = 50_000
MAX_FILE_BYTES = 200 * 1024 * 1024
# The endpoint every request of a batch goes to, and the window it is given.
ENDPOINT = "/v1/chat/completions"
WINDOW = "24h"
# Statuses after which a batch changes no more.
ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
# The largest output or error file read: far above 50,000 answers of a brief's size.
MAX_OUTPUT_BYTES = 2 * 1024 * 1024 * 1024
# Pages of 100 batches searched for one already made of a file: 10,000 batches.
_MAX_PAGES = 100
# The largest answer or queue entry read back from the book.
_MAX_ENTRY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Queued:
    """A request waiting for a batch: its key, the id it goes by there, and its body."""

    key: str
    custom_id: str
    body: dict[str, Any]

    def line(self) -> bytes:
        """Its line of a batch input file."""
        row = {"custom_id": self.custom_id, "method": "POST", "url": ENDPOINT, "body": self.body}
        return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def is_key(text: str) -> bool:
    """Whether ``text`` is a request key as :func:`~summarizer.llm.recording.key_of` makes
    them: 64 lower-case hex digits."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


class Book:
    """The answer book of one batch folder: ``answers/`` (what a batch answered),
    ``failed/`` (what it could not, with the reason) and ``queue/`` (what is still to be
    sent), each a file per request key. Private to its owner: it holds article text."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._answers, self._failed, self._queue = root / "answers", root / "failed", root / "queue"

    def make(self) -> Book:
        """Make the book's folders (once a run, not once a call)."""
        try:
            for folder in (self.root, self._answers, self._failed, self._queue):
                folder.mkdir(parents=True, exist_ok=True)
                folder.chmod(PRIVATE_DIR)
        except OSError as exc:
            raise RecordingError(
                f"cannot use {self.root} for the Batch API's answers: {exc.strerror}",
                hint="give a --out folder you can write to",
            ) from None
        return self

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            plain = plain_file(path, _MAX_ENTRY_BYTES, links=False)  # never through a link
        except FileNotFoundError:
            return None
        if not plain:
            raise RecordingError(
                f"{path} is not a plain file of at most {_MAX_ENTRY_BYTES:,} bytes",
                hint="remove it; the next run asks for that answer again",
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RecordingError(
                f"{path} is unreadable ({type(exc).__name__})",
                hint="remove it; the next run asks for that answer again",
            ) from None
        if not isinstance(data, dict):
            raise RecordingError(f"{path} is not an answer", hint="remove it and run again")
        return data

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        if path.is_symlink():
            raise RecordingError(f"refusing to write through the link {path}", hint="remove it")
        write_atomic(path, json.dumps(data, ensure_ascii=False) + "\n", mode=PRIVATE_FILE)

    @staticmethod
    def _entry(folder: Path, key: str) -> Path:
        """``folder``'s file for ``key``: a request key is a SHA-256 in hex, and nothing else
        (a name from a server or a tampered file) ever becomes a path."""
        if not is_key(key):
            raise RecordingError(
                f"{key[:80]!r} is not a request key", hint="remove the entry that names it"
            )
        return folder / f"{key}.json"

    @staticmethod
    def _field(path: Path, data: dict[str, Any], name: str, kind: type) -> Any:
        """``data[name]`` if it is a ``kind``; else the entry was tampered with or torn."""
        value = data.get(name)
        if not isinstance(value, kind):
            raise RecordingError(
                f"{path} is not an entry of the answer book (its {name!r} is missing or wrong)",
                hint="remove it; the next run asks for that answer again",
            )
        return value

    def answer(self, key: str) -> dict[str, Any] | None:
        """The response body a batch gave for ``key``, if any."""
        path = self._entry(self._answers, key)
        found = self._read(path)
        return None if found is None else dict(self._field(path, found, "body", dict))

    def failure(self, key: str) -> str | None:
        """Why the batches could not answer ``key``, if they could not."""
        path = self._entry(self._failed, key)
        found = self._read(path)
        return None if found is None else str(self._field(path, found, "reason", str))

    def answered(self, key: str, body: dict[str, Any]) -> None:
        """Keep ``body`` as the answer to ``key``; it is no longer queued."""
        self._write(self._entry(self._answers, key), {"key": key, "body": body})
        self._entry(self._queue, key).unlink(missing_ok=True)

    def failed(self, key: str, reason: str) -> None:
        """Give up on ``key`` with ``reason``; it is no longer queued."""
        self._write(self._entry(self._failed, key), {"key": key, "reason": reason})
        self._entry(self._queue, key).unlink(missing_ok=True)

    def enqueue(self, key: str, body: dict[str, Any], article_sha256: str) -> None:
        """Queue ``body`` (the request as it would be sent) for the next batch."""
        custom_id = f"{article_sha256[:16]}-{key}"
        entry = {"key": key, "custom_id": custom_id, "article_sha256": article_sha256}
        self._write(self._entry(self._queue, key), {**entry, "body": body})

    def queued(self) -> Iterator[tuple[Queued, str]]:
        """Every queued request, oldest key order, with the article it was asked for."""
        for path in sorted(self._queue.glob("*.json")):
            data = self._read(path)
            if data is None:
                continue
            key = self._field(path, data, "key", str)
            if path.name != f"{key}.json" or not is_key(key):
                raise RecordingError(
                    f"{path} names another request ({key[:80]!r})",
                    hint="remove it; the next run asks for that answer again",
                )
            custom_id = self._field(path, data, "custom_id", str)
            body = self._field(path, data, "body", dict)
            yield Queued(key, custom_id, body), self._field(path, data, "article_sha256", str)


def _closed(body: dict[str, Any]) -> bool:
    """A closed question: one token and its log-probabilities, read for themselves."""
    return bool(body.get("logprobs")) and body.get("max_tokens") == 1


def _placeholder(body: dict[str, Any]) -> dict[str, Any]:
    """A neutral answer to a closed question: every letter equally likely, nothing billed.
    Its article's result is thrown away; it only lets the article's other questions be
    queued in the same round."""
    letters = [{"token": t, "logprob": math.log(1 / 26), "bytes": None} for t in "ABCDEFGHIJ"]
    return {
        "id": "deferred",
        "object": "chat.completion",
        "created": 0,
        "model": str(body.get("model", "")),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "A"},
                "finish_reason": "length",
                "logprobs": {
                    "content": [
                        {
                            "token": "A",
                            "logprob": letters[0]["logprob"],
                            "bytes": None,
                            "top_logprobs": letters,
                        }
                    ]
                },
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


class DeferTransport(httpx2.BaseTransport):
    """Answer each request from ``book``; queue the ones it has no answer for (see the
    module docstring). ``article_sha256`` names the article the requests are asked for."""

    def __init__(self, book: Path, article_sha256: str) -> None:
        self._book = Book(book)
        self._article = article_sha256

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        key = key_of(canonical(request))
        body = self._book.answer(key)
        if body is not None:
            return httpx2.Response(200, json=body, request=request)
        reason = self._book.failure(key)
        if reason is not None:
            raise ModelUnavailableError(
                f"the Batch API gave no answer to request {key[:12]}: {reason}",
                hint="run the same command again to ask once more, or use --via live",
            )
        sent = json.loads(request.content or b"{}")
        self._book.enqueue(key, sent, self._article)
        if _closed(sent):
            return httpx2.Response(200, json=_placeholder(sent), request=request)
        raise AnswerDeferred(f"request {key[:12]} waits for the next batch")

    def close(self) -> None:
        return None


class BatchAPI:
    """The files and batches endpoints of an OpenAI-compatible server (the OpenAI API, a
    LiteLLM proxy, a test's loopback server): upload, create, retrieve, find, download.
    Transient failures are retried as every call's are; the rest are one-line errors."""

    def __init__(self, base_url: str, api_key: str | None, *, timeout: float, attempts: int):
        self._where = config.redact(base_url)
        self._base = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        retry = RetryTransport(
            httpx2.HTTPTransport(retries=0),
            max_attempts=attempts,
            max_seconds=timeout * attempts,
            timeout=timeout,
        )
        self._http = httpx2.Client(transport=retry, headers=headers, timeout=timeout)
        # Downloads are streamed to disk, past the size cap of a single answer.
        self._download = httpx2.Client(headers=headers, timeout=timeout)
        self._attempts = attempts

    def close(self) -> None:
        """Close the connections."""
        self._http.close()
        self._download.close()

    def _json(self, response: httpx2.Response, what: str) -> dict[str, Any]:
        if response.status_code >= 400:
            raise ModelUnavailableError(
                f"the Batch API at {self._where} answered HTTP {response.status_code} to {what}",
                hint="check --base-url, the API key, and that the server offers /v1/batches",
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ModelUnavailableError(
                f"the Batch API at {self._where} sent no JSON object for {what}",
                hint="check that --base-url points at an OpenAI-compatible server",
            )
        return data

    def _send(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, f"{self._base}{path}", **kwargs)
        except httpx2.TransportError:
            raise ModelUnavailableError(
                f"cannot reach the Batch API at {self._where} ({what})",
                hint="check --base-url / OPENAI_BASE_URL; re-run the same command to resume",
            ) from None
        return self._json(response, what)

    def upload(self, name: str, data: bytes) -> str:
        """Upload a batch input file; its id."""
        files = {"file": (name, data, "application/jsonl")}
        found = self._send("POST", "/files", "the upload", data={"purpose": "batch"}, files=files)
        return self._id(found, "the upload")

    def create(self, file_id: str) -> dict[str, Any]:
        """Start a batch of the requests in ``file_id``."""
        body = {"input_file_id": file_id, "endpoint": ENDPOINT, "completion_window": WINDOW}
        found = self._send("POST", "/batches", "creating a batch", json=body)
        self._id(found, "creating a batch")
        return found

    def _id(self, found: dict[str, Any], what: str) -> str:
        """The id the server gave in ``found``: a non-empty string, or the server's fault."""
        made = found.get("id")
        if not isinstance(made, str) or not made:
            raise ModelUnavailableError(
                f"the Batch API at {self._where} answered {what} without an id",
                hint="check that --base-url offers the Batch API; re-run the same command",
            )
        return made

    def retrieve(self, batch_id: str) -> dict[str, Any]:
        """The batch as it stands."""
        return self._send("GET", f"/batches/{quote(batch_id, safe='')}", f"batch {batch_id}")

    def find(self, file_id: str) -> dict[str, Any] | None:
        """The batch already made of ``file_id``, if one was (a run killed between creating
        it and noting its id must not pay for it twice)."""
        params: dict[str, Any] = {"limit": 100}
        for _ in range(_MAX_PAGES):  # newest first: the one sought is near the top
            listed = self._send("GET", "/batches", "listing batches", params=params)
            page = [b for b in listed.get("data") or [] if isinstance(b, dict)]
            for batch in page:
                if batch.get("input_file_id") == file_id:
                    return batch
            last = page[-1].get("id") if page else None
            if listed.get("has_more") is not True or not isinstance(last, str):
                return None
            params = {"limit": 100, "after": last}
        return None

    def download(self, file_id: str, to: Path) -> None:
        """Save the content of ``file_id`` (an output or error file) to ``to``; a 429, a 5xx
        or a dropped connection is tried again, up to the attempts every call has."""
        for attempt in range(1, self._attempts + 1):
            try:
                self._download_once(file_id, to)
                return
            except _Transient as exc:
                if attempt == self._attempts:
                    raise ModelUnavailableError(
                        f"cannot download {file_id} from the Batch API at {self._where} "
                        f"({exc}; {attempt} attempts)",
                        hint="re-run the same command to try again",
                    ) from None
                time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))

    def _download_once(self, file_id: str, to: Path) -> None:
        url = f"{self._base}/files/{quote(file_id, safe='')}/content"
        try:
            with self._download.stream("GET", url) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Transient(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise ModelUnavailableError(
                        f"the Batch API at {self._where} answered HTTP {response.status_code} "
                        f"to downloading {file_id}",
                        hint="re-run the same command to try again",
                    )
                size = 0
                with to.open("wb") as sink:
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > MAX_OUTPUT_BYTES:
                            raise ModelUnavailableError(
                                f"file {file_id} is larger than {MAX_OUTPUT_BYTES:,} bytes",
                                hint="split the corpus into smaller runs",
                            )
                        sink.write(chunk)
        except httpx2.TransportError as exc:
            raise _Transient(type(exc).__name__) from None


class _Transient(Exception):
    """A download failure worth another attempt."""


def split(requests: list[Queued]) -> list[list[Queued]]:
    """``requests`` in files within the Batch API's limits (count and bytes)."""
    files: list[list[Queued]] = [[]]
    size = 0
    for request in requests:
        length = len(request.line())
        if files[-1] and (len(files[-1]) >= MAX_REQUESTS or size + length > MAX_FILE_BYTES):
            files.append([])
            size = 0
        files[-1].append(request)
        size += length
    return [f for f in files if f]
