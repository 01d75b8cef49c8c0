"""The English word lists the stages read sentences with, each kept once.

General English, not words of any article: what marks speech, a demand, a deal's term, a
negation. Lemmas are matched against spaCy's parse; forms are matched in running text by
the regular expressions built from them with :func:`alternation`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Verbs that attribute what follows to a speaker, by lemma: the gist is what was said.
SPEECH_LEMMAS = frozenset(
    "say tell state add note argue insist warn believe maintain claim stress hope think "
    "consider caution announce explain write reiterate emphasise emphasize".split()
)
# The forms of them that report speech in running text ("X said", "said X", "he added").
SPEECH_FORMS = (
    "said",
    "says",
    "told",
    "warned",
    "emphasised",
    "emphasized",
    "stated",
    "added",
    "noted",
    "announced",
    "cautioned",
    "wrote",
)
# Verbs of asking something of someone, by lemma. Not "tell": "told reporters" is speech.
DEMAND_LEMMAS = frozenset(
    "demand urge call ask want seek press insist request require order push appeal "
    "pressure implore plead".split()
)
# Nouns that carry a demand to its addressee ("an ultimatum to X", "a call on Y").
DEMAND_NOUNS = frozenset("ultimatum demand call appeal request plea".split())
# Verbs whose object is a deal's term, by lemma: "proposed keeping the headquarters",
# "recommends a cap", "agreed to a truce".
TERM_LEMMAS = frozenset(
    "propose offer include recommend suggest seek provide agree accept reject sign table "
    "present approve back float outline".split()
)
# Verbs that put a proposal forward, by lemma: their object is what is proposed.
OFFER_LEMMAS = frozenset("offer propose counter table submit float".split())
# Nouns for a proposal as a whole: as a sentence's subject, what it "calls for" or "would
# give" is a term of it ("The plan calls for a truce").
PROPOSAL_NOUNS = frozenset(
    "plan proposal offer draft framework package bill deal agreement accord settlement "
    "compromise treaty truce ceasefire pact counteroffer counterproposal".split()
)
# Verbs a proposal states its terms with, by lemma ("it calls for", "the offer would extend").
STATES_TERMS_LEMMAS = frozenset(
    "call include provide propose set envisage require recommend offer give allow guarantee "
    "cap cut raise create grant extend establish oblige".split()
)
# The words that name a deal as a whole ("a deal", "the agreement"): bare, they state no term.
DEAL_NOUNS = frozenset({"deal", "agreement", "accord", "settlement", "pact"})
# A deal by any name, the kinds of one that end fighting included.
DEAL_WORDS = DEAL_NOUNS | {"treaty", "truce", "ceasefire"}
# Words that make what follows a condition of a side's assent ("would accept the truce only
# if the port reopens"): the condition is what the side demands.
CONDITIONS = ("only if", "on condition that", "on the condition that", "provided that")
# Words that turn what follows into its opposite ("not agreed", "never signed").
NEGATORS = ("not", "never", "n't", "cannot")
# News writing's report that someone said nothing: such a sentence states no item.
NO_COMMENT = (
    r"(?:declin|refus)\w*\s+(?:to\s+)?comment",
    r"(?:did|would|could)\s+not\s+(?:immediately\s+)?(?:comment|respond|be reached)",
    r"(?:no|without)\s+comment",
    r"requests?\s+for\s+comment",
)

# Pronouns that stand for someone named elsewhere: an item that starts with one does not say
# who ("he would not attend").
PERSONAL_PRONOUNS = frozenset(
    "he she it they we i you him her them us his its their our my".split()
)
# Words that a bare date is made of ("on Tuesday", "last March", "in 2008").
DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow "
    "on in at by since until from last next this early late mid week weekend month year "
    "day night morning evening afternoon the of".split()
)


def alternation(words: Iterable[str]) -> str:
    """A regular expression group matching any of ``words`` (longest first), as written."""
    return "(?:" + "|".join(sorted(map(re.escape, words), key=lambda w: (-len(w), w))) + ")"


def initials(name: str) -> str:
    """The initials of a name's capitalised words ("UN" for "United Nations"), or "" for a
    name with fewer than two: one letter is no one's initials."""
    capitals = [w[0] for w in name.split() if w[:1].isupper()]
    return "".join(capitals) if len(capitals) >= 2 else ""


def without_the(name: str) -> str:
    """``name`` without a leading "the" ("the Kremlin" is named as "Kremlin")."""
    return re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
