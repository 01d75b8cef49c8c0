"""The rules issue 33 calls fitted or narrow, each switched off; a side named as the subject
taken as a cue; and the near-miss designs of earlier stops bundled into one. Measured in
the dawn stop of 2026-12-08 (docs/quality.md, section "dawn stop"); none changes the brief.

``pip install countryinfo; python docs/experiments/rule_review.py`` (about 20 minutes,
replayed):

- ``review``: every dev and fresh article summarised with one rule off; the rule is chosen
  on or off for each real article on the other 48; the held-out gain of turning it off, with
  a 95% bootstrap interval over the 23 real articles, and the articles it moves.
- ``subject cue``: a sentence whose main verb's subject names a side is cut at a looser
  P(background) (0.15 to 0.3, against 0.1 for a sentence with no cue word), for every kind
  or for positions only; chosen for each real article on the other 48.
- ``bundles``: the party and actor rules of ``chain_switches.py`` and ``speaker_switches.py``
  that each gained a little ("country names", "unlisted subject", "subject head"), with and
  without the speech cues, each with the hand kinds, the positions add-on at 0.6 and
  ``kind_addons.py``'s best joint setting; each bundle judged as one switch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any, cast

from chain_switches import ON as CHAIN
from chain_switches import figures, patched, readings  # beside this script: run as a script
from kind_addons import added, asking, every_reading, judged, speech_as_cues
from party_switches import scores as every_article
from spacy.tokens import Token
from speaker_switches import ON as SPEAKERS

from summarizer.extract import actors, kinds, parse, scored, sides, status
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore, Report


def _offered_plainly(verb: Token) -> list[Token]:
    """``parse._offered`` without its reading of a dative's adverb as what is offered."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "xcomp")]
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"]
    return objects + [o for c in preps for o in c.children if o.dep_ == "pobj"]


_split = parse._split


def _one_condition(doc: Any, heads: list[Token]) -> tuple[tuple[int, int], ...]:
    """``parse._split`` without "only if A and if B": a second condition is not sought."""
    saved = parse._conditional
    parse._conditional = lambda token: False
    try:
        return _split(doc, heads)
    finally:
        parse._conditional = saved


def _status_without(*words: str) -> tuple[tuple[Any, re.Pattern[str]], ...]:
    return tuple(
        (name, re.compile(re.sub("|".join(map(re.escape, words)), "", rule.pattern), re.I))
        for name, rule in status.STATUS_RULES
    )


_spellings = sides.spellings


def _no_first_word(side: sides.Side) -> list[str]:
    """A side's spellings without its name's first word alone ("United" of United States),
    unless that word is one of its people's surnames."""
    words = sides._bare_name(side).split()
    first = words[0] if len(words) > 1 else None
    surnames = {p.split()[-1] for p in side.speakers if p.split()}
    return [x for x in _spellings(side) if x != first or x in surnames]


_commits = actors._COMMITS.pattern.replace("passed|", "").replace("|led", "")
OFF: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "a condition makes a demand": lambda: patched((kinds, "CONDITION", re.compile("(?!)"))),
    "a term of a proposal is its proposer's": lambda: patched(
        (actors, "_of_the_proposal", lambda *_: False)
    ),
    '"passed" and "led" bind a proposer': lambda: patched(
        (actors, "_COMMITS", re.compile(_commits, re.I))
    ),
    "a name loses its generic head": lambda: patched(
        (sides, "_proper_part", lambda name, text: name)
    ),
    "a listed body acting alone is a side": lambda: patched(
        (sides, "_bodies_apart", lambda article, found: found)
    ),
    "a dative's adverb is what is offered": lambda: patched((parse, "_offered", _offered_plainly)),
    '"only if A and if B" is two demands': lambda: patched((parse, "_split", _one_condition)),
    '"bracketed", "sticking point" are disputed': lambda: patched(
        (status, "STATUS_RULES", _status_without(r"bracket\w*|", "sticking point|"))
    ),
    "a name's first word spells it": lambda: patched(
        (sides, "spellings", _no_first_word), (scored, "spellings", _no_first_word)
    ),
}


def _f1(score: ArticleScore) -> float:
    return Report([score]).overall().f1


def review() -> None:
    base = every_article()
    real = [a for a in base if a.real]
    print(f"rules as shipped: {figures(base)}")
    for name, off in OFF.items():
        with off():
            alt = every_article()
        moved = [(a.article, a.real, _f1(a), _f1(b)) for a, b in zip(base, alt, strict=True)]
        moved = [m for m in moved if abs(m[2] - m[3]) > 1e-9]
        # A Grid asks of its rows only whether each is real, which a score says too.
        grid = fit.Grid(cast("list[fit.Reading]", base), {False: base, True: alt})
        gain, low, high = fit.bootstrap(real, grid.held_out())
        print(f"off: {name}: {figures(alt)}")
        print(f"  held-out gain of turning it off {gain:+.3f} [{low:+.3f}, {high:+.3f}]")
        for article, is_real, before, after in moved:
            print(f"    {'real' if is_real else 'other'} {article}: {before:.3f} -> {after:.3f}")


def subject_cue() -> None:
    def cue(at: float, positions_only: bool) -> fit.Decide:
        def decide(s: kinds.Sentence) -> list[str]:
            found = kinds.rules(s)
            if found or not s.subject_named:
                return found
            looser = kinds.rule_kinds(s.probs, s.text, s.usual, kinds.Cuts(0.25, at))
            return [k for k in looser if k == "positions" or not positions_only]

        return decide

    settings: dict[Any, fit.Decide] = {"hand rules": kinds.rules}
    for at in (0.15, 0.2, 0.25, 0.3):
        for positions_only in (False, True):
            settings[(at, positions_only)] = cue(at, positions_only)
    judged("a side as subject is a cue", every_reading(), settings)


@contextmanager
def _bundle(switches: list[Callable[[], AbstractContextManager[Any]]]) -> Iterator[None]:
    with ExitStack() as stack:
        for switch in switches:
            stack.enter_context(switch())
        yield


def bundles() -> None:
    actor_rules = [CHAIN["country names"], CHAIN["unlisted subject"], SPEAKERS["subject head"]]
    found: dict[tuple[str, str], list[ArticleScore]] = {}
    base_rows: list[fit.Reading] = []
    for name, switches in (
        ("none", []),
        ("actor rules", actor_rules),
        ("actor rules + speech cues", [*actor_rules, speech_as_cues]),
    ):
        with _bundle(switches):
            rows = readings()
            models = fit.fold_models(rows)
            base_rows = base_rows or rows

            def joint(r: fit.Reading, m: kinds.KindsModel) -> fit.Decide:
                ask = asking(kinds.Cuts(0.25, 0.15), True)
                add = added(r, m, 0.6, ("positions",))
                return lambda s: [
                    k for k in kinds.SECTIONS if k in ask(s) or (k == "positions" and k in add(s))
                ]

            pairs = list(zip(rows, models, strict=True))
            found[(name, "hand kinds")] = [fit.brief_score(r, kinds.rules) for r in rows]
            found[(name, "positions add-on")] = [
                fit.brief_score(r, added(r, m, 0.6, ("positions",))) for r, m in pairs
            ]
            found[(name, "joint kinds")] = [fit.brief_score(r, joint(r, m)) for r, m in pairs]
    base = found[("none", "hand kinds")]
    real = [a for a in base if a.real]
    for key, alt in found.items():
        grid = fit.Grid(base_rows, {0: base, 1: alt})
        gain, low, high = fit.bootstrap(real, grid.held_out())
        print(f"{' with '.join(key)}: {figures(alt)}")
        print(f"  held out {gain:+.3f} [{low:+.3f}, {high:+.3f}]")


if __name__ == "__main__":
    review()
    subject_cue()
    bundles()
