"""Who the article means by a person's name: the rules shipped in the night stop of
2026-12-07, switched off and on, judged as run/fit.py judges a design (docs/quality.md,
section "night stop").

``python docs/experiments/speaker_switches.py`` (about 4 minutes, replayed): every dev and
fresh article is summarised with each setting; a setting is chosen for each real article on
the other articles; the held-out gain over the rules before that stop has a 95% bootstrap
interval over the real articles.

Shipped (``sides.py``):

- ``surnames``: a side that is a person goes by their surname too, as its people already
  did ("Hugo Chavez" is "Chavez" in "Chavez said"); before, such a side was spelt by its
  first name alone, as if it were a body's first word.
- ``named speakers``: a person tied to no listed side whose title or apposition names a body
  the list lacks, by a capitalised word that is no title ("US Secretary of State X", "X, a
  spokesman for the Port Authority"), is a side of their own; one whose title names no body
  ("Jo Marsh, a spokeswoman") is still dropped. Before, every spokesman, minister or envoy
  tied to no listed side was dropped.

Measured, not shipped:

- ``all speakers``: no titled person is dropped (``party_switches.py``'s "keep speakers").
- ``subject head``: the side a verb's subject phrase names is the one whose name is the
  phrase's head word ("British actor Stephen Fry" is Fry's, not that of a side spelt
  "British"), else the last side named before the head, else the first it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any, cast

from chain_switches import figures, patched  # beside this script: run as a script
from party_switches import scores as every_article

from summarizer.extract import actors, parse, scored, sides
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore, Report


def head_of(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """The head word of the phrase that is ``span`` of ``text``, as a character span."""
    for token in parse.tokens(text):
        words = list(token.subtree)
        if (words[0].idx, words[-1].idx + len(words[-1].text)) == span:
            return token.idx, token.idx + len(token.text)
    return None


def named_at(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> list[tuple[int, int, str]]:
    """Each place ``text`` names a side: (start, end, side), in order."""
    found = [
        (m.start(), m.end(), pid)
        for pid in sides.mentions(text, patterns)
        for p in patterns[pid]
        for m in p.finditer(text)
    ]
    return sorted(found, key=lambda f: (f[0], -f[1]))


def side_at_head(
    text: str, spans: tuple[tuple[int, int], ...], patterns: dict[str, list[re.Pattern[str]]]
) -> str | None:
    for a, b in spans:
        found = named_at(text[a:b], patterns)
        if not found:
            continue
        head = head_of(text, (a, b))
        if head is not None:
            h0, h1 = head[0] - a, head[1] - a
            covering = [pid for at, end, pid in found if at < h1 and h0 < end]
            before = [pid for at, end, pid in found if end <= h0]
            if covering:
                return covering[0]
            if before:
                return before[-1]
        return found[0][2]
    return None


_spellings = sides.spellings


def without_surnames(side: sides.Side) -> list[str]:
    """The spellings before the stop: a person side's kind played no part."""
    return _spellings(side.model_copy(update={"kind": "other"}) if side.kind == "person" else side)


# Each shipped rule off, as it was before the stop.
OFF: dict[str, Callable[[], Any]] = {
    "surnames": lambda: patched(
        (sides, "spellings", without_surnames), (scored, "spellings", without_surnames)
    ),
    "named speakers": lambda: patched((sides, "_names_a_body", lambda *_: False)),
}
# Each rule never shipped, on.
ON: dict[str, Callable[[], Any]] = {
    # A pattern that matches nothing: no one is dropped.
    "all speakers": lambda: patched((sides, "_SPEAKS_FOR", re.compile(r"(?!)"))),
    "subject head": lambda: patched((actors, "_side_in", side_at_head)),
}
DESIGNS = (
    ("surnames",),
    ("named speakers",),
    ("surnames", "named speakers"),
    ("surnames", "named speakers", "subject head"),
    ("surnames", "all speakers"),
    ("surnames", "all speakers", "subject head"),
)


def scores(on: tuple[str, ...]) -> list[ArticleScore]:
    """Every article's score with the rules ``on`` and the rest as before the stop."""
    with ExitStack() as stack:
        for name, off in OFF.items():
            if name not in on:
                stack.enter_context(off())
        for name in on:
            if name in ON:
                stack.enter_context(ON[name]())
        found = every_article()
    return found


def main() -> None:
    base = scores(())
    real = [a for a in base if a.real]
    print(f"before the stop: {figures(base)}")
    for design in DESIGNS:
        alt = scores(design)
        # A Grid asks of its rows only whether each is real, which a score says too.
        grid = fit.Grid(cast("list[fit.Reading]", base), {False: base, True: alt})
        on = sum(grid.best(i) for i, a in enumerate(base) if a.real)
        gain, low, high = fit.bootstrap(real, grid.held_out())
        print(f"{' + '.join(design)}: all on {figures(alt)}")
        fresh = Report([a for a in alt[-19:]]).overall().f1
        print(f"  fresh {fresh:.3f}, whole dev set {Report(alt[:30]).overall().f1:.3f}")
        print(f"  on in {on} of {len(real)} folds; held out {gain:+.3f} [{low:+.3f}, {high:+.3f}]")


if __name__ == "__main__":
    main()
