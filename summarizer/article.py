"""Article loading: bytes in, clean text and numbered sentences with exact offsets out."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import socket
import stat
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, InputError

if TYPE_CHECKING:
    import pysbd

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
# pysbd's time grows with the square of the text it is given: a longer line is cut, at
# sentence ends, into pieces of about this size before it sees them.
MAX_SEGMENT_CHARS = 5_000

# Icon-font ligature names that web pages render as icons and that copy-paste turns into text
# glued to the next word ("text_fieldsA high-level ..."). Only removed when glued to a capital
# or a quote at the start of a line, so ordinary prose is never touched.
_ICON_LIGATURES = (
    "text_fields|share|bookmark_border|bookmark|print|mail_outline|mail|email|comment|"
    "access_time|schedule|close|menu|search|chevron_right|arrow_forward|open_in_new|"
    "play_arrow|volume_up|content_copy|link"
)
_GLUED_ICON = re.compile(rf"^(?:{_ICON_LIGATURES})(?=[A-Z\"“‘'])", re.MULTILINE)
# Whole lines that are page furniture, not article text.
_FURNITURE_LINE = re.compile(
    r"^(?:advertisement|advert|sponsored|share( this)?( article| story)?|"
    r"(read|see) (more|also)|related( articles| stories)?|sign up( for .*)?|subscribe( .*)?|"
    r"follow us( on .*)?|skip to (main )?content|print|email|listen to (this )?article.*|"
    r"[\d,]+ (comments?|shares?)|image( source)?:.*|photo:.*)$",
    re.IGNORECASE | re.MULTILINE,
)
# Invisible characters that carry nothing: zero-width space, word joiner, BOM, soft hyphen.
# Not the zero-width (non-)joiners: they spell Persian, Arabic and Indic words ("می‌خواهم")
# and join emoji.
ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


@dataclass(frozen=True)
class Sentence:
    """One sentence: 1-based id and its ``[start, end)`` span in the article's clean text."""

    id: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Article:
    """A cleaned article and its sentences. ``text[s.start:s.end] == s.text`` always holds."""

    source: str
    text: str
    sentences: tuple[Sentence, ...]
    title: str | None
    sha256: str
    byline: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None

    def numbered(self) -> str:
        """The text as the model sees it: one ``n. sentence`` per line."""
        return "\n".join(f"{s.id}. {s.text}" for s in self.sentences)

    def sentence(self, sid: int) -> Sentence:
        """The sentence with id ``sid`` (1-based)."""
        return self.sentences[sid - 1]


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


def _strip_markdown(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def clean(text: str, *, markdown: bool = False) -> str:
    """Normalise Unicode and whitespace and drop page furniture. Paragraphs stay on own lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub(" ", text.replace("\t", " "))
    if markdown:
        text = _strip_markdown(text)
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _GLUED_ICON.sub("", text)
    text = _FURNITURE_LINE.sub("", text)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    # pysbd keeps per-call state on the segmenter: one per thread, or concurrent batch
    # workers corrupt each other's sentences.
    seg: pysbd.Segmenter | None = getattr(_local, "segmenter", None)
    if seg is None:
        import pysbd

        seg = _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return seg


# A sentence can only end inside a line at one of these marks followed by white space; a
# line without one is a single sentence, and pysbd (the bulk of a batch article's CPU time)
# need not see it.
_INNER_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s")


def _chunks(line: str) -> list[str]:
    """``line`` in consecutive pieces of at most about :data:`MAX_SEGMENT_CHARS`, each ending
    at a sentence end where one is found (else cut hard)."""
    out = []
    while len(line) > MAX_SEGMENT_CHARS:
        ends = [m.end() for m in _INNER_END.finditer(line, 0, MAX_SEGMENT_CHARS)]
        cut = ends[-1] if ends and ends[-1] > MAX_SEGMENT_CHARS // 2 else MAX_SEGMENT_CHARS
        out.append(line[:cut])
        line = line[cut:]
    return [*out, line]


def _pieces(line: str) -> list[str]:
    if not line.strip():
        return []
    if not _INNER_END.search(line.strip()):
        return [line]
    return [piece for chunk in _chunks(line) for piece in _segmenter().segment(chunk)]


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split clean text into sentences with exact offsets; never across a line break."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        cursor = 0
        for piece in _pieces(line):
            chunk = piece.strip()
            if not chunk:
                continue
            start = line.find(chunk, cursor)
            if start < 0:  # pysbd did not return a verbatim slice; keep what is left whole
                chunk = line[cursor:].strip()
                start = line.find(chunk, cursor)
            end = start + len(chunk)
            sentences.append(Sentence(len(sentences) + 1, offset + start, offset + end, chunk))
            cursor = end
        offset += len(line) + 1
    return tuple(sentences)


def _title(text: str) -> str | None:
    # An editor's note in brackets before the headline ("[Synthetic article ...]") is not it.
    if text.startswith("[") and "]" in text.partition("\n")[0]:
        text = text.partition("\n")[2].lstrip("\n")
    first, _, rest = text.partition("\n")
    # A first line with no closing punctuation followed by more text reads as a headline.
    if rest.strip() and len(first) <= 200 and not first.rstrip().endswith((".", "!", "?", '"')):
        return first.strip()
    return None


def from_text(
    text: str, source: str = "<text>", *, markdown: bool = False, **meta: str | None
) -> Article:
    """Build an :class:`Article` from text already in memory. ``meta`` may give ``title``,
    ``byline``, ``publisher``, ``published`` and ``url``."""
    cleaned = clean(text, markdown=markdown)
    if not cleaned:
        raise InputError(
            f"{source} has no article text after cleaning",
            hint="give a file that contains the article text",
        )
    title = meta.pop("title", None) or _title(cleaned)
    return Article(
        source=source,
        text=cleaned,
        sentences=split_sentences(cleaned),
        title=title,
        sha256=hashlib.sha256(cleaned.encode()).hexdigest(),
        **meta,
    )


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
        raise InputError(f"{url} is not an http(s) URL", hint="give an http:// or https:// URL")
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
                f"{url} resolves to {address}, a loopback, private or reserved address",
                hint="pass --allow-private-urls to fetch from this machine or its network",
            )


def fetch(url: str, *, allow_private: bool = False) -> Article:
    """Download ``url`` and extract its article: timeouts per read and a deadline for the
    whole download, a size cap, redirects followed by hand (at most :data:`MAX_REDIRECTS`),
    each one's address checked. Unless ``allow_private``, addresses on loopback, private,
    link-local or reserved networks are refused. The article records the final URL."""
    import httpx2

    deadline = time.monotonic() + FETCH_DEADLINE
    headers = {"User-Agent": "summarizer (article brief)"}
    try:
        with httpx2.Client(timeout=FETCH_TIMEOUT, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if not allow_private:
                    _refuse_private(url)
                with client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = str(response.url.join(response.headers["location"]))
                        continue
                    body, kind = _download(response, url, deadline)
                    break
            else:
                raise InputError(
                    f"{url} redirects more than {MAX_REDIRECTS} times",
                    hint="save the page and pass the file",
                )
    except httpx2.TransportError as exc:
        raise InputError(
            f"cannot fetch {url} ({type(exc).__name__})",
            hint="check the address and the network, or save the page and pass the file",
        ) from None
    if "html" in kind or not kind:
        return from_html(body, url, url=url)
    return from_text(decode(body, url), url, url=url)


def _download(response: Any, url: str, deadline: float) -> tuple[bytes, str]:
    if response.status_code >= 400:
        raise InputError(
            f"{url} answered HTTP {response.status_code}",
            hint="check the address, or save the page and pass the file",
        )
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_PAGE_BYTES:
            raise InputError(
                f"{url} is larger than {MAX_PAGE_BYTES:,} bytes",
                hint="save only the article's page and pass the file",
            )
        if time.monotonic() > deadline:
            raise InputError(
                f"{url} took longer than {FETCH_DEADLINE:g}s to download",
                hint="save the page and pass the file",
            )
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
