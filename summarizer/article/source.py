"""Reading an article: files, stdin and URLs; decoding, size limits, HTML extraction."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import stat
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.config import redact
from summarizer.errors import ConfigError, InputError

if TYPE_CHECKING:
    pass

from summarizer.article.text import Article, from_text

# Articles are news stories; anything larger is almost certainly not one (a dump, a log, a
# book) and would not fit a small model's context anyway.
MAX_BYTES = 1_000_000
# A saved web page carries scripts, styles and furniture around the article.
MAX_PAGE_BYTES = 5_000_000
HTML_SUFFIXES = (".html", ".htm")
# What a folder given to a batch is searched for; a named file may also have no suffix.
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", *HTML_SUFFIXES)
SUPPORTED_SUFFIXES = (*ARTICLE_SUFFIXES, "")
FETCH_TIMEOUT = 20.0
# The whole download, however slowly a server trickles it.
FETCH_DEADLINE = 60.0
MAX_REDIRECTS = 5
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_TAG = re.compile(rb"<[a-zA-Z/][^>]{0,200}>")


def _looks_like_html(data: bytes) -> bool:
    # A saved web page, or text so full of markup (several tags, over one per 20 words) that
    # the model would read tags, not prose.
    if _HTML_START.match(data[:1000]):
        return True
    tags = len(_TAG.findall(data))
    return tags >= 5 and tags * 20 > len(data.split())


def _too_large(size: int, source: str) -> InputError:
    return InputError(
        f"{source} is {size:,} bytes; the limit is {MAX_BYTES:,}",
        hint="pass only the article's text, not a whole site or archive",
    )


def decode(data: bytes, source: str) -> str:
    """Decode article bytes, refusing binary data and unknown encodings with a clear message."""
    if not data.strip():
        raise InputError(f"{source} is empty", hint="give a file that contains the article text")
    if len(data) > MAX_BYTES:
        raise _too_large(len(data), source)
    # UTF-32's byte-order marks first: little-endian UTF-32 begins as UTF-16's does.
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _decoded(data, "utf-32", source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decoded(data, "utf-16", source)
    if b"\x00" in data:
        raise InputError(
            f"{source} looks binary (it contains NUL bytes)",
            hint="give a plain-text (.txt or .md) article",
        )
    if _looks_like_html(data):
        raise InputError(
            f"{source} is HTML markup, not article text",
            hint="copy the article's text into a .txt file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not valid UTF-8 (bad byte at offset {exc.start})",
            hint=f"convert it first, e.g. iconv -f cp1252 -t utf-8 {source} > article.txt",
        ) from None


def _decoded(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not valid {encoding.upper()} (bad bytes at offset {exc.start})",
            hint=f"convert it first, e.g. iconv -f {encoding} -t utf-8 {source} > article.txt",
        ) from None


def from_html(data: bytes, source: str, url: str | None = None) -> Article:
    """Extract the article body and its metadata from a web page (trafilatura)."""
    import trafilatura

    if not data.strip():
        raise InputError(f"{source} is empty", hint="give a saved web page")
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(
            f"{source} is {len(data):,} bytes; the limit for a page is {MAX_PAGE_BYTES:,}",
            hint="save only the article's page",
        )
    try:
        doc = trafilatura.bare_extraction(
            data, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except ImportError as exc:  # an HTML cleaner jusText or lxml loads on first use
        raise ConfigError(
            f"reading HTML needs the module {exc.name or 'lxml_html_clean'}, "
            "which is not installed",
            hint="reinstall summarizer (pip install -e .) to get its dependencies",
        ) from None
    found: dict[str, Any] = {}
    if doc is not None:
        found = doc.as_dict() if hasattr(doc, "as_dict") else doc
    text = found.get("text") or ""
    if len(text.split()) < 20:
        raise InputError(
            f"no article text found in {source}",
            hint="the page may need a browser to render it; save the article's text as .txt",
        )
    return from_text(
        text,
        source,
        title=found.get("title"),
        byline=found.get("author"),
        publisher=found.get("sitename") or found.get("hostname"),
        published=found.get("date"),
        url=url or found.get("url"),
    )


def _refuse_private(url: str) -> None:
    """Refuse an address on this machine or its private network: a brief (and the model)
    must never see what only the tool's host can reach. Checked on the resolved addresses."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"{redact(url)} is not an http(s) URL", hint="give an http:// or https:// URL"
        )
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise InputError(
            f"cannot resolve {parts.hostname}", hint="check the address and the network"
        ) from None
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise InputError(
                f"{redact(url)} resolves to {address}, a loopback, private or reserved address",
                hint="pass --allow-private-urls to fetch from this machine or its network",
            )


def fetch(url: str, *, allow_private: bool = False) -> Article:
    """Download ``url`` and extract its article: timeouts per read and a deadline for the
    whole download, a size cap, redirects followed by hand (at most :data:`MAX_REDIRECTS`),
    each one's address checked. Unless ``allow_private``, addresses on loopback, private,
    link-local or reserved networks are refused. The article records the final URL."""
    import threading

    import httpx2

    deadline = time.monotonic() + FETCH_DEADLINE
    where = [url]  # the address reached so far, for the messages
    done: dict[str, Any] = {}
    client = httpx2.Client(timeout=FETCH_TIMEOUT, follow_redirects=False)

    def download() -> None:
        try:
            done["got"] = _get(client, where, allow_private, deadline)
        except BaseException as exc:  # handed to the caller below
            done["error"] = exc

    # A server that sends its headers a byte at a time never trips a read timeout, so the
    # deadline is kept here: past it, closing the client ends the download's next read.
    worker = threading.Thread(target=download, name="fetch", daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), 0.0) + 1.0)
    client.close()
    if worker.is_alive():
        raise _too_slow(where[0])
    if "error" in done:
        exc = done["error"]
        if not isinstance(exc, httpx2.TransportError):
            raise exc
        if time.monotonic() >= deadline:  # a hop cut short by the time left
            raise _too_slow(where[0]) from None
        raise InputError(
            f"cannot fetch {redact(where[0])} ({type(exc).__name__})",
            hint="check the address and the network, or save the page and pass the file",
        ) from None
    body, kind = done["got"]
    # What the brief records: the final address without a password or a token in it.
    shown = redact(where[0])
    if "html" in kind or not kind:
        return from_html(body, shown, url=shown)
    return from_text(decode(body, shown), shown, url=shown)


def _get(client: Any, where: list[str], allow_private: bool, deadline: float) -> tuple[bytes, str]:
    """The body and content type at ``where[0]``, following its redirects by hand (each
    address checked, each hop given only the time left); ``where[0]`` ends as the final
    address."""
    import httpx2

    headers = {"User-Agent": "summarizer (article brief)"}
    for _ in range(MAX_REDIRECTS + 1):
        url = where[0]
        if not allow_private:
            _refuse_private(url)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _too_slow(url)
        hop = httpx2.Timeout(min(FETCH_TIMEOUT, left))
        with client.stream("GET", url, headers=headers, timeout=hop) as response:
            if response.is_redirect and "location" in response.headers:
                where[0] = str(response.url.join(response.headers["location"]))
                continue
            return _download(response, url, deadline)
    raise InputError(
        f"{redact(where[0])} redirects more than {MAX_REDIRECTS} times",
        hint="save the page and pass the file",
    )


def _too_slow(url: str) -> InputError:
    return InputError(
        f"{redact(url)} took longer than {FETCH_DEADLINE:g}s to download",
        hint="save the page and pass the file",
    )


def _download(response: Any, url: str, deadline: float) -> tuple[bytes, str]:
    if response.status_code >= 400:
        raise InputError(
            f"{redact(url)} answered HTTP {response.status_code}",
            hint="check the address, or save the page and pass the file",
        )
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_PAGE_BYTES:
            raise InputError(
                f"{redact(url)} is larger than {MAX_PAGE_BYTES:,} bytes",
                hint="save only the article's page and pass the file",
            )
        if time.monotonic() > deadline:
            raise _too_slow(url)
    return body, str(response.headers.get("content-type", ""))


def load(path: str | Path, *, allow_private_urls: bool = False) -> Article:
    """Read an article from a ``.txt``/``.md``/``.html`` file, an ``http(s)://`` URL, or
    standard input when ``path`` is '-'. Only regular files are read (a FIFO or a device
    would block or never end); see :func:`fetch` for ``allow_private_urls``."""
    if str(path).startswith(("http://", "https://")):
        return fetch(str(path), allow_private=allow_private_urls)
    if str(path) == "-":
        # Read one byte past the limit: enough to refuse an oversized input without
        # holding all of it.
        return from_text(decode(sys.stdin.buffer.read(MAX_BYTES + 1), "standard input"), "-")
    p = Path(path)
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{p} has an unsupported type {p.suffix!r}",
            hint="give a .txt, .md or .html file, a URL, or '-' to read standard input",
        )
    try:
        limit = MAX_PAGE_BYTES if p.suffix.lower() in HTML_SUFFIXES else MAX_BYTES
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):
            raise InputError(
                f"{p} is not a regular file (a pipe, socket or device)",
                hint="save the article to a file, or pipe it to '-'",
            )
        if st.st_size > limit:  # refuse before reading it into memory
            raise _too_large(st.st_size, str(p))
        # O_NONBLOCK: should the path turn into a FIFO after the check, opening it must
        # not wait for a writer.
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise _too_large(len(data), str(p))
    except FileNotFoundError:
        raise InputError(f"{p} does not exist", hint="check the path") from None
    except IsADirectoryError:
        raise InputError(f"{p} is a directory", hint="give one article file") from None
    except OSError as exc:
        raise InputError(f"{p} cannot be read: {exc.strerror}") from None
    if p.suffix.lower() in HTML_SUFFIXES:
        return from_html(data, str(p))
    return from_text(
        decode(data, str(p)), str(p), markdown=p.suffix.lower() in (".md", ".markdown")
    )
