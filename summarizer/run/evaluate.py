"""Scoring briefs against gold annotations (the format of ``fixtures/devset``).

Matching follows the development set's README: an extracted party matches a gold party when
its name, id or a speaker equals a gold alias (ignoring case); an item matches a gold item when
its actor resolves to the same gold party and its cited sentences overlap the gold evidence
span, or, failing that, its text is close to the gold text (token overlap, no model needed).
Each gold item matches at most once, best candidates first; optional gold items count when
matched and are never misses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from summarizer.article.source import load as load_article
from summarizer.article.text import Article
from summarizer.brief.models import Brief
from summarizer.config import check_concurrency
from summarizer.errors import InputError, ModelOutputError
from summarizer.extract.wording import fragment
from summarizer.grounding import align as grounding
from summarizer.grounding.checks import SECTIONS as ITEM_SECTIONS
from summarizer.run.gold import read as read_gold

# What is scored: the parties, then each section of items.
SECTIONS = ("parties", *ITEM_SECTIONS)
# Token-overlap F1 above which two paraphrases count as the same item when evidence differs.
TEXT_MATCH = 0.5
# Where a required gold item was lost, the first that applies: its actor is not among the
# brief's parties ("parties"); no item cites its evidence ("background"); only items of another
# section do ("kind"); those of its section give another actor ("actor"); else one that
# cites it matched another gold item, or differs in its target ("taken").
LOSSES = ("background", "kind", "parties", "actor", "taken")


@dataclass
class Counts:
    """True positives, false positives and false negatives of one section."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ArticleScore:
    """Scores of one brief against its gold annotation."""

    article: str
    sections: dict[str, Counts] = field(default_factory=lambda: {s: Counts() for s in SECTIONS})
    status_matched: int = 0
    status_correct: int = 0
    items: int = 0
    items_valid: int = 0
    # Matched items, and those whose cited sentences overlap the gold evidence.
    matched: int = 0
    on_target: int = 0
    unmentioned_parties: int = 0
    tokens: int = 0
    # Whether the article is real news, not one written for the set (its first line is a
    # bracketed label such as "[Synthetic article ...]"): the headline figures are the real ones.
    real: bool = True
    # Required gold items missed, by where they were lost (:data:`LOSSES`).
    lost: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LOSSES, 0))
    # Items whose text cannot stand alone (:func:`wording.fragment`).
    fragments: int = 0
    # On matched items whose gold annotation has the field: [judged, correct].
    attribution: list[int] = field(default_factory=lambda: [0, 0])
    modality: list[int] = field(default_factory=lambda: [0, 0])
    # [judged, correct]: a demand's target, where it or its gold names one, and a deal
    # term's proposer, on items paired with a gold item by their evidence alone (matching
    # requires the actors, so on matched items a wrong one could never be seen).
    target: list[int] = field(default_factory=lambda: [0, 0])
    proposer: list[int] = field(default_factory=lambda: [0, 0])
    # On matched items: the summed token-overlap F1 of the item's text with the gold
    # paraphrase, and the summed and longest word counts of the item's text.
    text_f1: float = 0.0
    words: int = 0
    longest: int = 0
    error: str | None = None  # set when no brief could be made


@dataclass
class Report:
    """Scores over a gold set, micro-averaged."""

    articles: list[ArticleScore]

    def real(self) -> Report:
        """The report of the real news articles alone."""
        return Report([a for a in self.articles if a.real])

    def section(self, name: str) -> Counts:
        total = Counts()
        for a in self.articles:
            total.add(a.sections[name])
        return total

    def overall(self) -> Counts:
        total = Counts()
        for name in SECTIONS:
            total.add(self.section(name))
        return total

    def to_dict(self, *, subsets: bool = True) -> dict[str, Any]:
        """Figures as plain data (the JSON output of ``summarizer eval --json``); with
        ``subsets``, the real articles' own figures under ``"real"``."""

        def fig(c: Counts) -> dict[str, Any]:
            return {
                "precision": round(c.precision, 3),
                "recall": round(c.recall, 3),
                "f1": round(c.f1, 3),
                "tp": c.tp,
                "fp": c.fp,
                "fn": c.fn,
            }

        def accuracy(name: str) -> float | None:
            judged = sum(getattr(a, name)[0] for a in self.articles)
            right = sum(getattr(a, name)[1] for a in self.articles)
            return round(right / judged, 3) if judged else None

        matched = sum(a.status_matched for a in self.articles)
        items = sum(a.items for a in self.articles)
        hits = sum(a.matched for a in self.articles)
        return {
            "articles": len(self.articles),
            "sections": {name: fig(self.section(name)) for name in SECTIONS},
            "overall": fig(self.overall()),
            "status_accuracy": round(sum(a.status_correct for a in self.articles) / matched, 3)
            if matched
            else None,
            "evidence_valid": round(sum(a.items_valid for a in self.articles) / items, 3)
            if items
            else None,
            "evidence_on_target": round(sum(a.on_target for a in self.articles) / hits, 3)
            if hits
            else None,
            "attribution_accuracy": accuracy("attribution"),
            "modality_accuracy": accuracy("modality"),
            "target_accuracy": accuracy("target"),
            "proposer_accuracy": accuracy("proposer"),
            "text_f1": round(sum(a.text_f1 for a in self.articles) / hits, 3) if hits else None,
            "item_words": round(sum(a.words for a in self.articles) / hits, 1) if hits else None,
            "longest_item_words": max((a.longest for a in self.articles), default=0),
            "unmentioned_parties": sum(a.unmentioned_parties for a in self.articles),
            "failed": [a.article for a in self.articles if a.error],
            "tokens_per_article": round(sum(a.tokens for a in self.articles) / len(self.articles))
            if self.articles
            else 0,
            "fragment_share": round(sum(a.fragments for a in self.articles) / items, 3)
            if items
            else None,
            "lost": {k: sum(a.lost[k] for a in self.articles) for k in LOSSES},
            "per_article": {a.article: round(_article_counts(a).f1, 3) for a in self.articles},
            **({"real": self.real().to_dict(subsets=False)} if subsets else {}),
        }


def _article_counts(score: ArticleScore) -> Counts:
    """One article's counts over every section."""
    total = Counts()
    for name in SECTIONS:
        total.add(score.sections[name])
    return total


def _party_map(brief: Brief, gold: dict[str, Any]) -> dict[str, str]:
    """Extracted party id -> gold party id, through the gold aliases."""
    alias: dict[str, str] = {}
    for p in gold["parties"]:
        for a in [p["name"], *p["aliases"]]:
            alias.setdefault(a.casefold().strip(), p["id"])
    out: dict[str, str] = {}
    for p in brief.parties:
        for spelling in (p.name, p.id, *p.speakers):
            if (hit := alias.get(spelling.casefold().strip())) is not None:
                out[p.id] = hit
                break
    return out


def _item_spans(art: Article, item: Any) -> list[tuple[int, int]]:
    spans = [(art.sentence(i).start, art.sentence(i).end) for i in item.evidence]
    if item.quote_span is not None:
        spans.append(tuple(item.quote_span))
    return spans


def _overlaps(spans: Iterable[tuple[int, int]], gold: tuple[int, int] | None) -> bool:
    return gold is not None and any(s < gold[1] and gold[0] < e for s, e in spans)


def _text_score(similarity: float, on_evidence: bool) -> float:
    """How well an item matches a gold item (0: not at all): any item on the gold item's
    evidence matches, ahead of those that only say the same; off it, an item matches when
    its words overlap the gold paraphrase by at least :data:`TEXT_MATCH`."""
    if on_evidence:
        return 1.0 + similarity
    return similarity if similarity >= TEXT_MATCH else 0.0


def _match(
    extracted: list[Any],
    golds: list[dict[str, Any]],
    same_actor: Callable[[Any, dict[str, Any]], bool],
    score: Callable[[Any, dict[str, Any]], float],
) -> tuple[Counts, list[tuple[Any, dict[str, Any]]]]:
    pairs = []
    for i, x in enumerate(extracted):
        for j, g in enumerate(golds):
            if same_actor(x, g) and (s := score(x, g)) > 0:
                pairs.append((s, i, j))
    pairs.sort(key=lambda t: -t[0])
    used_x: set[int] = set()
    used_g: set[int] = set()
    matched = []
    for _, i, j in pairs:
        if i in used_x or j in used_g:
            continue
        used_x.add(i)
        used_g.add(j)
        matched.append((extracted[i], golds[j]))
    missed = sum(1 for j, g in enumerate(golds) if j not in used_g and not g.get("optional"))
    return Counts(tp=len(matched), fp=len(extracted) - len(matched), fn=missed), matched


@lru_cache(maxsize=4096)
def _gold_span(evidence: str, text: str) -> tuple[int, int] | None:
    # Aligned once per gold item, not once per candidate pair.
    return grounding.align(evidence, text)


Pairs = list[tuple[Any, dict[str, Any]]]
# Each section's item text and the gold key of its paraphrase.
_TEXTS: dict[str, tuple[Callable[[Any], str], str]] = {
    "positions": (lambda x: f"{x.topic} {x.stance}", "stance"),
    "demands": (lambda x: x.what, "demand"),
    "deal_terms": (lambda x: x.term, "term"),
}


def score_brief(brief: Brief, gold: dict[str, Any], art: Article) -> ArticleScore:
    """Score one brief against one gold annotation of ``art``."""
    result = ArticleScore(article=gold["article"], real=is_real(art.text))
    pmap = _party_map(brief, gold)
    positions, demands, terms = _match_sections(brief, gold, art, result, pmap)
    _tally_losses(result, brief, gold, art, pmap, [*positions, *demands, *terms])
    matched = [*positions, *demands, *terms]
    result.matched = len(matched)
    result.on_target = sum(
        1 for x, g in matched if _overlaps(_item_spans(art, x), _gold_span(g["evidence"], art.text))
    )
    for x, g in matched:
        for name in ("attribution", "modality"):
            if name in g:
                tally = getattr(result, name)
                tally[0] += 1
                tally[1] += getattr(x, name) == g[name]
    result.status_matched = len(terms)
    result.status_correct = sum(1 for x, g in terms if x.status == g["status"])
    for name, pairs in (("positions", positions), ("demands", demands), ("deal_terms", terms)):
        text_of, gold_key = _TEXTS[name]
        for x, g in pairs:
            result.text_f1 += grounding.overlap(text_of(x), g[gold_key])
            size = len(text_of(x).split())
            result.words += size
            result.longest = max(result.longest, size)

    def resolved(ref: str | None) -> str | None:
        return None if ref is None else pmap.get(ref)

    _, paired = _match(brief.demands, gold["demands"], lambda x, g: True, _on_gold(art))
    for x, g in paired:
        if x.of is not None or g["of"] is not None:
            result.target[0] += 1
            result.target[1] += resolved(x.of) == g["of"]
    _, paired = _match(brief.deal_terms, gold["deal_terms"], lambda x, g: True, _on_gold(art))
    for x, g in paired:
        result.proposer[0] += 1
        result.proposer[1] += resolved(x.proposed_by) == g["proposed_by"]
    _tally_brief(result, brief, art)
    return result


def matched_items(brief: Brief, gold: dict[str, Any], art: Article) -> dict[str, list[Any]]:
    """The brief's items that match a gold item, by section (as :func:`score_brief` pairs
    them)."""
    pairs = _match_sections(brief, gold, art, ArticleScore(article=""), _party_map(brief, gold))
    return {name: [x for x, _ in p] for name, p in zip(ITEM_SECTIONS, pairs, strict=True)}


def _on_gold(art: Article) -> Callable[[Any, dict[str, Any]], float]:
    """A pairing score: whether the item cites the gold item's evidence."""

    def score(x: Any, g: dict[str, Any]) -> float:
        return float(_overlaps(_item_spans(art, x), _gold_span(g["evidence"], art.text)))

    return score


def _match_sections(
    brief: Brief, gold: dict[str, Any], art: Article, result: ArticleScore, pmap: dict[str, str]
) -> tuple[Pairs, Pairs, Pairs]:
    """Match each section's items to gold ones, one to one, counting into ``result``; the
    matched positions, demands and deal terms. ``pmap``: extracted party id -> gold id."""

    def same(mine: str | None, theirs: str | None) -> bool:
        return (None if mine is None else pmap.get(mine)) == theirs

    def scorer(
        text_of: Callable[[Any], str], gold_key: str
    ) -> Callable[[Any, dict[str, Any]], float]:
        def score(x: Any, g: dict[str, Any]) -> float:
            sim = grounding.overlap(text_of(x), g[gold_key])
            on_evidence = _overlaps(_item_spans(art, x), _gold_span(g["evidence"], art.text))
            return _text_score(sim, on_evidence)

        return score

    # Parties: matched when they resolve to a gold party; each gold party at most once.
    result.sections["parties"], _ = _match(
        brief.parties, gold["parties"], lambda p, g: pmap.get(p.id) == g["id"], lambda p, g: 1.0
    )
    result.sections["positions"], positions = _match(
        brief.positions,
        gold["positions"],
        lambda x, g: same(x.holder, g["holder"]),
        scorer(*_TEXTS["positions"]),
    )
    result.sections["demands"], demands = _match(
        brief.demands,
        gold["demands"],
        lambda x, g: (
            same(x.by, g["by"]) and (g["of"] is None or x.of is None or same(x.of, g["of"]))
        ),
        scorer(*_TEXTS["demands"]),
    )
    result.sections["deal_terms"], terms = _match(
        brief.deal_terms,
        gold["deal_terms"],
        lambda x, g: same(x.proposed_by, g["proposed_by"]),
        scorer(*_TEXTS["deal_terms"]),
    )
    return positions, demands, terms


_LABEL = re.compile(r"\A\s*\[[^\]\n]*\]\s*$", re.MULTILINE)


def is_real(text: str) -> bool:
    """Whether an article is real news: not one whose first line is a bracketed label saying
    it was written for a test set ("[Synthetic article written for ...]")."""
    return _LABEL.match(text.split("\n", 1)[0]) is None


_ACTORS = {"positions": ("holder",), "demands": ("by", "of"), "deal_terms": ("proposed_by",)}


def _tally_losses(
    result: ArticleScore,
    brief: Brief,
    gold: dict[str, Any],
    art: Article,
    pmap: dict[str, str],
    matched: Pairs,
) -> None:
    """Count each required gold item the brief missed under where it was lost (:data:`LOSSES`)."""
    hit = {id(g) for _, g in matched}
    found = set(pmap.values())
    for section in ITEM_SECTIONS:
        for g in gold[section]:
            if g.get("optional") or id(g) in hit:
                continue
            span = _gold_span(g["evidence"], art.text)

            def cites(x: Any, span: tuple[int, int] | None = span) -> bool:
                return _overlaps(_item_spans(art, x), span)

            actor = _ACTORS[section][0]
            if g[actor] is not None and g[actor] not in found:
                where = "parties"
            elif not any(cites(x) for s in ITEM_SECTIONS for x in getattr(brief, s)):
                where = "background"
            elif not any(cites(x) for x in getattr(brief, section)):
                where = "kind"
            elif all(
                (None if (a := getattr(x, actor)) is None else pmap.get(a)) != g[actor]
                for x in getattr(brief, section)
                if cites(x)
            ):
                where = "actor"
            else:
                where = "taken"
            result.lost[where] += 1


def _tally_brief(result: ArticleScore, brief: Brief, art: Article) -> None:
    """What is counted of the brief as a whole: valid items, unmentioned parties, tokens."""
    items = [*brief.positions, *brief.demands, *brief.deal_terms]
    result.items = len(items)
    result.fragments = sum(
        1 for name in ITEM_SECTIONS for x in getattr(brief, name) if fragment(_TEXTS[name][0](x))
    )
    n = len(art.sentences)
    # Valid: the cited sentences exist and the item passed its grounding checks (its quote
    # is in the article, its sentences share content with its claim, no added estimates).
    result.items_valid = sum(
        1 for x in items if x.evidence and all(1 <= i <= n for i in x.evidence) and x.verified
    )
    lowered = art.text.casefold()
    result.unmentioned_parties = sum(
        1
        for p in brief.parties
        if not any(s.casefold() in lowered for s in (p.name, *p.speakers) if s.strip())
    )
    usage = brief.metadata.usage
    result.tokens = usage.prompt_tokens + usage.completion_tokens


def load_gold(directory: Path) -> list[tuple[dict[str, Any], Path]]:
    """Every ``*.gold.json`` in ``directory`` with the path of its article; raises
    :class:`~summarizer.errors.InputError` for the first that is no gold annotation."""
    found = sorted(directory.glob("*.gold.json"))
    if not found:
        raise InputError(f"{directory} has no *.gold.json files", hint="give a gold-set directory")
    # Every file is checked before the first is scored: the briefs are paid for first.
    return [(gold, directory / gold["article"]) for gold in map(read_gold, found)]


def evaluate(
    directory: Path,
    summarize: Callable[[Path], Brief],
    progress: Callable[[str], None] | None = None,
    *,
    concurrency: int = 1,
) -> Report:
    """Summarise every gold article with ``summarize``, ``concurrency`` at a time, and
    score the briefs (in the gold set's order, however they finish)."""
    from concurrent.futures import ThreadPoolExecutor

    check_concurrency(concurrency)

    def one(item: tuple[dict[str, Any], Path]) -> ArticleScore:
        gold, path = item
        if progress:
            progress(f"scoring {path.name}")
        try:
            brief = summarize(path)
        except ModelOutputError as exc:
            # An article the model failed on scores as an empty brief: every required gold
            # item is a miss. The run goes on, and the failure is reported. (Anything else —
            # a replay miss, a dead server — stops the evaluation.)
            return _failed(gold, load_article(path), str(exc))
        return score_brief(brief, gold, load_article(path))

    with ThreadPoolExecutor(concurrency) as pool:
        return Report(list(pool.map(one, load_gold(directory))))


def _failed(gold: dict[str, Any], art: Article, error: str) -> ArticleScore:
    """An empty brief's score: every required item missed, lost with the party list that
    holds its actor (or, with no actor, to background)."""
    result = ArticleScore(article=gold["article"], error=error, real=is_real(art.text))
    for name in SECTIONS:
        result.sections[name].fn = sum(1 for g in gold[name] if not g.get("optional"))
    for name in ITEM_SECTIONS:
        actor = _ACTORS[name][0]
        for g in gold[name]:
            if not g.get("optional"):
                result.lost["background" if g[actor] is None else "parties"] += 1
    return result
