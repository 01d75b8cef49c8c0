"""How the scored strategy words its items: the gist of the sentence, not the sentence.

The scored strategy finds each item by choosing its sentence, kind and side; the words are
still the sentence's, with its attribution and asides ("Union president Ana Ruiz said
members had voted ..."). The parse (:func:`summarizer.parse.gist`) keeps the part that states
the item: what was said, not who said it; what is demanded, not of whom; the term, not who
put it forward. The words are the article's own, so the item is grounded by construction; an
item whose sentence the parse cannot cut down keeps the sentence, shortened to
:data:`MAX_WORDS` words and marked ``copied``.

A generated paraphrase (one short call per item on the embedded 1.5B model) was measured
against this and lost: it named the side instead of its stance often enough to score below
the sentence itself (docs/quality.md).
"""

from __future__ import annotations

from typing import Any

from summarizer.article.text import Article
from summarizer.brief.models import SHORT_CHARS
from summarizer.extract import parse

# Longest item text, in words: the development set's gold paraphrases run to about ten.
MAX_WORDS = 25
# Each section's text field.
FIELDS = {"positions": "stance", "demands": "what", "deal_terms": "term"}


def shortened(text: str, limit: int = MAX_WORDS) -> str:
    """``text`` in at most ``limit`` words and the brief's length for a text field, an
    ellipsis marking a cut."""
    words = text.split()
    if len(words) <= limit and len(" ".join(words)) <= SHORT_CHARS:
        return " ".join(words)
    kept = words[: limit - 1]
    while len(" ".join(kept)) > SHORT_CHARS - 2:
        kept.pop()
    return " ".join(kept) + " …"


def worded(data: dict[str, Any], article: Article) -> dict[str, Any]:
    """``data`` (the scored strategy's plain extraction) with each item's text the gist of
    its sentence; an item already worded (a listed part, ``"worded": True``) is kept as it
    is, and one whose sentence has no gist keeps its shortened sentence, marked ``copied``."""
    for section, field in FIELDS.items():
        for item in data[section]:
            if item.pop("worded", False):
                continue
            text = article.sentence(item["evidence"][0]).text
            span = parse.gist(text, section)
            if span is None:
                item[field] = shortened(text)
                item["copied"] = True
            else:
                item[field] = shortened(text[span[0] : span[1]])
    return data
