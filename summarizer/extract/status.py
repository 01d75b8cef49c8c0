"""A deal term's status, read off the words of the sentence that states it, else of the
article: never the model's choice among the seven, which was right less often than chance
(docs/quality.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from summarizer.article.text import Article, Sentence
from summarizer.brief.models import Status
from summarizer.lexicon import DEAL_WORDS, NEGATORS, alternation

# A counter-offer: "countered with", "a counterproposal"; not "counterparts" or
# "counter-terrorism". One wording for the status rules, the article-wide reading and the
# proposing verbs.
COUNTER_OFFER = r"counter(?:s|ed|ing)?\b(?!-)|counter-?(?:offer|proposal)"
# A deal term's status, from the words of its sentence: the first rule that matches wins,
# else "proposed". The 1.5B model's own choice among the seven was right less often than
# chance on the development set (docs/quality.md).
_STATUS_PATTERNS: tuple[tuple[Status, str], ...] = (
    (
        "withdrawn",
        r"\b(?:withdr[ae]w\w*|dropped|pulled (?:out|back)|abandon\w*|scrapp\w*|"
        r"retract\w*|backed away)\b",
    ),
    (
        "rejected",
        r"\b(?:reject\w*|refus\w*|turned down|dismiss\w*|vetoed|declined|"
        r"ruled out)\b",
    ),
    (
        # An agreement reached outweighs the dispute it ends ("reached an agreement,
        # ending a dispute").
        "agreed",
        r"\b(?:reached (?:an|a) (?:\w+ )?(?:agreement|deal|accord)|"
        r"struck (?:a|an) (?:\w+ )?(?:deal|agreement))\b",
    ),
    (
        "disputed",
        # "objected", not "objective"; "contested", not "a contest".
        r"\b(?:bracket\w*|disput\w*|contest(?:s|ed|ing)\b|object(?:s|ed|ing|ions?)?\b|"
        r"sticking point|"
        r"divided over|at odds)\b",
    ),
    (
        "implemented",
        r"\b(?:implement\w*|(?:take|takes|took) effect|came into (?:force|effect)|"
        r"carried out|(?:was|were|has been|have been) (?:released|paid|freed|"
        r"delivered|lifted)|"
        # A deal told by what it did ("the accord that ended the strike") is in force.
        rf"{alternation(DEAL_WORDS)}\s+(?:that|which)\s+"
        r"(?:made|created|ended|brought|gave|established|installed|restored|allowed|lifted|"
        r"freed))\b",
    ),
    (
        "agreed",
        # "signed", not "significant", "signal" or "a signing ceremony".
        r"\b(?:agree[sd]?|sign(?:s|ed)?|"
        r"signing (?:of|the|a|an)|"
        # "pledged" the verb; "a pledge" says nothing of whether it was made.
        r"accept\w*|approv\w*|endors\w*|ratif\w*|adopt\w*|consensus|pledged|"
        r"tentative (?:agreement|deal)|struck (?:a|an) )\b",
    ),
    (
        "under_negotiation",
        rf"\b(?:negotiat\w*|{COUNTER_OFFER}|bargain\w*|"
        r"talks (?:on|over)|"
        # Not "revised": a version of a term, which may yet be passed or rejected.
        r"discuss\w*|haggl\w*|still (?:being )?work\w*)\b",
    ),
    (
        "proposed",
        r"\b(?:propos\w*|offer\w*|suggest\w*|float\w*|draft\w*|circulat\w*|"
        r"(?:could|would|may|might) "
        r"include)\b",
    ),
)
STATUS_RULES = tuple((status, re.compile(p, re.IGNORECASE)) for status, p in _STATUS_PATTERNS)
# Before a status word: "had not agreed", "never signed", "failed to accept" say the
# opposite; the goals and conditions below say it is not so yet.
_NOT_YET_SO = re.compile(
    rf"\b(?:{alternation(NEGATORS)}|no|fail(?:s|ed)? to|without|yet to)\W+(?:\w+\W+){{0,2}}$"
    # "asked both sides to agree", "a deal to be signed": a goal, not a fact.
    r"|\bto\s+(?:be\s+)?$"
    # "if the governor agreed", "until a deal is reached", "might consider accepting": a
    # condition or a possibility, not a fact.
    r"|\b(?:if|unless|whether|until)\W+(?:\w+\W+){0,3}$|\bwould\W+(?:\w+\W+)?$",
    re.I,
)


# "had not agreed", "refused to accept": a term one side will not take is in dispute.
_REFUSED = re.compile(rf"\b(?:{alternation(NEGATORS)}|refus\w+ to)\W+(?:\w+\W+)?$", re.I)


def stated(text: str) -> Status | None:
    """The status ``text`` states of a deal term: the first rule with a word the sentence
    uses, not negated (a refused agreement is "disputed"); None where it uses none."""
    for status, rule in STATUS_RULES:
        if _said_so(rule, text):
            return status
        if status == "agreed" and any(
            _REFUSED.search(text[: m.start()]) for m in rule.finditer(text)
        ):
            return "disputed"
    return None


def _said_so(rule: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` uses a word of ``rule`` that no negation, goal or condition before it
    undoes (:data:`_NOT_YET_SO`)."""
    return any(not _NOT_YET_SO.search(text[: m.start()]) for m in rule.finditer(text))


def status_of(text: str) -> Status:
    """A deal term's status, read off the words of the sentence that states it
    (:func:`stated`); else "proposed"."""
    return stated(text) or "proposed"


COUNTER = re.compile(rf"\b(?:{COUNTER_OFFER})", re.IGNORECASE)


def counters(text: str) -> bool:
    """Whether ``text`` reports a counter-offer made: "countered with", not "has not yet
    countered" or "would counter"."""
    return _said_so(COUNTER, text)


def default_status(article: Article) -> Status:
    """The status of a term whose sentence states none: "agreed" where the article reports
    an agreement anywhere, else "proposed". Kept on measurement: on the dev set's 23 real
    articles it gets 0.733 of the matched terms' statuses right, where the status of the
    nearest sentence naming the same proposal got 0.567 (docs/quality.md)."""
    if any(stated(s.text) == "agreed" for s in article.sentences):
        return "agreed"
    return "proposed"


def term_status(article: Article) -> Callable[[Sentence], Status]:
    """The status of a deal term stated in a sentence of ``article``: what its sentence
    states (:func:`stated`), else :func:`default_status`; "under negotiation" rather than
    "proposed" where another sentence reports a counter-offer, since what was proposed is
    being bargained over; a counter-offer not (yet) made puts nothing under negotiation."""
    fallback = default_status(article)
    countered = {s.id for s in article.sentences if counters(s.text)}

    def status(sentence: Sentence) -> Status:
        found = stated(sentence.text) or fallback
        return "under_negotiation" if found == "proposed" and countered - {sentence.id} else found

    return status
