"""Who the article means by a person's name: three rules, each switched on over the rules of
main at 0b66b1c, judged as run/fit.py judges a design (docs/quality.md, section "night stop").

``python docs/experiments/speaker_switches.py`` (about 3 minutes, replayed; at the commit that
added it, before the rules it chose were shipped): every dev and fresh article is summarised
with each setting; a setting is chosen for each real article on the other articles; the
held-out gain over the rules as they were has a 95% bootstrap interval over the real articles.

- ``surnames``: a side that is a person goes by their surname too, as its people already
  do ("Hugo Chavez" is "Chavez" in "Chavez said"); the rules spelt such a side by its first
  name alone, as if it were a body's first word.
- ``all speakers``: a person whose title ties them to no listed side is a side of their own
  (``party_switches.py``'s "keep speakers"); the rules dropped a spokesman, minister or
  envoy tied to no listed side.
- ``subject head``: the side a verb's subject phrase names is the one whose name is the
  phrase's head word ("British actor Stephen Fry" is Fry's, not that of a side spelt
  "British"), else the last side named before the head, else the first it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, cast

import summarizer
from summarizer.extract import actors, parse, scored, sides
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore, Report, evaluate

SETS = (("fixtures/devset", "fixtures/recorded"), ("fixtures/fresh", "fixtures/recorded-fresh"))


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


def with_surnames(side: sides.Side) -> list[str]:
    """The spellings, and a person side's surname."""
    out = _spellings(side)
    words = sides._bare_name(side).split()
    if side.kind == "person" and len(words) > 1 and len(words[-1]) > 2:
        out = [*out, words[-1]] if words[-1] not in out else out
    return out


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
    "surnames": lambda: patched(
        (sides, "spellings", with_surnames), (scored, "spellings", with_surnames)
    ),
    # A pattern that matches nothing: no one is dropped.
    "all speakers": lambda: patched((sides, "_SPEAKS_FOR", re.compile(r"(?!)"))),
    "subject head": lambda: patched((actors, "_side_in", side_at_head)),
}
DESIGNS = (
    ("surnames",),
    ("all speakers",),
    ("subject head",),
    ("surnames", "all speakers"),
    ("surnames", "all speakers", "subject head"),
)


def scores(on: tuple[str, ...]) -> list[ArticleScore]:
    """Every article's score with the rules ``on``."""
    found: list[ArticleScore] = []
    with ExitStack() as stack:
        for name in on:
            stack.enter_context(ON[name]())
        for gold, recorded in SETS:
            options = summarizer.resolve(replay=Path(recorded))

            def summarize(path: Path, options: summarizer.Options = options) -> summarizer.Brief:
                return summarizer.summarize(path, options)

            found += evaluate(Path(gold), summarize).articles
    return found


def figures(scores: list[ArticleScore]) -> str:
    d = Report([a for a in scores if a.real]).to_dict(subsets=False)
    s = d["sections"]
    return (
        f"overall {d['overall']['f1']:.3f} | parties R {s['parties']['recall']:.3f} "
        f"P {s['parties']['precision']:.3f} | positions {s['positions']['f1']:.3f} "
        f"demands {s['demands']['f1']:.3f} deal terms {s['deal_terms']['f1']:.3f} | "
        f"target {d['target_accuracy']} | lost {d['lost']}"
    )


def main() -> None:
    base = scores(())
    real = [a for a in base if a.real]
    print(f"rules as they are: {figures(base)}")
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
