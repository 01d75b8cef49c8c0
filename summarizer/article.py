"""Article loading: bytes in, clean text and numbered sentences with exact offsets out."""

from __future__ import annotations

import hashlib
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    import pysbd

# Articles are news stories; anything larger is almost certainly not one (a dump, a log, a
# book) and would not fit a small model's context anyway.
MAX_BYTES = 1_000_000
# A saved web page carries scripts, styles and furniture around the article.
MAX_PAGE_BYTES = 5_000_000
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", "", *HTML_SUFFIXES)
FETCH_TIMEOUT = 20.0

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
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
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


def _strip_markdown(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def clean(text: str, *, markdown: bool = False) -> str:
    """Normalise Unicode and whitespace and drop page furniture. Paragraphs stay on own lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
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


def _pieces(line: str) -> list[str]:
    if not line.strip():
        return []
    if not _INNER_END.search(line.strip()):
        return [line]
    return list(_segmenter().segment(line))


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
    doc = trafilatura.bare_extraction(
        data, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
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


def fetch(url: str) -> Article:
    """Download ``url`` (timeouts, a size cap) and extract its article."""
    import httpx2

    try:
        with httpx2.stream(
            "GET", url, timeout=FETCH_TIMEOUT, follow_redirects=True,
            headers={"User-Agent": "summarizer (article brief)"},
        ) as response:  # fmt: skip
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
            kind = response.headers.get("content-type", "")
    except httpx2.TransportError as exc:
        raise InputError(
            f"cannot fetch {url} ({type(exc).__name__})",
            hint="check the address and the network, or save the page and pass the file",
        ) from None
    if "html" in kind or not kind:
        return from_html(body, url, url=url)
    return from_text(decode(body, url), url, url=url)


def load(path: str | Path) -> Article:
    """Read an article from a ``.txt``/``.md``/``.html`` file, an ``http(s)://`` URL, or
    standard input when ``path`` is '-'."""
    if str(path).startswith(("http://", "https://")):
        return fetch(str(path))
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
        if (size := p.stat().st_size) > limit:  # refuse before reading it into memory
            raise _too_large(size, str(p))
        data = p.read_bytes()
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
