"""Who holds, asks or proposes what a sentence states, and of whom: the actor decision.

Read off the sentence's words and parse, with the parties' spellings (``sides.pattern``):

- a position is held by the side in the subject of its verb of stance or its main verb,
  else the side named before it for a pronoun, else the first side the sentence names;
  someone the article describes apart from the sides ("the county's sheriff") speaking of
  none of them holds no side's position;
- a demand is made by the side in the subject of its verb of asking, of the side in its
  addressee (``parse.demands``), else of a side named right after its verb;
- a deal term has a proposer only where its sentence names the proposal as a side's ("the
  union's offer"), says a side put it forward, or bound itself to it ("signed"); one stated
  of "the plan" or "it", or of a proposal and no side, is the last proposal's.

A plain function of a sentence's text and the parties' patterns each, so that a test can fix
any of them without a model; :mod:`summarizer.extract.scored` calls them in order.
"""

from __future__ import annotations

import re

from summarizer.article.text import Article, Sentence
from summarizer.extract import parse
from summarizer.extract.cues import CUES, TAKES_A_STANCE
from summarizer.extract.sides import mentions, outside_quotes, unquoted
from summarizer.extract.status import COUNTER_OFFER
from summarizer.lexicon import DEAL_WORDS, PROPOSAL_NOUNS, alternation

Patterns = dict[str, list[re.Pattern[str]]]


# Verbs that put a term forward: its proposer is named with one of them. "Presented", not
# "presence"; "tabled", not "the table".
_PROPOSES = re.compile(
    r"\b(?:(?:propos|offer|suggest|float|draft|submit|circulat)\w*|put(?:s|ting)? forward|"
    r"tabl(?:es|ed|ing)\b|present(?:s|ed|ing)\b|call(?:s|ed)? for|introduc(?:e|es|ed|ing)\b|"
    r"(?:draws?|drew|drawn|drawing) up|"
    rf"(?:{COUNTER_OFFER})\w*)",
    re.IGNORECASE,
)


# A proposing verb with a whole proposal as its object: "presented a four-point plan".
_PUT_FORWARD = re.compile(
    rf"(?:{_PROPOSES.pattern})\w*\s+(?:[\w-]+\s+){{0,3}}?"
    r"(?:plan|proposal|offer|draft|framework|package|bill|settlement|text)\b",
    re.IGNORECASE,
)


# A proposal named as someone's: "<owner>'s (revised) plan".
_OWNED = re.compile(
    r"['’]s?\s+(?:[\w$.,-]+\s+){0,3}?(?:plan|offer|proposal|draft|framework|bid|package|"
    r"budget|version|counter-?offer|counter-?proposal|terms)\b",
    re.IGNORECASE,
)


def _side_in(text: str, spans: tuple[tuple[int, int], ...], patterns: Patterns) -> str | None:
    """The first side named in any of ``spans`` of ``text`` (a verb's subject phrases)."""
    return next((p for a, b in spans for p in mentions(text[a:b], patterns)), None)


def subject_side(text: str, patterns: Patterns) -> str | None:
    """The side named in the subject of ``text``'s main verb, if any."""
    return _side_in(text, parse.holder(text).subjects, patterns)


def offered_by(text: str, patterns: Patterns) -> str | None:
    """The side a sentence says puts a term forward (:func:`parse.puts_forward`)."""
    return _side_in(text, parse.puts_forward(text) or (), patterns)


def _asked_by_others(text: str, patterns: Patterns) -> bool:
    """Whether a demand's subject is someone the sentence describes apart from the sides
    ("Patient groups urged both sides ..."), outside quotation marks, naming none of them."""
    return any(
        found.described
        and unquoted(text, found.makers[0])
        and _side_in(text, found.makers[:1], patterns) is None
        for found in parse.demands(text)
    )


def _stance_side(text: str, patterns: Patterns) -> str | None:
    """The side that is the subject of the sentence's verb of stance, outside quotation
    marks ("The coalition supports it; the group wants ...": the coalition)."""
    verb = TAKES_A_STANCE.search(outside_quotes(text))
    if verb is None:
        return None
    return _side_in(text, parse.subjects_at(text, verb.start()), patterns)


def actor_of(
    text: str,
    named: list[str],
    section: str,
    previous: str | None,
    patterns: Patterns,
) -> str | None:
    """The party an item of ``section`` found in sentence ``text`` belongs to: the first
    party the sentence names, else (a pronoun, "the plan") the last one named before it. A
    deal term has a proposer only where the sentence says someone put it forward or bound
    itself to it."""
    if section == "positions":
        # Whose position: the side in the main verb's subject ("Ada Morrow called the mayor's
        # proposal ..."), the one named before for a pronoun ("he said that ... US bases"),
        # else the first the sentence names.
        subject = _stance_side(text, patterns) or subject_side(text, patterns)
        if subject:
            return subject
        found = parse.holder(text)
        if found.pronoun and previous is not None:
            return previous
        # "The city's mayor said she welcomed ...": someone the article tells apart from the
        # sides speaks, outside any quotation, and names none of them: no side's position.
        if found.described and not named and unquoted(text, found.subjects[0]):
            return None
    if section != "deal_terms":
        return named[0] if named else previous
    return (
        _owner(text, patterns) or _proposer(text, previous, patterns) or _committed(text, patterns)
    )


def _owner(text: str, patterns: Patterns) -> str | None:
    """The side a proposal is named as ("the mayor's original plan", "the guild's offer")."""
    for owned in _OWNED.finditer(text):
        owners = mentions(text[max(0, owned.start() - 60) : owned.start() + 2], patterns)
        if owners:
            return owners[-1]
    return None


def _proposer(text: str, previous: str | None, patterns: Patterns) -> str | None:
    """The side a sentence says put its term forward: the subject of a proposing verb, or
    the agent after "proposed by"; the last side named before, for a pronoun."""
    for verb in _PROPOSES.finditer(text):
        # "X proposed ..." or "... proposed by X": the subject, or the agent after "by".
        after = text[verb.end() :]
        if re.match(r"\s+by\s", after):
            agents = mentions(after[:60], patterns)
            if agents:
                return agents[0]
        before = text[: verb.start()]
        if re.search(r"\b(?:the|a|an|its|their|this|that)\s+$", before, re.IGNORECASE):
            continue  # "the proposed agreement", "a draft": no one is said to propose yet
        subjects = mentions(before, patterns)
        return subjects[0] if subjects else previous
    return None


# Verbs of binding oneself to a term, or of bringing the sides to it; not the adjective in
# "a Saudi-led coalition".
_COMMITS = re.compile(
    r"(?<!-)\b(?:signed|pledged|committed|promised|adopted|passed|approved|ratified|"
    r"brokered|mediated|led)\b",
    re.IGNORECASE,
)


def _committed(text: str, patterns: Patterns) -> str | None:
    """The side a sentence says bound itself to its term ("she said the ministry had signed
    a three-year accord"): the side named last before the verb, outside quotations, which
    is its subject; none where no side is named before it ("both sides signed") or two are
    its subject ("Estoria and Valdonia signed")."""
    spoken = outside_quotes(text)
    verb = _COMMITS.search(spoken)
    named = mentions(spoken[: verb.start()], patterns) if verb else []
    if not named:
        return None
    last = min(m.start() for p in patterns[named[-1]] if (m := p.search(spoken)))
    if len(named) > 1 and re.search(r"\s(?:and|&)\s+(?:the\s+)?$", spoken[:last]):
        return None
    return named[-1]


# A term stated of "the plan" or "it" belongs to the proposal the article last credited to
# a side ("The mediator circulated a proposal. It calls for ...").
_ANAPHORA = re.compile(
    r"^(?:(?:according to|under) )?"
    r"(?:it|the (?:plan|proposal|offer|draft|framework|package|bill))\b",
    re.IGNORECASE,
)


_PROPOSAL = re.compile(rf"\b{alternation(PROPOSAL_NOUNS)}s?\b", re.IGNORECASE)
# A proposal that is one side's until the other takes it: not a deal, which is both sides'.
_ONES_PROPOSAL = re.compile(rf"\b{alternation(PROPOSAL_NOUNS - DEAL_WORDS)}s?\b", re.IGNORECASE)


def _of_the_proposal(spoken: str, named: list[str]) -> bool:
    """Whether a term's sentence is about a proposal and no side: it names a plan, a bill
    or an offer and none of the parties ("A clause of the draft gives ..."), so the
    term is that proposal's, whoever the article last said put one forward."""
    return not named and bool(_ONES_PROPOSAL.search(spoken))


def plan_states(article: Article, sentence: Sentence) -> bool:
    """Whether ``sentence`` states a proposal's terms: its subject is the proposal ("The
    offer would extend the lease"), or "it" where the sentence before names one ("... a
    written proposal. It calls for ...")."""
    subject = parse.proposal_speaks(sentence.text)
    if subject != "it":
        return subject is not None
    before = article.sentence(sentence.id - 1).text if sentence.id > 1 else ""
    return bool(_PROPOSAL.search(before))


def target_of(text: str, patterns: Patterns) -> str | None:
    """The party a demand is made of: one named right after the demand's verb ("urged the
    ministry", "an ultimatum to the rebels"), else none."""
    cue = CUES["demands"].search(text)
    if cue is None:
        return None
    named = mentions(text[cue.end() : cue.end() + 40], patterns)
    return named[0] if named else None


def roles_of(text: str, patterns: Patterns) -> tuple[str | None, str | None]:
    """Who makes a demand of whom, by the parse (:func:`summarizer.parse.demands`): the side
    named in a demand verb's subject, and the other side named in its addressee; either is
    None where the sentence's grammar names no side there."""
    maker: str | None = None
    target: str | None = None
    for found in parse.demands(text):
        said = [p for a, b in found.makers for p in mentions(text[a:b], patterns)]
        maker = maker or (said[0] if said else None)
        asked = [p for a, b in found.targets for p in mentions(text[a:b], patterns)]
        target = target or next((p for p in asked if p != maker), None)
    return maker, target


def demand_roles(
    text: str, named: list[str], previous: str | None, patterns: Patterns
) -> tuple[str, str | None] | None:
    """Who makes the demand ``text`` states, and of whom: the subject of its verb of asking,
    else a side it names, else the side last spoken of; of the side the parse finds asked,
    else one named right after its verb. ``None`` where no side makes it, or where someone
    apart from the sides asks ("Patient groups urged both sides ...")."""
    maker, target = roles_of(text, patterns)
    target = target or target_of(outside_quotes(text), patterns)
    # The side a demand is made of is never the one making it.
    makers: list[str | None] = [maker] if maker and maker != target else []
    if not makers and _asked_by_others(text, patterns):
        return None
    makers = makers or [p for p in named if p != target] or [previous]
    first = makers[0]
    if first is None or first == target:
        return None
    return first, target


def of_the_last_proposal(text: str, spoken: str, named: list[str], stated: bool) -> bool:
    """Whether a deal term with no proposer of its own is the proposal last credited to a
    side's: its sentence states a proposal's terms (:func:`plan_states`), speaks of "the
    plan" or "it", or names a plan, bill or offer and no side."""
    return stated or bool(_ANAPHORA.search(text)) or _of_the_proposal(spoken, named)


def puts_forward(text: str, patterns: Patterns) -> str | None:
    """The side a sentence says puts a whole proposal forward ("Envoys presented a plan"),
    stating none of its terms: the proposer of the terms that follow."""
    return _proposer(text, None, patterns) if _PUT_FORWARD.search(text) else None
