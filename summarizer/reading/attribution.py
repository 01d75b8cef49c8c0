"""Who asserted an item, how firmly, and which PLOVER event it is: read off the evidence.

Derived by the tool from the cited sentence, not asked of the model: zero tokens, and the
same answer for every model. Each function returns the phrase it relied on, so a reader can
check it against the sentence.

PLOVER event types (the current manual: REQUEST replaced DEMAND), in one table:

| item | condition | event |
|---|---|---|
| demand | a threat is named | THREATEN |
| demand | otherwise | REQUEST |
| deal term | agreed or implemented | AGREE |
| deal term | rejected or disputed | REJECT |
| deal term | withdrawn | RETREAT |
| deal term | proposed or under negotiation | CONSULT |
| position | stance concedes (drops, lowers, accepts) | CONCEDE |
| position | stance accuses or blames | ACCUSE |
| position | stance opposes, objects, refuses or is negated | REJECT |
| position | otherwise | SUPPORT |
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from summarizer.brief.models import AttributionKind, Event, Extraction, Modality
from summarizer.grounding.checks import SECTIONS
from summarizer.lexicon import SPEECH_FORMS, alternation

if TYPE_CHECKING:
    from summarizer.article.text import Article

_ANONYMOUS = re.compile(
    r"\b(sources?\s+(?:told|said|say)|according to (?:sources|people|officials)|"
    r"people familiar with[\w ]*|officials? who (?:spoke|asked)[\w ]*|on condition of anonymity)\b",
    re.IGNORECASE,
)


def is_anonymous(text: str) -> bool:
    """Whether ``text`` attributes what it says to unnamed sources (the one rule for an
    item's ``attribution`` and the memo's Sourcing section)."""
    return bool(_ANONYMOUS.search(text))


_STATEMENT = re.compile(
    r"\b(in a (?:brief |written )?statement|a spokes(?:person|man|woman) said|"
    r"said in a statement|(?:a|the) (?:statement|communiqué) (?:said|posted))\b",
    re.IGNORECASE,
)
_ON_RECORD = re.compile(
    r"\b(?:[A-Z][\w'’-]+ )*[A-Z][\w'’-]+,?(?: [\w'’ ]{0,40})?,? "
    rf"{alternation(SPEECH_FORMS)}\b"
    rf"|\b{alternation(SPEECH_FORMS)} (?:[A-Z][\w'’-]+ ?){{1,3}}\b"
    # A pronoun for a person named earlier ("..., he added") is still on the record.
    rf"|\b(?:he|she|they) {alternation(SPEECH_FORMS)}\b"
)
_CONDITIONAL = re.compile(r"\b(if|unless|provided that|on condition that|as long as)\b", re.I)
_PAST = re.compile(
    r"\b(previously|initially|formerly|earlier|had (?:initially|earlier|once)|used to|"
    r"at the time)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(had not|has not|have not|did not|does not|do not|not agreed|never|refused|declined|"
    r"cannot|can't|won't|will not|rejected)\b",
    re.IGNORECASE,
)
_HEDGED = re.compile(
    r"\b(could|may|might|likely|reportedly|would|is expected to|seen as|appears? to|"
    r"possibly|perhaps|signal(?:l)?ed)\b",
    re.IGNORECASE,
)
_CONCEDE = re.compile(
    r"\b(concede|drop|dropped|lower|lowered|withdrew|accept|accepts|accepted)", re.I
)
_ACCUSE = re.compile(r"\b(accus|blam|alleg)", re.I)
_OPPOSE = re.compile(r"\b(oppos|object|reject|refus|against|disapprov|not )", re.I)


def attribution(sentence: str) -> tuple[AttributionKind, str | None]:
    """Who the sentence says asserted it, and the attributing phrase."""
    for kind, pattern in (
        ("anonymous", _ANONYMOUS),
        ("statement", _STATEMENT),
        ("on_record", _ON_RECORD),
    ):
        if m := pattern.search(sentence):
            return kind, m.group(0).strip(" ,")  # type: ignore[return-value]
    return "reporter", None


def modality(sentence: str) -> tuple[Modality, str | None]:
    """How firmly the sentence asserts: the first of conditional, past (superseded),
    negated, hedged that it shows, else asserted."""
    for kind, pattern in (
        ("conditional", _CONDITIONAL),
        ("past", _PAST),
        ("negated", _NEGATED),
        ("hedged", _HEDGED),
    ):
        if m := pattern.search(sentence):
            return kind, m.group(0)  # type: ignore[return-value]
    return "asserted", None


def event(
    kind: str,
    *,
    status: str | None = None,
    threat: str | None = None,
    stance: str = "",
    negated: bool = False,
) -> Event:
    """The PLOVER event type of an item (see the table in this module's docstring)."""
    if kind == "demand":
        return "THREATEN" if threat else "REQUEST"
    if kind == "deal_term":
        return {
            "agreed": "AGREE",
            "implemented": "AGREE",
            "rejected": "REJECT",
            "disputed": "REJECT",
            "withdrawn": "RETREAT",
        }.get(status or "", "CONSULT")  # type: ignore[return-value]
    if _CONCEDE.search(stance):
        return "CONCEDE"
    if _ACCUSE.search(stance):
        return "ACCUSE"
    if negated or _OPPOSE.search(stance):
        return "REJECT"
    return "SUPPORT"


_KINDS = {"positions": "position", "demands": "demand", "deal_terms": "deal_term"}


def read(extraction: Extraction, article: Article) -> Extraction:
    """A copy of ``extraction`` with each item's attribution, modality and event type read
    off the sentence it rests on (the one holding its quote, else its first cited one)."""
    out = extraction.model_copy(deep=True)
    for section in SECTIONS:
        for item in getattr(out, section):
            sid = item.evidence[0]
            if item.quote_span is not None:
                sid = next(s.id for s in article.sentences if s.end > item.quote_span[0])
            text = article.sentence(sid).text
            item.attribution, item.attributed_by = attribution(text)
            item.modality, item.modality_cue = modality(text)
            item.event = event(
                _KINDS[section],
                status=getattr(item, "status", None),
                threat=getattr(item, "threat", None),
                stance=getattr(item, "stance", ""),
                negated=item.modality == "negated",
            )
    return out
