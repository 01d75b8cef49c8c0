"""The article as text: cleaning, numbered sentences with exact offsets, the Article."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.errors import InputError

if TYPE_CHECKING:
    import pysbd

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
        """The sentence with id ``sid`` (1-based); IndexError for an id it lacks (0 would
        otherwise be the last sentence)."""
        if not 1 <= sid <= len(self.sentences):
            raise IndexError(f"sentence {sid} of {len(self.sentences)}")
        return self.sentences[sid - 1]


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
    # Zero-width characters or punctuation alone survive strip(): no word, no article.
    if not any(ch.isalnum() for ch in cleaned):
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
