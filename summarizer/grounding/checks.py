"""Grounding: each item checked against the article it claims to rest on.

A stage of its own, the same for every strategy: :func:`problems` lists what is wrong with an
extraction (the model is re-asked with exactly these errors), :func:`ground` aligns quotes to
the article and marks what is still wrong once re-asks are spent. Plain functions over plain
data: a test grounds a hand-built extraction with no model at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from summarizer.article.text import Article
from summarizer.errors import ModelOutputError
from summarizer.grounding import align as grounding
from summarizer.lexicon import initials

SECTIONS = ("positions", "demands", "deal_terms")
# The text fields a model writes for an item of each section: what its evidence must state.
CLAIMS = {
    "positions": ("topic", "stance"),
    "demands": ("what", "condition", "deadline", "threat"),
    "deal_terms": ("term",),
}
# Estimative words: a judgment's, never a reported fact's unless the article used them.
_ESTIMATIVE = re.compile(
    r"\b(?:almost no chance|(?:very |highly )?(?:un)?likely|(?:roughly )?even chance|"
    r"almost certain(?:ly)?|probabl[ey]|improbable|remote chance)\b",
    re.IGNORECASE,
)


def estimative_words(text: str) -> list[str]:
    """The estimative expressions (ICD 203 and kin) in ``text``, lower-case."""
    return [m.group(0).lower() for m in _ESTIMATIVE.finditer(text)]


def new_estimates(claim: str, source: str) -> list[str]:
    """Estimative words in ``claim`` that ``source`` does not use."""
    said = source.lower()
    return [w for w in estimative_words(claim) if w not in said]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an extraction."""

    where: str  # "deal_terms[1]"
    error: str  # what the model is told when re-asked
    # Why a reader sees the item marked unverified when the model does not fix it; None
    # when it cannot be kept even so (a sentence that does not exist, an estimate in the
    # summary).
    reason: str | None = None


def claim(item: Any, section: str) -> str:
    """The words an item of ``section`` claims, as one text."""
    return " ".join(str(getattr(item, name) or "") for name in CLAIMS[section])


def _quote_span(item: Any, article: Article) -> Span | None:
    first, last = article.sentence(item.evidence[0]), article.sentence(item.evidence[-1])
    return grounding.align(item.quote, article.text, within=(first.start, last.end))


def missing_ids(ids: list[int], article: Article) -> str | None:
    """What is wrong with citing sentences ``ids`` of ``article``, if any of them is not one."""
    n = len(article.sentences)
    bad = [i for i in ids if not 1 <= i <= n]
    return f"sentence ids {bad} do not exist; the article has sentences 1-{n}" if bad else None


Span = tuple[int, int]


def _item_problems(
    item: Any, section: str, where: str, article: Article
) -> tuple[list[Problem], Span | None]:
    """What is wrong with one item, and where its quote lies in the article."""
    if (wrong := missing_ids(item.evidence, article)) is not None:
        return [Problem(where, wrong)], None
    found = []
    said = claim(item, section)
    cited = " ".join(article.sentence(i).text for i in item.evidence)
    if new := new_estimates(said, cited):
        found.append(
            Problem(
                where,
                f"{new[0]!r} is estimative language that sentence {item.evidence[0]} does not "
                "use; report only what the article states",
                "more estimative than its sentence",
            )
        )
    span = _quote_span(item, article) if item.quote else None
    if item.quote and span is None:
        found.append(
            Problem(
                where,
                f"quote {item.quote!r} is not in the article; copy it exactly from sentence "
                f"{item.evidence[0]} or set quote to null",
                "quote not found in the article",
            )
        )
    # Sentence numbers that exist are not enough: small models number sentences in order.
    # A quote found in the cited sentences grounds the item; else they must share at least
    # one content word (or its stem) with the claim. A claim with no word at all (symbols,
    # emoji) shares none: it is not borne out, never trusted by default.
    if span is None and not grounding.shares_stem(said, cited):
        ids = ", ".join(str(i) for i in item.evidence)
        found.append(
            Problem(
                where,
                f"sentence {ids} shares no words with {said.strip()[:80]!r}; cite the number of "
                "the sentence that states it",
                "its sentences do not state it",
            )
        )
    sentences = [article.sentence(i).text for i in item.evidence]
    if all(_INSTRUCTION.search(text) for text in sentences):
        found.append(
            Problem(
                where,
                f"sentence {item.evidence[0]} addresses the reader or the model instead of "
                "reporting; cite the sentence that reports the item",
                "its only evidence reads as an instruction, not a report",
            )
        )
    return found, span


# A sentence that talks to the model or numbers itself as the prompt does ("Ignore the
# instructions", "[S3] Sentence 4: ..."): an article's text written to steer the model. An
# item resting on such sentences alone is not borne out, whatever the model made of it.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+|"
    r"above\s+)*(?:instructions?|prompts?|rules?)\b|\b(?:you are|act as)\s+(?:an?\s+)?"
    r"(?:ai|assistant|language model|model)\b|\bsystem prompt\b|\[S\d+\]|"
    r"\bsentence\s+\d+\s*:|\blist\s+(?:the\s+)?part(?:y|ies)\b",
    re.IGNORECASE,
)


def named_in(names: list[str], article: Article) -> bool:
    """Whether ``article`` names a party called ``names`` (its name, id, people): a content
    word of one occurs there (by stem), or the initials of one ("UN" for "United Nations")."""
    if grounding.shares_stem(" ".join(names), article.text):
        return True
    found = {w.replace(".", "") for w in re.findall(r"\b[A-Z](?:\.?[A-Z])+\.?", article.text)}
    return any(initials and initials in found for initials in map(initials, names))


def party_problem(party: Any, where: str, article: Article) -> Problem | None:
    """What is wrong with a party of ``article``: named nowhere in it (an invented side)."""
    if named_in([party.name, getattr(party, "id", ""), *party.speakers], article):
        return None
    return Problem(
        where,
        f"party {party.name!r} is not named in the article; list only the sides it names",
        "not named in the article",
    )


def summary_problem(summary: str, article: Article) -> Problem | None:
    """What is wrong with a summary of ``article``: estimative words the article does not
    use (a summary is never kept unverified)."""
    if new := new_estimates(summary, article.text):
        return Problem(
            "summary",
            f"the summary says {new[0]!r}, estimative language the article does not use; "
            "report only what the article states",
        )
    return None


def _checked(extraction: Any, article: Article) -> tuple[list[Problem], dict[str, Span | None]]:
    """Every problem, in order, and each item's quote span by its place ("demands[0]")."""
    found = []
    spans: dict[str, Span | None] = {}
    if (wrong := summary_problem(extraction.summary, article)) is not None:
        found.append(wrong)
    for i, party in enumerate(extraction.parties):
        if (wrong := party_problem(party, f"parties[{i}]", article)) is not None:
            found.append(wrong)
    for section in SECTIONS:
        for i, item in enumerate(getattr(extraction, section)):
            where = f"{section}[{i}]"
            item_found, spans[where] = _item_problems(item, section, where, article)
            found += item_found
    return found, spans


def problems(extraction: Any, article: Article) -> list[Problem]:
    """Everything in ``extraction`` that ``article`` does not bear out, in order."""
    return _checked(extraction, article)[0]


def keepable(found: list[Problem]) -> bool:
    """Whether an extraction with ``found`` may still be kept, its items marked unverified."""
    return all(p.reason is not None for p in found)


# Any model shaped like the brief's extraction (``schema.Extraction`` and its subclasses):
# the brief's models validate answers with the checks above, so this stage names none of them.
E = TypeVar("E", bound=BaseModel)


def ground(extraction: E, article: Article) -> E:
    """A copy of ``extraction`` with each quote's span in the article, and each item the
    article does not bear out marked ``verified: false`` with the reason: fail closed,
    never silently dropped or silently trusted.

    Raises :class:`~summarizer.errors.ModelOutputError` when something cannot be kept even
    so (see :class:`Problem`): validation against the article lets no such answer through."""
    found, spans = _checked(extraction, article)
    if not keepable(found):
        wrong = "; ".join(f"{p.where}: {p.error}" for p in found if p.reason is None)
        raise ModelOutputError(f"the model's answer does not fit the article: {wrong}"[:400])
    out = extraction.model_copy(deep=True)
    why = {p.where: p.reason for p in reversed(found)}  # the first reason of each item
    for i, party in enumerate(getattr(out, "parties")):  # noqa: B009 - any such model
        if (reason := why.get(f"parties[{i}]")) is not None:
            party.verified, party.unverified_reason = False, reason
    for section in SECTIONS:
        for i, item in enumerate(getattr(out, section)):
            where = f"{section}[{i}]"
            item.quote_span = spans[where]
            if (reason := why.get(where)) is not None:
                item.verified, item.unverified_reason = False, reason
    return out
