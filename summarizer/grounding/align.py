"""Quote alignment: find where a model's quote sits in the article, tolerant of typography."""

from __future__ import annotations

import functools
import re
import unicodedata

from summarizer.article.text import ZERO_WIDTH

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_EDGE = " \t\n\"'.,;:"
# The zero-width (non-)joiners: the article keeps them, a model may drop or add them; quotes
# are compared without them.
_JOINERS = frozenset("\u200c\u200d")


_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=64)
def _fold(text: str) -> tuple[str, tuple[int, ...]]:
    """Fold quotes, dashes, case and runs of white space; map each folded char to its origin.

    Cached: every quote of a brief is aligned against the same article text."""
    folded = text.translate(_FOLD).lower()
    if len(folded) != len(text) or not _JOINERS.isdisjoint(text):
        return _fold_slowly(text)
    # str methods run in C; only the white-space runs are visited in Python.
    out: list[str] = []
    origin: list[int] = []
    done = 0
    for run in _SPACES.finditer(folded):
        start, end = run.span()
        out.append(folded[done:start])
        origin.extend(range(done, start))
        out.append(" ")
        origin.append(start)
        done = end
    out.append(folded[done:])
    origin.extend(range(done, len(folded)))
    return "".join(out), tuple(origin)


def _fold_slowly(text: str) -> tuple[str, tuple[int, ...]]:
    # lower() lengthens a few characters (e.g. 'İ'), and joiners are left out: fold one
    # character at a time.
    out: list[str] = []
    origin: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        if ch in _JOINERS:
            continue
        if ch.isspace():
            if prev_space:
                continue
            prev_space = True
            out.append(" ")
            origin.append(i)
            continue
        prev_space = False
        folded = ch.translate(_FOLD).lower()
        out.append(folded[0] if folded else ch)
        origin.append(i)
    return "".join(out), tuple(origin)


def align(
    quote: str, text: str, *, within: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    """Return the ``[start, end)`` span of ``quote`` in ``text``, or ``None`` if it is absent.

    Quote marks, dashes, case and white space may differ; surrounding quotes and punctuation on
    the quote are ignored. ``within`` (a span of ``text``) is searched first, then the rest.
    """
    # The quote as the article was cleaned: composed (NFC), without invisible characters.
    needle = _fold(ZERO_WIDTH.sub("", unicodedata.normalize("NFC", quote)))[0].strip(_EDGE)
    if not needle:
        return None
    hay, origin = _fold(text)
    pos = -1
    if within is not None:
        lo = next((k for k, o in enumerate(origin) if o >= within[0]), len(origin))
        hi = next((k for k, o in enumerate(origin) if o >= within[1]), len(origin))
        pos = hay.find(needle, lo, hi)
    if pos < 0:
        pos = hay.find(needle)
    if pos < 0:
        return None
    return origin[pos], origin[pos + len(needle) - 1] + 1


# A word in any script: a run of letters or digits; in the scripts written without spaces
# (Chinese, Japanese kana) each character stands alone, as no run there is one word.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+")
_STOP = frozenset(
    "a an the of to for and or in on at by with from its their his her is are was were be "
    "been has have had that this it as not no".split()
)


def words(text: str) -> set[str]:
    """Content words of ``text``: lower-case, stop words left out."""
    return {w for w in _WORD.findall(text.casefold()) if w not in _STOP}


def overlap(a: str, b: str) -> float:
    """Token-overlap F1 of two texts' content words (0 to 1)."""
    wa, wb = words(a), words(b)
    common = len(wa & wb)
    return 2 * common / (len(wa) + len(wb)) if common else 0.0


def _stems(text: str) -> set[str]:
    # Five letters stand in for a stemmer: "opposes"/"opposition", "Israel"/"Israeli".
    return {w[:5] for w in words(text)}


def shares_stem(claim: str, sentence: str) -> bool:
    """Whether the claim and the sentence share a content word, compared by stem."""
    return bool(_stems(claim) & _stems(sentence))
