"""Record and replay model interactions at the HTTP transport, keyed by the canonical request.

A recording is one readable JSON file, ``<key>.json``, where ``key`` is the SHA-256 of the
canonical request actually sent: endpoint, model, rendered messages, response format and
sampling parameters; never keys, URLs, headers or timeouts. Volatile text that instructor puts
into re-ask messages (the pydantic docs URL, which carries its version) is removed first.

Its ``meta.response_sha256`` is the digest of the key, the whole stored response (status and
body; response headers are not stored) and the rest of ``meta`` (the article, strategy and
model it was recorded for): a file whose key, name, status, body or meta was changed by hand
is refused. Earlier formats left the meta out of the digest (format 2) or digested the body
alone (format 1), so an edited meta would pass: they are refused too, with the command that
records them again.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx2

from summarizer.errors import RecordingError, ReplayMissError, SummarizerError
from summarizer.files import write_atomic
from summarizer.llm.transport import CACHE_HEADER

FORMAT = 3
# The largest recording read: far above any answer (the brief's own limits), far below what
# would exhaust memory.
MAX_BYTES = 16 * 1024 * 1024
_VOLATILE = re.compile(r"\s*For further information visit https://errors\.pydantic\.dev/\S+")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _VOLATILE.sub("", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


def canonical(request: httpx2.Request) -> dict[str, Any]:
    """The parts of a request that decide the answer, in a stable form."""
    endpoint = "/".join(request.url.path.strip("/").split("/")[-2:])
    body = json.loads(request.content or b"null")
    return {"method": request.method, "endpoint": endpoint, "body": _scrub(body)}


def key_of(canon: dict[str, Any]) -> str:
    """SHA-256 of the canonical request's sorted, compact JSON."""
    text = json.dumps(canon, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for name in ("summarizer", "openai", "instructor", "pydantic", "httpx2"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _digest(key: str, response: dict[str, Any], meta: dict[str, Any]) -> str:
    """The digest of a recording's key, response and meta (without the digest itself)."""
    covered = {
        "key": key,
        "response": response,
        "meta": {k: v for k, v in meta.items() if k != "response_sha256"},
    }
    text = json.dumps(covered, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _broken(path: Path, what: str) -> RecordingError:
    return RecordingError(
        f"recording {path} {what}",
        hint="recordings must not be edited by hand; delete it and record again",
    )


@dataclass(frozen=True)
class Recording:
    """One stored interaction."""

    path: Path
    key: str
    request: dict[str, Any]
    response: dict[str, Any]
    meta: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Recording:
        """Read and integrity-check a recording file; any fault is a
        :class:`~summarizer.errors.RecordingError` naming the file. Only a plain file of at
        most :data:`MAX_BYTES` is read: a FIFO would hang the read, ``/dev/zero`` fill memory."""
        try:
            st = path.lstat()
        except OSError as exc:
            raise RecordingError(
                f"recording {path} is unreadable ({exc.strerror or type(exc).__name__})",
                hint="delete it and record again with --record",
            ) from None
        if not stat.S_ISREG(st.st_mode):
            raise _broken(path, "is not a plain file (a link, a FIFO or a device)")
        if st.st_size > MAX_BYTES:
            raise _broken(path, f"is {st.st_size:,} bytes, more than a recording holds")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            request, response, meta = data["request"], data["response"], data["meta"]
            fmt, status, digest = data["format"], response["status"], meta["response_sha256"]
            response["body"]  # noqa: B018 - must be there
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RecordingError(
                f"recording {path} is unreadable or incomplete ({type(exc).__name__})",
                hint="delete it and record again with --record",
            ) from None
        if not isinstance(status, int) or not isinstance(request, dict):
            raise _broken(path, "has a malformed request or status")
        key = key_of(request)
        if key != path.stem or data.get("key") != path.stem:
            raise _broken(path, f"does not match its name (its request hashes to {key[:12]})")
        if fmt in (1, 2):
            raise RecordingError(
                f"recording {path} is of format {fmt}, whose digest left its meta out",
                hint="delete it and record again with --record",
            )
        if fmt != FORMAT or not isinstance(meta, dict) or digest != _digest(key, response, meta):
            raise _broken(path, "was changed after it was recorded (response digest)")
        return cls(path, key, request, response, meta)


# The response cache holds whole articles and answers: readable by its owner alone.
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


class RecordTransport(httpx2.BaseTransport):
    """Pass requests to ``inner`` and store each successful exchange under ``directory``
    (``private``: a folder and files only their owner may read, as the response cache)."""

    def __init__(
        self,
        inner: httpx2.BaseTransport,
        directory: Path,
        *,
        context: dict[str, Any],
        secrets: tuple[str, ...] = (),
        private: bool = False,
    ) -> None:
        self._inner = inner
        self._dir = directory
        self._context = context
        self._secrets = tuple(s for s in secrets if s)
        self._mode = PRIVATE_FILE if private else None
        self.written: list[Path] = []  # what this transport stored, in order
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if private:
                directory.chmod(PRIVATE_DIR)
            # The folder must take a file now: a read-only one would otherwise be found
            # only when the first answer, already paid for, is stored.
            with tempfile.NamedTemporaryFile(dir=directory, prefix=".probe-"):
                pass
        except OSError as exc:
            raise RecordingError(
                f"cannot use {directory} for recordings: {exc.strerror or type(exc).__name__}",
                hint="give a folder you can write to",
            ) from None

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self.exchange(request, strict=True)

    def exchange(self, request: httpx2.Request, *, strict: bool) -> httpx2.Response:
        """Send ``request`` and store the exchange; when it cannot be stored, raise
        (``strict``) or return the answer unstored."""
        canon = canonical(request)
        response = self._inner.handle_request(request)
        raw = response.read()
        if response.status_code != 200:
            return response  # failures are reported, never recorded
        try:
            body = json.loads(raw)
        except ValueError:
            return response
        key = key_of(canon)
        stored = {"status": response.status_code, "body": body}
        meta: dict[str, Any] = {
            **self._context,
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model_returned": body.get("model") if isinstance(body, dict) else None,
            "versions": _versions(),
        }
        meta["response_sha256"] = _digest(key, stored, meta)
        record = {"format": FORMAT, "key": key, "request": canon, "response": stored, "meta": meta}
        text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        # The credentials themselves (the API key, a password or key in the base URL), not
        # words like "Bearer" that news prose uses; headers and URLs are never stored.
        try:
            if any(s in text or json.dumps(s)[1:-1] in text for s in self._secrets):
                raise RecordingError(
                    f"refusing to write recording {key[:12]}: it contains the API key",
                    hint="remove the key from the article or prompt and record again",
                )
            path = self._dir / f"{key}.json"
            if path.is_symlink():
                # Written through, the link would overwrite whatever file it names.
                raise RecordingError(
                    f"refusing to write recording {path}: it is a symbolic link",
                    hint="remove the link; recordings are plain files",
                )
            write_atomic(path, text, mode=self._mode)
            self.written.append(path)
        except SummarizerError:
            if strict:
                raise
        return httpx2.Response(
            response.status_code, headers=response.headers, content=raw, request=request
        )

    def close(self) -> None:
        self._inner.close()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and prefix.endswith("messages"):
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def difference(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Field-by-field difference of two canonical requests, one short phrase per field."""
    fa, fb = _flatten(a), _flatten(b)
    out = []
    for name in sorted(fa.keys() | fb.keys()):
        va, vb = fa.get(name), fb.get(name)
        if va == vb:
            continue
        if isinstance(va, str) and isinstance(vb, str) and len(va) + len(vb) > 80:
            ratio = difflib.SequenceMatcher(None, va, vb, autojunk=False).ratio()
            out.append(f"{name} ({ratio:.0%} alike)")
        else:
            out.append(f"{name} ({_short(vb)} -> {_short(va)})")
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "absent"
    return text if len(text) <= 40 else text[:37] + "..."


class ReplayTransport(httpx2.BaseTransport):
    """Answer every request from ``directory``; never touches the network."""

    def __init__(self, directory: Path, *, rerecord_hint: str, used: set[str] | None = None):
        if not directory.is_dir():
            what = "is not a folder" if directory.exists() else "does not exist"
            raise RecordingError(
                f"replay directory {directory} {what}",
                hint="record first with --record DIR, or fix the path",
            )
        self._dir = directory
        self._hint = rerecord_hint
        self.used: set[str] = used if used is not None else set()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        canon = canonical(request)
        key = key_of(canon)
        path = self._dir / f"{key}.json"
        if not path.exists():
            raise self._miss(key, path, canon)
        rec = Recording.load(path)
        self.used.add(key)
        return httpx2.Response(rec.response["status"], json=rec.response["body"], request=request)

    def _miss(self, key: str, path: Path, canon: dict[str, Any]) -> ReplayMissError:
        wanted = _flatten(canon)
        nearest: tuple[int, Recording] | None = None
        for other in sorted(self._dir.glob("*.json")):
            # A malformed one (edited, renamed, incomplete) may be this request's: say so.
            rec = Recording.load(other)
            # Count differing fields cheaply; describe only the nearest (difflib is slow).
            theirs = _flatten(rec.request)
            count = sum(wanted.get(k) != theirs.get(k) for k in wanted.keys() | theirs.keys())
            if nearest is None or count < nearest[0]:
                nearest = (count, rec)
        where = "; the directory has no recordings"
        if nearest is not None:
            diff = difference(canon, nearest[1].request)
            where = f"; nearest recording {nearest[1].path.name} differs in {', '.join(diff[:4])}"
        return ReplayMissError(
            f"no recording for request {key[:12]} (expected {path}){where}",
            hint=f"re-record with: {self._hint}",
        )

    def close(self) -> None:
        return None


class CacheTransport(httpx2.BaseTransport):
    """A content-addressed response cache: recordings looked up first, made on a miss.

    It shares the recordings' key and format, so an unchanged article, prompt and model
    costs no second call, and a cache entry can be inspected like any recording. Entries
    live in a folder per ``scope`` (the server and a hash of the key, see
    :func:`cache_scope`): one server's answer is never served for another. An answer that
    cannot be stored is still returned: it has been paid for.
    """

    def __init__(
        self,
        inner: httpx2.BaseTransport,
        directory: Path,
        *,
        scope: str,
        context: dict[str, Any],
        secrets: tuple[str, ...] = (),
    ) -> None:
        self._dir = directory / scope
        self._inner = inner
        self._record: RecordTransport | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            directory.chmod(PRIVATE_DIR)
            self._record = RecordTransport(
                inner, self._dir, context=context, secrets=secrets, private=True
            )
        except (OSError, RecordingError):
            return  # no usable cache folder (HOME a file, a read-only disk): ask, store nothing

    def forget(self) -> None:
        """Remove what this transport stored: answers that then failed validation must not
        be served again (the rerun would fail the same way, and never ask)."""
        if self._record is not None:
            for path in self._record.written:
                path.unlink(missing_ok=True)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._record is None:
            return self._inner.handle_request(request)
        path = self._dir / f"{key_of(canonical(request))}.json"
        if path.is_file() and not path.is_symlink():
            try:
                rec = Recording.load(path)
            except RecordingError:
                path.unlink(missing_ok=True)  # a damaged entry is only a cache miss
            else:
                return httpx2.Response(
                    rec.response["status"],
                    json=rec.response["body"],
                    headers={CACHE_HEADER: "hit"},
                    request=request,
                )
        return self._record.exchange(request, strict=False)

    def close(self) -> None:
        (self._record or self._inner).close()


def cache_scope(base_url: str, api_key: str | None) -> str:
    """The cache folder of one server and key: a hash of the URL and of the key (the key
    itself is never written, nor the URL, which may carry credentials)."""
    key_hash = hashlib.sha256((api_key or "").encode()).hexdigest()
    return hashlib.sha256(f"{base_url}\0{key_hash}".encode()).hexdigest()[:16]


def cached_responses(directory: Path) -> list[Path]:
    """The response cache's entries under ``directory``: plain files only (a dangling link
    or a folder named ``x.json`` is no entry, and is left alone)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*.json") if stat.S_ISREG(p.lstat().st_mode))


def recordings(directory: Path) -> list[Recording]:
    """Every recording in ``directory``, integrity-checked, in file-name order."""
    return [Recording.load(p) for p in sorted(directory.glob("*.json"))]
