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

import re
from typing import Any

from summarizer.article.text import Article
from summarizer.brief.models import SHORT_CHARS
from summarizer.extract import parse
from summarizer.lexicon import DATE_WORDS, PERSONAL_PRONOUNS

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


# An item this short says nothing on its own ("the strike", "withdraw the levy").
FEWEST_WORDS = 4
# Words a phrase cannot end on and be whole: a verb's auxiliary or a bare infinitive ("the
# strike was", "would"), or a word that wants more after it ("talks with", "the").
_DANGLING_TAGS = frozenset({"MD", "VB", "TO", "IN", "DT", "CC", "WDT", "PRP$"})
_DANGLING_POS = frozenset({"AUX"})
# How a whole sentence ends.
_ENDS = (".", "!", "?", '."', ".”", "!”", "?”")


def fragment(text: str) -> bool:
    """Whether an item's ``text`` cannot stand on its own: fewer than :data:`FEWEST_WORDS`
    words, a bare date, a stub ending on a verb or a word that wants more, or one that starts
    with a pronoun for someone it does not name."""
    words = re.findall(r"[\w'’$%.-]+", text.replace("…", " "))
    words = [w.strip(".") for w in words if w.strip(".")]
    if len(words) < FEWEST_WORDS:
        return True
    if all(w.casefold() in DATE_WORDS or w.isdigit() or w[:-2].isdigit() for w in words):
        return True
    if words[0].casefold() in PERSONAL_PRONOUNS:
        return True
    # A whole sentence may end on a verb ("..., which it was.").
    if text.rstrip().endswith(_ENDS):
        return False
    last = next(t for t in reversed(parse.tokens(text.replace("…", " "))) if not t.is_punct)
    return last.tag_ in _DANGLING_TAGS or last.pos_ in _DANGLING_POS


# The brief's limit on its summary (``Extraction.summary``).
SUMMARY_CHARS = 400
# A summary cut short by the model's length limit ends mid-clause; it is cut back to the last
# clause that closes (", while ...", ", with ...") if that leaves at least this many words.
_FEWEST_SUMMARY_WORDS = 8
_CLAUSE_BREAK = re.compile(
    r"(?:;|\s[-–—]\s|,\s+(?=(?:while|with|as|after|but|and|which|who|where|amid|despite|"
    r"following|although|though|since|because)\b))"
)


def _headline_sentence(title: str) -> str | None:
    """A headline that is a clause ("Union rejects pay offer, vows strike"), as a sentence;
    None for one with no finite verb ("Talks in Geneva")."""
    doc = parse.tokens(title)
    if len(title.split()) < FEWEST_WORDS or not any(
        t.tag_ in ("VBZ", "VBP", "VBD", "MD") for t in doc
    ):
        return None
    text = title.strip().rstrip(":;,")
    return text if text.endswith(_ENDS) else text + "."


def summary_line(summary: str, article: Article) -> str:
    """One complete sentence that states the article's headline event: its headline, where it
    is a clause (an editor's statement of the event, with its sides), else the model's first
    sentence, cut back to a clause that closes where the model's words ran out, without
    letters the article never uses (a small model's stray characters); the article's lead
    sentence where nothing of it stands."""
    if article.title and (line := _headline_sentence(article.title)):
        return line
    known = set(article.text)
    text = " ".join("".join(c for c in summary if not c.isalpha() or c in known).split())
    first = next(iter(parse.tokens(text).sents), None) if text else None
    sentence = first.text.strip() if first is not None else ""
    if sentence and not sentence.endswith(_ENDS):
        cuts = [m.start() for m in _CLAUSE_BREAK.finditer(sentence)]
        cuts = [c for c in cuts if len(sentence[:c].split()) >= _FEWEST_SUMMARY_WORDS]
        sentence = sentence[: cuts[-1]].rstrip() + "." if cuts else ""
    if len(sentence.split()) >= _FEWEST_SUMMARY_WORDS:
        return sentence
    lead = next((s.text for s in article.sentences if s.text != article.title), summary)
    return lead if len(lead) <= SUMMARY_CHARS else shortened(lead)


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
            piece = None if span is None else _standing(text, span)
            if piece is None:
                item[field] = shortened(text)
                item["copied"] = True
            else:
                item[field] = shortened(piece)
    return data


def _standing(text: str, span: tuple[int, int]) -> str | None:
    """The gist at ``span`` of ``text``, widened up the parse (the object to its verb's
    clause: "overtime" to "the crews demanded overtime") until it stands alone;
    None where only the whole sentence does."""
    piece = text[span[0] : span[1]]
    if not fragment(piece):
        return piece
    doc = parse.tokens(text)
    inside = [t for t in doc if span[0] <= t.idx < span[1]]
    node = next((t for t in inside if not span[0] <= t.head.idx < span[1] or t.head.i == t.i), None)
    while node is not None and node.head.i != node.i:
        node = node.head
        words = list(node.subtree)
        piece = text[words[0].idx : words[-1].idx + len(words[-1].text)]
        if len(piece) < len(text.rstrip(" .")) and not fragment(piece):
            return piece
    return None
