"""Three party and actor rules, judged as one chain with the learned kinds, as run/fit.py
judges a design (docs/quality.md). None is shipped: their gain did not clear its interval.

``pip install countryinfo; python docs/experiments/chain_switches.py`` (about 20 minutes on
2 cores, replayed): every dev and fresh article is summarised with each subset of the rules
below on, and with the kinds of positions decided by the hand rules or by the learned model
(fitted without the article, at three shifts of its threshold). For each real article the
setting is chosen on the other articles; the held-out gain over the shipped chain has a 95%
bootstrap interval over the real articles.

- ``country names``: a country is also its people's adjective ("the Turkish government" is
  Turkey's), and the adjective its country, from the countryinfo package.
- ``unlisted speakers``: a person whose title ties them to no listed side ("Secretary of
  State X") is a side of their own; the shipped rule drops a spokesman, minister or envoy.
- ``unlisted subject``: a position whose main verb's subject is a proper name that is no
  side's ("Senator Ada Voss said ...") is no side's; the shipped rule gives it to a side
  the sentence names further on.

Its figures in docs/quality.md were measured at 0b66b1c, before the night stop shipped the rules
of ``speaker_switches.py``; run at that commit to reproduce them.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import summarizer
from summarizer.extract import actors, kinds, parse, scored, sides
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore, Report

SETS = (("fixtures/devset", "fixtures/recorded"), ("fixtures/fresh", "fixtures/recorded-fresh"))
RULES = ("country names", "unlisted speakers", "unlisted subject")
SHIFTS = (0.0, 0.05, 0.1)


@cache
def _countries() -> dict[str, tuple[str, str]]:
    """Each country's name, longer official names (no codes) and adjective, folded ->
    (its name, its adjective)."""
    import countryinfo

    out: dict[str, tuple[str, str]] = {}
    for country in countryinfo.all_countries():
        name, adjective = country.name(), country.demonym()
        if name and adjective:
            for form in (name, *(a for a in country.alt_spellings() if len(a) > 3), adjective):
                out.setdefault(form.casefold(), (name, adjective))
    return out


_spellings = sides.spellings


def country_spellings(side: sides.Side) -> list[str]:
    out = _spellings(side)
    found = _countries().get(sides._HEAD.sub("", sides._bare_name(side)).casefold())
    return out + [x for x in found or () if x not in out]


_actor_of = actors.actor_of


def unlisted_subject(
    text: str, named: list[str], section: str, previous: str | None, patterns: Any
) -> str | None:
    found = _actor_of(text, named, section, previous, patterns)
    if section != "positions" or found is None:
        return found
    if actors._stance_side(text, patterns) or actors.subject_side(text, patterns):
        return found
    holder = parse.holder(text)
    if len(holder.subjects) != 1 or holder.pronoun:
        return found
    start, end = holder.subjects[0]
    doc = parse.tokens(text)
    inside = [t for t in doc if start <= t.idx < end]
    heads = [t for t in inside if not start <= t.head.idx < end or t.head.i == t.i]
    proper = bool(heads) and heads[0].pos_ == "PROPN"
    spoken = sides.unquoted(text, (start, end))
    return None if proper and spoken and not sides.mentions(text[start:end], patterns) else found


@contextmanager
def patched(*changes: tuple[Any, str, Any]) -> Iterator[None]:
    saved = [(module, name, getattr(module, name)) for module, name, _ in changes]
    for module, name, value in changes:
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


ON: dict[str, Callable[[], Any]] = {
    "country names": lambda: patched(
        (sides, "spellings", country_spellings), (scored, "spellings", country_spellings)
    ),
    # A pattern that matches nothing: no one is dropped.
    "unlisted speakers": lambda: patched((sides, "_SPEAKS_FOR", re.compile(r"(?!)"))),
    "unlisted subject": lambda: patched((actors, "actor_of", unlisted_subject)),
}


def readings() -> list[fit.Reading]:
    (dev, dev_replay), (fresh, fresh_replay) = SETS
    rows = fit.readings(Path(dev), summarizer.resolve(replay=Path(dev_replay)))
    more = fit.readings(Path(fresh), summarizer.resolve(replay=Path(fresh_replay)))
    return rows + [replace(r, held_out=False) for r in more]


def figures(scores: list[ArticleScore]) -> str:
    d = Report([a for a in scores if a.real]).to_dict(subsets=False)
    s = d["sections"]
    return (
        f"overall {d['overall']['f1']:.3f} | parties R {s['parties']['recall']:.3f} "
        f"P {s['parties']['precision']:.3f} | positions {s['positions']['f1']:.3f} "
        f"(P {s['positions']['precision']:.3f}) demands {s['demands']['f1']:.3f} deal terms "
        f"{s['deal_terms']['f1']:.3f} | target {d['target_accuracy']} | lost {d['lost']}"
    )


def main() -> None:
    Setting = tuple[tuple[str, ...], float | None]
    scores: dict[Setting, list[ArticleScore]] = {}
    models: list[kinds.KindsModel] = []
    rows: list[fit.Reading] = []
    for on in (c for k in range(len(RULES) + 1) for c in itertools.combinations(RULES, k)):
        with ExitStack() as stack:
            for rule in on:
                stack.enter_context(ON[rule]())
            rows = readings()
            # The learned kinds are fitted once, without each article, on the shipped chain.
            models = models or fit.fold_models(rows)
            hand = kinds.Decision(kinds.HAND, None)
            scores[(on, None)] = [fit.brief_score(r, hand) for r in rows]
            for shift in SHIFTS:
                scores[(on, shift)] = [
                    fit.brief_score(r, fit._known(r, fit.shifted(m, shift), ("positions",)))
                    for r, m in zip(rows, models, strict=True)
                ]
        for shift in (None, *SHIFTS):
            print(f"{' + '.join(on) or 'none'}, positions {shift}: {figures(scores[(on, shift)])}")
    before = scores[((), None)]
    real = [a for a in before if a.real]

    def judge(label: str, keys: list[Setting]) -> None:
        grid = fit.Grid(rows, {k: scores[k] for k in keys})
        gain, low, high = fit.bootstrap(real, grid.held_out())
        chosen = Counter(grid.best(i) for i, r in enumerate(rows) if r.real)
        print(f"{label}: held out {gain:+.3f} [{low:+.3f}, {high:+.3f}]; chosen {dict(chosen)}")
        print(f"  {figures(grid.held_out())}")

    for rule in RULES:
        judge(rule, [((), None), ((rule,), None)])
    judge("the rules", [k for k in scores if k[1] is None])
    judge("the rules and the learned positions", list(scores))


if __name__ == "__main__":
    main()
