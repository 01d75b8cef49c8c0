"""The scored strategy: the model writes only the parties and a summary, and chooses.

A small model under a JSON grammar fills the structure mechanically (one item per party,
sentences cited in order); asked a closed question, its probabilities are far better than its
writing (``shared/notes/small-model-scoring.md``, re-measured in docs/quality.md). So:

1. one generated call: the parties, their people, a one-sentence summary; the sides it
   missed are added from the names the article shows acting (``sides.py``, no model);
2. for every sentence, one closed question (background, position, demand or deal term?),
   read from the model's log-probabilities; the article is a prefix every request shares,
   which a server that caches prompts evaluates once;
3. the kind is the model's choice relative to its habits in this article, weighed up by the
   sentence's cue words; a deal term's status is read off its sentence's words;
4. the actor is the party the sentence names first outside quotation marks (else the one
   named last before it); a demand is made by the subject of its verb and of its addressee,
   by the parse (``parse.py``), else of a party named right after its verb; a deal term has
   a proposer only where its sentence says someone put it forward, bound itself to it
   ("signed", "pledged") or calls it a side's plan; one that says "the plan" or "it", or
   names a plan, bill or offer and no side, goes on with the last proposer's. Someone the
   article describes apart from the sides ("the county's sheriff", "patient groups")
   speaking or asking in a sentence that names no side as the speaker gives no side an item.

Every item cites the sentence it was found in and states it in that sentence's words: the
part of it that the parse finds states the item (``wording.py``), or each part of a list it
gives, or each of two things it asks for or puts forward ("a raise and a cap on night
shifts"); so its evidence is on target by construction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from summarizer.article.text import Article, Sentence
from summarizer.brief.models import Extraction, article_in
from summarizer.errors import InputError
from summarizer.extract import kinds, parse, prompts, wording
from summarizer.extract.asking import ask
from summarizer.extract.cues import CUES, TAKES_A_STANCE
from summarizer.extract.sides import (
    MAX_SIDES,
    Side,
    mentions,
    metonyms,
    outside_quotes,
    pattern,
    spellings,
    tidy,
    with_more_sides,
)
from summarizer.extract.status import COUNTER_OFFER, term_status
from summarizer.extract.strategy import Extracted, Progress, Strategy
from summarizer.grounding import checks as ground
from summarizer.lexicon import (
    DEAL_WORDS,
    PROPOSAL_NOUNS,
    alternation,
)
from summarizer.llm.client import Answer, Endpoint, Tape, choose
from summarizer.llm.transport import CallLog

KINDS = "ABCD"


class Sides(BaseModel):
    """What the model writes in the scored strategy's one generated call."""

    parties: list[Side] = Field(max_length=MAX_SIDES)
    summary: str = Field(max_length=240)

    @staticmethod
    def _problems(value: Sides, article: Article) -> list[ground.Problem]:
        found = [ground.summary_problem(value.summary, article)] + [
            ground.party_problem(side, f"parties[{i}]", article)
            for i, side in enumerate(value.parties)
        ]
        return [p for p in found if p is not None]

    @classmethod
    def keepable(cls, value: Sides, article: Article) -> bool:
        """Kept after the re-asks when only parties the article does not name are wrong:
        the grounding stage marks them unverified."""
        return ground.keepable(cls._problems(value, article))

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> Sides:
        article = article_in(info)
        if article is not None and (wrong := self._problems(self, article)):
            raise ValueError("; ".join(f"{p.where}: {p.error}" for p in wrong))
        return self


@dataclass(frozen=True)
class Judged:
    """What the closed questions found in one sentence."""

    sentence: Sentence
    kinds: dict[str, float]


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")[:30] or "party"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug


def _asked(sentence: str) -> list[str]:
    """The things a demand asks for, where it asks for two or more (:func:`parse.asked`)."""
    return [wording.shortened(sentence[a:b]) for a, b in _spoken(sentence, parse.asked(sentence))]


def _spoken(sentence: str, spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """``spans``, unless one is quoted: a speaker's words ("called on them \"to talk and to
    show restraint\"") phrase one appeal, not a list of the side's demands."""
    return spans if all(_outside(sentence, span) for span in spans) else ()


def _listed(sentence: str) -> list[str]:
    """The parts of the list a sentence gives (:func:`summarizer.parse.listing`), else the
    two or more terms it puts forward (:func:`summarizer.parse.terms_of`)."""
    spans = parse.listing(sentence) or parse.terms_of(sentence)
    return [wording.shortened(sentence[a:b]) for a, b in spans]


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


def _side_in(
    text: str, spans: tuple[tuple[int, int], ...], patterns: dict[str, list[re.Pattern[str]]]
) -> str | None:
    """The first side named in any of ``spans`` of ``text`` (a verb's subject phrases)."""
    return next((p for a, b in spans for p in mentions(text[a:b], patterns)), None)


def subject_side(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> str | None:
    """The side named in the subject of ``text``'s main verb, if any."""
    return _side_in(text, parse.holder(text).subjects, patterns)


def _offered_by(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> str | None:
    """The side a sentence says puts a term forward (:func:`parse.puts_forward`)."""
    return _side_in(text, parse.puts_forward(text) or (), patterns)


def _asked_by_others(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> bool:
    """Whether a demand's subject is someone the sentence describes apart from the sides
    ("Patient groups urged both sides ..."), outside quotation marks, naming none of them."""
    return any(
        found.described
        and _outside(text, found.makers[0])
        and _side_in(text, found.makers[:1], patterns) is None
        for found in parse.demands(text)
    )


def _stance_side(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> str | None:
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
    patterns: dict[str, list[re.Pattern[str]]],
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
        if found.described and not named and _outside(text, found.subjects[0]):
            return None
    if section != "deal_terms":
        return named[0] if named else previous
    return (
        _owner(text, patterns) or _proposer(text, previous, patterns) or _committed(text, patterns)
    )


def _outside(text: str, span: tuple[int, int]) -> bool:
    """Whether ``span`` of ``text`` is outside quotation marks."""
    return outside_quotes(text)[span[0] : span[1]] == text[span[0] : span[1]]


def _owner(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> str | None:
    """The side a proposal is named as ("the mayor's original plan", "the union's offer")."""
    for owned in _OWNED.finditer(text):
        owners = mentions(text[max(0, owned.start() - 60) : owned.start() + 2], patterns)
        if owners:
            return owners[-1]
    return None


def _proposer(
    text: str, previous: str | None, patterns: dict[str, list[re.Pattern[str]]]
) -> str | None:
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


def _committed(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> str | None:
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


def _plan_states(article: Article, sentence: Sentence) -> bool:
    """Whether ``sentence`` states a proposal's terms: its subject is the proposal ("The
    offer would extend the lease"), or "it" where the sentence before names one ("... a
    written proposal. It calls for ...")."""
    subject = parse.proposal_speaks(sentence.text)
    if subject != "it":
        return subject is not None
    before = article.sentence(sentence.id - 1).text if sentence.id > 1 else ""
    return bool(_PROPOSAL.search(before))


def target_of(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> str | None:
    """The party a demand is made of: one named right after the demand's verb ("urged the
    ministry", "an ultimatum to the rebels"), else none."""
    cue = CUES["demands"].search(text)
    if cue is None:
        return None
    named = mentions(text[cue.end() : cue.end() + 40], patterns)
    return named[0] if named else None


def roles_of(
    text: str, patterns: dict[str, list[re.Pattern[str]]]
) -> tuple[str | None, str | None]:
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


# The brief's own limits on each list (schema.Extraction).
_CAPS = {
    name: next(
        m.max_length for m in Extraction.model_fields[name].metadata if hasattr(m, "max_length")
    )
    for name in ground.SECTIONS
}


def _parties(
    article: Article, sides: Sides
) -> tuple[list[dict[str, Any]], dict[str, list[re.Pattern[str]]]]:
    """The brief's parties, with derived ids, and the patterns that find each in a sentence."""
    taken: set[str] = set()
    parties = []
    spelt: dict[str, list[str]] = {}
    # The generated list misses sides the article shows speaking or acting (a closed
    # yes-or-no question about each name did not tell them apart: docs/quality.md).
    tidied = [tidy(side, article.text) for side in sides.parties]
    for side in with_more_sides(article, tidied):
        pid = _slug(side.name, taken)
        # The model lists a body as its own speaker ("Skyreach Airlines" for Skyreach
        # Airlines): no one to show, though its words still help find the side.
        people = [p for p in side.speakers if p.casefold() != side.name.casefold()]
        parties.append({"id": pid, **side.model_dump(), "speakers": people})
        spelt[pid] = spellings(side) + metonyms(side, article)
    # A spelling two sides share ("the council", "Harwick") names neither, unless it is
    # one side's whole name ("Marenland" beside "the Marenland Fishermen's Federation").
    counts = Counter(x.casefold() for v in spelt.values() for x in v)
    names = {p["name"].casefold(): p["id"] for p in parties}
    return parties, {
        pid: [pattern(x) for x in v if counts[x.casefold()] == 1 or names.get(x.casefold()) == pid]
        for pid, v in spelt.items()
    }


# A decision of which kinds a sentence states (:mod:`summarizer.extract.kinds`).
Decide = Callable[[kinds.Sentence], list[str]]


def learned(sentence: kinds.Sentence) -> list[str]:
    """The shipped decision (``kinds.json``, fitted by ``summarizer.run.fit``)."""
    return kinds.shipped()(sentence)


def assemble(
    article: Article, sides: Sides, judged: list[Judged], decide: Decide = learned
) -> dict[str, Any]:
    """The extraction as plain data, from the parties and each sentence's answers.

    A plain function of its inputs, so a test can build a brief from hand-made answers with
    no model at all."""
    parties, patterns = _parties(article, sides)
    out: dict[str, Any] = {
        "summary": wording.summary_line(sides.summary, article),
        "parties": parties,
        "positions": [],
        "demands": [],
        "deal_terms": [],
    }
    usual = {k: sum(j.kinds[k] for j in judged) / len(judged) for k in KINDS} if judged else {}
    previous: str | None = None
    proposer: str | None = None
    status = term_status(article)
    for index, j in enumerate(judged):
        # Who speaks and of whom a demand is made are read outside quotations.
        spoken = outside_quotes(j.sentence.text)
        named = mentions(spoken, patterns)
        seen = kinds.Sentence(
            text=j.sentence.text,
            probs=j.kinds,
            usual=usual,
            index=index,
            total=len(judged),
            named=len(named),
            subject_named=subject_side(spoken, patterns) is not None,
        )
        stated = _plan_states(article, j.sentence)
        sections = _sections(decide(seen), stated, j.sentence.text, patterns)
        for section in sections:
            actor = actor_of(j.sentence.text, named, section, previous, patterns)
            # Each item's text is its sentence until worded at the end (wording.worded).
            if section == "positions" and actor is not None:
                out[section].append(
                    {"holder": actor, "topic": "", "stance": j.sentence.text,
                     "evidence": [j.sentence.id]}
                )  # fmt: skip
            elif section == "demands":
                out[section] += _demands(j.sentence, named, previous, patterns)
            elif section == "deal_terms":
                # "The plan would ...", "It calls for ...", "A clause of the draft gives
                # ...": the proposal last credited.
                if actor is None and (
                    stated or _ANAPHORA.search(j.sentence.text) or _of_the_proposal(spoken, named)
                ):
                    actor = proposer
                proposer = actor or proposer
                out[section] += _terms(j.sentence, actor, status(j.sentence))
        # "Envoys presented a plan." stated no term of it, but "Under the plan, ..." does.
        if "deal_terms" not in sections and _PUT_FORWARD.search(j.sentence.text):
            proposer = _proposer(j.sentence.text, None, patterns) or proposer
        # "He", "the plan" in the next sentence stand for the subject's side, else the first named.
        previous = subject_side(spoken, patterns) or (named[0] if named else previous)
    return _capped(wording.worded(out, article), judged)


def _sections(
    decided: list[str], stated: bool, text: str, patterns: dict[str, list[re.Pattern[str]]]
) -> list[str]:
    """The kinds a sentence gives items of: the decision's, except that what a proposal
    states is its term ("The offer would extend the lease"), and so is what a side puts
    forward ("The club has offered a four-year deal worth $60 million"), whatever the
    model's letters."""
    if (decided and stated) or _offered_by(text, patterns):
        return ["deal_terms"]
    return decided


def _demands(
    sentence: Sentence,
    named: list[str],
    previous: str | None,
    patterns: dict[str, list[re.Pattern[str]]],
) -> list[dict[str, Any]]:
    """The demands a sentence states: by the subject of its verb of asking, else a side it
    names, else the side last spoken of; of the side the parse finds asked; one for each of
    two things asked for ("a raise and a cap on class sizes")."""
    text = sentence.text
    # The side a demand is made of is never the one making it.
    maker, target = roles_of(text, patterns)
    target = target or target_of(outside_quotes(text), patterns)
    makers: list[str | None] = [maker] if maker and maker != target else []
    # "Patient groups urged both sides ...": someone apart from the sides asks.
    if not makers and _asked_by_others(text, patterns):
        return []
    makers = makers or [p for p in named if p != target] or [previous]
    if makers[0] is None or makers[0] == target:
        return []
    asked = _asked(text)
    return [
        {"by": makers[0], "of": target, "what": what, "evidence": [sentence.id],
         "worded": bool(asked)}
        for what in asked or [text]
    ]  # fmt: skip


def _terms(sentence: Sentence, actor: str | None, status: str) -> list[dict[str, Any]]:
    """The deal terms a sentence states: each part of a list it gives, else the sentence."""
    listed = _listed(sentence.text)
    return [
        {"term": term, "proposed_by": actor, "status": status, "evidence": [sentence.id],
         "worded": bool(listed)}
        for term in listed or [sentence.text]
    ]  # fmt: skip


def _capped(out: dict[str, Any], judged: list[Judged]) -> dict[str, Any]:
    """``out`` within the brief's limit on each list: the sentences the model was surest
    were not background are kept, in the article's order."""
    sure = {j.sentence.id: 1 - j.kinds["A"] for j in judged}
    for section in ground.SECTIONS:
        cap = _CAPS[section]
        if len(out[section]) > cap:
            kept = sorted(out[section], key=lambda x: -sure[x["evidence"][0]])[:cap]
            out[section] = [x for x in out[section] if x in kept]
    return out


# Most sentences the strategy reads: it asks one question per sentence, each carrying the
# whole article (cached by a server that caches prompts, billed by one that does not). A
# 2,000-sentence article was 2,001 requests and 276 MB sent; past this, the single call.
MAX_SENTENCES = 400


def check_size(article: Article) -> None:
    """Refuse, before any call, an article with more sentences than :data:`MAX_SENTENCES`."""
    n = len(article.sentences)
    if n > MAX_SENTENCES:
        raise InputError(
            f"{article.source} has {n:,} sentences; the scored strategy asks one question per "
            f"sentence and reads at most {MAX_SENTENCES}",
            hint="use --strategy single, or split the article",
        )


def read(
    article: Article,
    endpoint: Endpoint,
    tape: Tape,
    log: CallLog,
    progress: Progress | None = None,
) -> tuple[Answer[Sides], list[Judged]]:
    """The model's answers for ``article``: the sides (with the model's own text of them),
    and each sentence's letter probabilities. What :func:`assemble` decides from, and what the
    decisions are fitted on (``summarizer.run.fit``)."""
    messages = prompts.scored_messages(article, "parties")
    answer = ask(Sides, article, messages, endpoint, tape, log)
    judged = []
    # The headline restates the body in fewer words: its items are the body's, cited there.
    for s in (s for s in article.sentences if s.text != article.title):
        if progress:
            progress(f"reading sentence {s.id} of {len(article.sentences)}")
        question = prompts.scored_messages(article, "kind", id=s.id, text=s.text)
        judged.append(Judged(sentence=s, kinds=choose(KINDS, question, endpoint, tape, log)))
    return answer, judged


def extract(
    article: Article,
    endpoint: Endpoint,
    tape: Tape,
    log: CallLog,
    progress: Progress | None = None,
) -> Extracted:
    """Run the scored strategy on ``article``."""
    messages = prompts.scored_messages(article, "parties")
    answer, judged = read(article, endpoint, tape, log, progress)
    extraction = Extraction.model_validate(assemble(article, answer.value, judged))
    # The judgments pass continues the parties call's conversation.
    return Extracted(extraction, answer.model, messages, answer.text)


def _questions(article: Article) -> int:
    return len(article.sentences)  # at most: the headline's is not asked


STRATEGY = Strategy("scored", extract, prompts.scored_system, _questions, check_size)
