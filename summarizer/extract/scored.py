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
4. who holds, asks or proposes each item, and of whom, is read off its sentence's parse and
   words (``actors.py``); someone the article describes apart from the sides ("the
   county's sheriff", "patient groups") speaking or asking gives no side an item.

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
from summarizer.extract import actors, kinds, parse, prompts, wording
from summarizer.extract.asking import ask
from summarizer.extract.sides import (
    MAX_SIDES,
    Side,
    mentions,
    metonyms,
    outside_quotes,
    pattern,
    spellings,
    tidy,
    unquoted,
    with_more_sides,
)
from summarizer.extract.status import term_status
from summarizer.extract.strategy import Extracted, Progress, Strategy
from summarizer.grounding import checks as ground
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
    return spans if all(unquoted(sentence, span) for span in spans) else ()


def _listed(sentence: str) -> list[str]:
    """The parts of the list a sentence gives (:func:`summarizer.parse.listing`), else the
    two or more terms it puts forward (:func:`summarizer.parse.terms_of`)."""
    spans = parse.listing(sentence) or parse.terms_of(sentence)
    return [wording.shortened(sentence[a:b]) for a, b in spans]


# The brief's own limits on each list (schema.Extraction).
CAPS = {
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
    article: Article,
    sides: Sides,
    judged: list[Judged],
    decide: Decide = learned,
    *,
    capped: bool = True,
) -> dict[str, Any]:
    """The extraction as plain data, from the parties and each sentence's answers; with
    ``capped`` off, every item is kept past the brief's limits (the fit labels sentences so,
    :mod:`summarizer.run.fit`).

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
            subject_named=actors.subject_side(spoken, patterns) is not None,
        )
        stated = actors.plan_states(article, j.sentence)
        sections = _sections(decide(seen), stated, j.sentence.text, patterns)
        for section in sections:
            actor = actors.actor_of(j.sentence.text, named, section, previous, patterns)
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
                if actor is None and actors.of_the_last_proposal(
                    j.sentence.text, spoken, named, stated
                ):
                    actor = proposer
                proposer = actor or proposer
                out[section] += _terms(j.sentence, actor, status(j.sentence))
        # "Envoys presented a plan." stated no term of it, but "Under the plan, ..." does.
        if "deal_terms" not in sections:
            proposer = actors.puts_forward(j.sentence.text, patterns) or proposer
        # "He", "the plan" in the next sentence stand for the subject's side, else the first named.
        previous = actors.subject_side(spoken, patterns) or (named[0] if named else previous)
    worded = wording.worded(out, article)
    return _capped(worded, judged) if capped else worded


def _sections(
    decided: list[str], stated: bool, text: str, patterns: dict[str, list[re.Pattern[str]]]
) -> list[str]:
    """The kinds a sentence gives items of: the decision's, except that what a proposal
    states is its term ("The offer would extend the lease"), and so is what a side puts
    forward ("The club has offered a four-year deal worth $60 million"), whatever the
    model's letters."""
    if (decided and stated) or actors.offered_by(text, patterns):
        return ["deal_terms"]
    return decided


def _demands(
    sentence: Sentence,
    named: list[str],
    previous: str | None,
    patterns: dict[str, list[re.Pattern[str]]],
) -> list[dict[str, Any]]:
    """The demands a sentence states, made by and of the sides :func:`actors.demand_roles`
    finds; one for each of two things asked for ("a raise and a cap on class sizes")."""
    text = sentence.text
    roles = actors.demand_roles(text, named, previous, patterns)
    if roles is None:
        return []
    maker, target = roles
    asked = _asked(text)
    return [
        {"by": maker, "of": target, "what": what, "evidence": [sentence.id],
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
        cap = CAPS[section]
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
