"""Four ways to take in sentences the hand rules call background, measured in the late-night
stop of 2026-12-07 and not kept (docs/quality.md, section "late-night stop"); taken at the
commit that fixed the fit's labels.

``python docs/experiments/kind_addons.py`` (about 35 minutes, replayed):

- ``learned add-on``: the hand rules' kinds, plus each kind the learned model (fitted
  without the article, :func:`summarizer.run.fit.fold_models`) gives a probability of at
  least ``t``; for each subset of kinds, ``t`` is chosen for each real article on the other
  48 (never adding is a setting too). It can only add sentences, where the fit's designs let
  the model drop the rules' own.
- ``speech cues``: the verbs that report speech (``lexicon.SPEECH_FORMS``: "cautioned",
  "emphasised", "noted", ...) also cue a position, so the background cut for such a
  sentence is the cued one; chosen for each real article on the other 48.
- ``relative cut``: a sentence is background when its P(background) is at least a multiple
  of the article's mean (one multiple where it has a cue word, another where it has none);
  the multiples chosen for each real article on the other 48, the hand rules among the
  settings.
- ``demands need asking``: a demand needs a word of asking (``cues.CUES``) or a parse of one
  (:func:`summarizer.extract.parse.demands`, :func:`~summarizer.extract.parse.asks_to_act`),
  else the sentence's demand is a position; the hand rules' two background cuts chosen
  beside it.
- ``both``: the learned add-on for positions (never, 0.6, 0.7) with demands that need asking
  (off or on) and the uncued background cut (0.1, 0.15, 0.2), all chosen together.

Each prints the held-out gain over the hand rules with a 95% bootstrap interval over the 23
real articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from chain_switches import figures  # beside this script: run as a script
from party_switches import scores as every_article

from summarizer.config import resolve
from summarizer.extract import cues, kinds, parse
from summarizer.lexicon import SPEECH_FORMS, alternation
from summarizer.run import fit

ADDS = (None, 0.6, 0.7, 0.8, 0.9, 0.95)
SUBSETS = (
    ("positions",),
    ("demands",),
    ("deal_terms",),
    ("positions", "demands"),
    kinds.SECTIONS,
)


def added(
    r: fit.Reading, model: kinds.KindsModel, at: float | None, only: tuple[str, ...]
) -> fit.Decide:
    """The hand rules' kinds of ``r``'s sentences, plus those of ``only`` that ``model``
    gives at least ``at``."""

    def decide(s: kinds.Sentence) -> list[str]:
        ruled = kinds.rules(s)
        if at is None:
            return ruled
        p = model.probabilities(r.features[s.index])
        return [k for k in kinds.SECTIONS if k in ruled or (k in only and p[k] >= at)]

    return decide


def every_reading() -> list[fit.Reading]:
    rows = fit.readings(Path("fixtures/devset"), resolve(replay=Path("fixtures/recorded")))
    fresh = fit.readings(Path("fixtures/fresh"), resolve(replay=Path("fixtures/recorded-fresh")))
    return rows + [replace(r, held_out=False) for r in fresh]


def judged(label: str, rows: list[fit.Reading], settings: dict[Any, fit.Decide]) -> None:
    """Each setting's briefs, one decision for every article: see :func:`reported`."""
    reported(label, fit.Grid(rows, {k: [fit.brief_score(r, d) for r in rows]
                                    for k, d in settings.items()}))  # fmt: skip


def reported(label: str, grid: fit.Grid[Any]) -> None:
    """Each setting's figures; the one chosen for each real article on the others; the gain
    over the first setting (the hand rules)."""
    rows = grid.rows
    hand = [a for a, r in zip(next(iter(grid.scores.values())), rows, strict=True) if r.real]
    for key, found in grid.scores.items():
        print(f"  {key}: {figures([a for a, r in zip(found, rows, strict=True) if r.real])}")
    gain, low, high = fit.bootstrap(hand, grid.held_out())
    print(f"{label}: chosen on all {grid.best()}; gain {gain:+.3f} [{low:+.3f}, {high:+.3f}]")


def relative(cued: float, uncued: float) -> fit.Decide:
    """The hand rules with the background cut at ``cued`` or ``uncued`` times the article's
    mean P(background)."""
    never = kinds.Cuts(background=1.01, uncued=1.01)

    def decide(s: kinds.Sentence) -> list[str]:
        cue = any(rule.search(s.text) for rule in cues.CUES.values())
        if s.probs["A"] / max(s.usual["A"], 1e-9) >= (cued if cue else uncued):
            return []
        return kinds.rule_kinds(s.probs, s.text, s.usual, never)

    return decide


def relative_cut(rows: list[fit.Reading]) -> None:
    settings: dict[Any, fit.Decide] = {"hand rules": kinds.rules}
    for cued in (1.0, 1.2, 1.4, 1.7):
        for uncued in (0.6, 0.8, 1.0, 1.2):
            if uncued <= cued:
                settings[(cued, uncued)] = relative(cued, uncued)
    judged("relative cut", rows, settings)


def asking(cuts: kinds.Cuts, needed: bool) -> fit.Decide:
    """The hand rules with ``cuts``; with ``needed``, a demand only where the sentence has a
    word or a parse of asking, else a position."""

    def decide(s: kinds.Sentence) -> list[str]:
        found = kinds.rule_kinds(s.probs, s.text, s.usual, cuts)
        asks = cues.CUES["demands"].search(s.text) or parse.demands(s.text)
        if not needed or "demands" not in found or asks or parse.asks_to_act(s.text):
            return found
        return [k for k in kinds.SECTIONS if k == "positions" or k in found and k != "demands"]

    return decide


def demands_need_asking(rows: list[fit.Reading]) -> None:
    settings: dict[Any, fit.Decide] = {}
    for needed in (False, True):
        for background in (0.25, 0.35):
            for uncued in (0.1, 0.15, 0.2, 0.25):
                if uncued <= background:
                    cuts = kinds.Cuts(background, uncued)
                    settings[(needed, background, uncued)] = asking(cuts, needed)
    judged("demands need asking", rows, settings)


def learned_addon(rows: list[fit.Reading]) -> None:
    models = fit.fold_models(rows)
    for only in SUBSETS:
        pairs = list(zip(rows, models, strict=True))
        grid = fit.Grid(
            rows, {at: [fit.brief_score(r, added(r, m, at, only)) for r, m in pairs] for at in ADDS}
        )
        reported(f"learned add-on for {' + '.join(only)}", grid)
        print(f"  held out {figures(grid.held_out())}")


@contextmanager
def speech_as_cues() -> Iterator[None]:
    """The verbs that report speech cue a position, while inside."""
    shipped = cues.CUES["positions"]
    speech = alternation(SPEECH_FORMS)
    cues.CUES["positions"] = re.compile(rf"{shipped.pattern}|\b{speech}\b", re.IGNORECASE)
    try:
        yield
    finally:
        cues.CUES["positions"] = shipped


def speech_cues() -> None:
    base = every_article()
    with speech_as_cues():
        alt = every_article()
    real = [a for a in base if a.real]
    # A Grid asks of its rows only whether each is real, which a score says too.
    grid = fit.Grid(cast("list[fit.Reading]", base), {False: base, True: alt})
    gain, low, high = fit.bootstrap(real, grid.held_out())
    print(f"speech cues: all on {figures([a for a in alt if a.real])}")
    print(f"  gain {gain:+.3f} [{low:+.3f}, {high:+.3f}]")


def both(rows: list[fit.Reading]) -> None:
    models = fit.fold_models(rows)

    def decide(r: fit.Reading, model: kinds.KindsModel, key: tuple[Any, ...]) -> fit.Decide:
        uncued, needed, at = key
        ask = asking(kinds.Cuts(0.25, uncued), needed)
        add = added(r, model, at, ("positions",))
        # The add-on's positions only: its other kinds are the hand rules', cut as they cut.
        return lambda s: [
            k for k in kinds.SECTIONS if k in ask(s) or (k == "positions" and k in add(s))
        ]

    keys = [
        (uncued, needed, at)
        for needed in (False, True)
        for uncued in (0.1, 0.15, 0.2)
        for at in (None, 0.6, 0.7)
    ]
    pairs = list(zip(rows, models, strict=True))
    grid = fit.Grid(rows, {key: [fit.brief_score(r, decide(r, m, key)) for r, m in pairs]
                           for key in keys})  # fmt: skip
    reported("both", grid)


if __name__ == "__main__":
    speech_cues()
    every = every_reading()
    learned_addon(every)
    relative_cut(every)
    demands_need_asking(every)
    both(every)
