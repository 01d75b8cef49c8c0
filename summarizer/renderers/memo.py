"""Briefing memos: one or more briefs merged into the memo an analyst hands to a reader.

No model call: everything is derived from :class:`~summarizer.schema.Brief` objects. Several
briefs on one negotiation are merged: the same party under different names becomes one party,
repeated items collapse and list every source, and deal terms whose status differs across
sources are flagged as contradictions rather than merged silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from summarizer.brief.models import LIKELIHOODS, Brief, KeyJudgment, Party
from summarizer.grounding import align as grounding
from summarizer.lexicon import SPEECH_FORMS, alternation
from summarizer.reading import attribution
from summarizer.renderers.diff import compare
from summarizer.renderers.merge import SAME_ITEM, merge_parties

# Deal-term statuses in the order a reader wants them: sticking points first.
STATUS_ORDER = (
    "disputed",
    "rejected",
    "under_negotiation",
    "proposed",
    "agreed",
    "implemented",
    "withdrawn",
)
_WATCH = re.compile(
    r"\b(next (week|month|year)|tomorrow|deadline|due|expires?|by (mid-)?(january|february|"
    r"march|april|may|june|july|august|september|october|november|december)|(on|by|before|"
    r"until) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|is set to|will (vote|"
    r"meet|travel|resume|decide)|scheduled|ultimatum|last warning)\b",
    re.IGNORECASE,
)
_SOURCING = re.compile(
    rf"\b(sources? (told|said)|according to|told [A-Z]\w+|{alternation(SPEECH_FORMS)}|"
    r"a (former|senior) [\w ]+ (noted|said))\b"
)


@dataclass
class Cite:
    """One piece of evidence: a sentence of one source."""

    source: int  # index into Memo.sources
    sentence: int


@dataclass
class Entry:
    """A memo line: an item from one or more briefs, with all its evidence."""

    kind: str  # "position", "demand" or "deal_term"
    item: Any
    actors: tuple[str | None, ...]
    cites: list[Cite] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    anchor: str = ""
    answers: list[str] = field(default_factory=list)  # demands: where each one stands


@dataclass
class Source:
    """One article behind the memo."""

    brief: Brief
    label: str


@dataclass
class Memo:
    """Everything the memo templates render."""

    title: str
    summary: list[str]
    parties: list[Party]
    sources: list[Source]
    positions: list[Entry]
    demands: list[Entry]
    deal_terms: list[Entry]
    watch: list[tuple[int, int]]  # (source, sentence)
    sourcing: list[tuple[int, int, bool]]  # (source, sentence, anonymous)
    # What changed from each source to the next (oldest first): (later source, lines).
    changes: list[tuple[int, list[str]]] = field(default_factory=list)
    # The latest source's key judgments: (source, judgment).
    judgments: list[tuple[int, KeyJudgment]] = field(default_factory=list)
    # Why there are none, when the latest source asked for them and got none.
    judgments_missing: str | None = None

    @staticmethod
    def likelihood_range(word: str) -> str:
        """The probability an ICD 203 likelihood word stands for."""
        return LIKELIHOODS[word]

    def party_name(self, pid: str | None) -> str:
        """Display name of a merged party id."""
        if pid is None:
            return "unnamed party"
        return next((p.name for p in self.parties if p.id == pid), pid)

    def terms_by_status(self) -> list[tuple[str, list[Entry]]]:
        """Deal terms grouped by status, sticking points first."""
        return [
            (status, [e for e in self.deal_terms if e.item.status == status])
            for status in STATUS_ORDER
            if any(e.item.status == status for e in self.deal_terms)
        ]

    def sentence(self, source: int, sid: int) -> str:
        """The text of sentence ``sid`` of source ``source``."""
        return next(s.text for s in self.sources[source].brief.sentences if s.id == sid)

    def cited_by(self) -> dict[tuple[int, int], list[str]]:
        """Sentence -> anchors of the memo entries that cite it (for the evidence view)."""
        out: dict[tuple[int, int], list[str]] = {}
        for entry in [*self.positions, *self.demands, *self.deal_terms]:
            for c in entry.cites:
                out.setdefault((c.source, c.sentence), []).append(entry.anchor)
        for n, (si, judgment) in enumerate(self.judgments, 1):
            for sid in judgment.evidence:
                out.setdefault((si, sid), []).append(f"kj{n}")
        return out


def _text(kind: str, item: Any) -> str:
    if kind == "position":
        return f"{item.topic} {item.stance}"
    return str(item.what if kind == "demand" else item.term)


def _collect(kind: str, attr: str, briefs: list[Brief], maps: list[dict[str, str]]) -> list[Entry]:
    entries: list[Entry] = []
    for si, brief in enumerate(briefs):
        for item in getattr(brief, attr):
            if kind == "position":
                actors: tuple[str | None, ...] = (maps[si].get(item.holder),)
                update: dict[str, Any] = {"holder": actors[0] or item.holder}
            elif kind == "demand":
                actors = (maps[si].get(item.by), maps[si].get(item.of) if item.of else None)
                update = {"by": actors[0] or item.by, "of": actors[1]}
            else:
                actors = (maps[si].get(item.proposed_by) if item.proposed_by else None,)
                update = {
                    "proposed_by": actors[0],
                    "binds": [maps[si].get(b, b) for b in item.binds],
                }
            item = item.model_copy(update=update)
            cites = [Cite(si, i) for i in item.evidence]
            same = next(
                (
                    e
                    for e in entries
                    if e.actors == actors
                    and grounding.overlap(_text(kind, e.item), _text(kind, item)) >= SAME_ITEM
                ),
                None,
            )
            if same is None:
                entries.append(Entry(kind, item, actors, cites, answers=_answers(brief, item)))
                continue
            same.cites.extend(c for c in cites if c not in same.cites)
            if kind == "deal_term" and same.item.status != item.status:
                same.conflicts.append(
                    f"source {si + 1} reports this term as {item.status.replace('_', ' ')}"
                )
    for n, e in enumerate(entries, 1):
        e.anchor = f"{kind}-{n}"
    return entries


def _answers(brief: Brief, item: Any) -> list[str]:
    """For a demand: each answer in its brief, as "kind: text"."""
    out = []
    for r in getattr(item, "responses", []):
        answer = getattr(brief, r.section)[r.index]
        text = answer.term if r.section == "deal_terms" else answer.claim
        out.append(f"{r.kind.replace('_', '-')}: {text} (S{answer.evidence[0]})")
    return out


def _scan(briefs: list[Brief], pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [
        (si, s.id)
        for si, brief in enumerate(briefs)
        for s in brief.sentences
        if pattern.search(s.text)
    ]


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]+, (" + "|".join(_MONTHS) + r")\.? (\d{1,2})\b", re.IGNORECASE
)


def _dateline(brief: Brief) -> tuple[int, int] | None:
    """(month, day) from a news dateline ("NEW CARVELL, May 4 - ...") near the top."""
    for sentence in brief.sentences[:4]:
        if m := _DATELINE.match(sentence.text):
            return _MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))
    return None


def by_date(briefs: list[Brief]) -> list[Brief]:
    """Oldest first: by publication date when every brief has one (ISO dates sort as text),
    else by dateline (month and day, one negotiation within a year) when every brief has
    one, else as given."""
    if all(b.published for b in briefs):
        return sorted(briefs, key=lambda b: str(b.published))
    datelines = [_dateline(b) for b in briefs]
    if all(datelines):
        order = sorted(range(len(briefs)), key=lambda i: datelines[i] or (0, 0))
        return [briefs[i] for i in order]
    return list(briefs)


def build(briefs: list[Brief]) -> Memo:
    """Merge one or more briefs (same negotiation) into a :class:`Memo`: sources oldest
    first, what changed between them, and the latest source's key judgments."""
    briefs = by_date(briefs)
    parties, maps = merge_parties(briefs)
    sources = [Source(b, b.title or b.source) for b in briefs]
    sourcing = [
        (si, sid, attribution.is_anonymous(briefs[si].sentences[sid - 1].text))
        for si, sid in _scan(briefs, _SOURCING)
    ]
    return Memo(
        title=briefs[0].title or briefs[0].source,
        summary=list(dict.fromkeys(b.summary for b in briefs)),
        parties=parties,
        sources=sources,
        positions=_collect("position", "positions", briefs, maps),
        demands=_collect("demand", "demands", briefs, maps),
        deal_terms=_collect("deal_term", "deal_terms", briefs, maps),
        watch=_scan(briefs, _WATCH),
        sourcing=sourcing,
        changes=[
            (i, [*c.terms, *c.demands, *c.positions])
            for i in range(1, len(briefs))
            if not (c := compare(briefs[i - 1], briefs[i])).empty
        ],
        judgments=next(
            (
                [(i, j) for j in b.judgments]
                for i, b in reversed(list(enumerate(briefs)))
                if b.judgments
            ),
            [],
        ),
        judgments_missing=briefs[-1].judgments_missing,
    )


FORMATS = ("md", "html", "table")
# Output file suffixes and the memo format each one means (-o without -f).
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".txt": "table"}


def _html_text(value: Any) -> Any:
    """A value as the HTML view shows it: without terminal controls, NUL and the bidi
    overrides that would reorder what a reader sees (escaping comes after)."""
    from markupsafe import Markup

    from summarizer.terminal import printable

    return printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def render(memo: Memo, fmt: str) -> str:
    """Render ``memo`` as ``md``, ``html`` (self-contained evidence view) or ``table``."""
    import jinja2

    from summarizer.renderers.formats import markdown_text, template_source

    if fmt == "table":
        return _table(memo)
    env = jinja2.Environment(
        trim_blocks=True,
        lstrip_blocks=True,
        # HTML: every article and model string is escaped, so markup in either cannot run;
        # Markdown: HTML in them is escaped, so a Markdown viewer shows it as text.
        autoescape=fmt == "html",
        finalize=_html_text if fmt == "html" else markdown_text,
        undefined=jinja2.StrictUndefined,
    )
    template = env.from_string(template_source(f"memo.{fmt}.j2"))
    return template.render(memo=memo, cited_by=memo.cited_by()).strip() + "\n"


def _table(memo: Memo, width: int = 80) -> str:
    import io

    from rich.console import Console
    from rich.markdown import Markdown

    from summarizer.terminal import printable

    console = Console(width=width, file=io.StringIO(), record=True, color_system=None, markup=False)
    console.print(Markdown(render(memo, "md")))
    return printable(console.export_text())
