"""Quote alignment: find where a model's quote sits in the article, tolerant of typography."""

from __future__ import annotations

import re

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


def _fold(text: str) -> tuple[str, list[int]]:
    """Fold quotes, dashes, case and runs of white space; map each folded char to its origin."""
    out: list[str] = []
    origin: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            prev_space = True
            out.append(" ")
            origin.append(i)
            continue
        prev_space = False
        folded = ch.translate(_FOLD).lower()
        # lower() can lengthen a few characters (e.g. 'İ'); keep a one-to-one map.
        out.append(folded[0] if folded else ch)
        origin.append(i)
    return "".join(out), origin


def align(
    quote: str, text: str, *, within: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    """Return the ``[start, end)`` span of ``quote`` in ``text``, or ``None`` if it is absent.

    Quote marks, dashes, case and white space may differ; surrounding quotes and punctuation on
    the quote are ignored. ``within`` (a span of ``text``) is searched first, then the rest.
    """
    needle = _fold(quote)[0].strip(_EDGE)
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


_WORD = re.compile(r"[a-z0-9]+")
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


def support(claim: str, sentence: str) -> float:
    """Share of the claim's content words that the sentence contains (0 to 1)."""
    wc = words(claim)
    return len(wc & words(sentence)) / len(wc) if wc else 0.0
