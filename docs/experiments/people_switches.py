"""The rules that file a side's people by the article's words, judged as run/fit.py judges a
design (docs/quality.md): each shipped one is switched off in turn, against the rules as they
ship.

``PYTHONPATH=docs/experiments python docs/experiments/people_switches.py`` (about four
minutes, replayed): every dev and fresh article is summarised with the rule off and on; the
rule is chosen for each real article on the other articles, and the held-out gain of having it
has a 95% bootstrap interval over the real articles.

- ``titles within``: a person's name is what follows the last title in what the model lists
  ("Canadian Public Safety Minister Ada Lind" is Ada Lind), with judges', peers' and officers'
  titles among the titles; off, only leading titles go ("Minister Ada Lind").
- ``names folded``: a name written without its accents or its article ("Chavez", "Rashid")
  is the person a side lists ("Hugo Chávez", "Omar al-Rashid"), no new side, and a side's
  spellings include its names without accents; off, names compare as written.
- ``first listing``: a person whose title names several sides ("US spokesman" for "US
  forces" and "United States") goes to the first of them that lists them; off, to the first
  side that lists them at all.

Its last parts are rules not shipped, judged the other way round:

- ``strangers apart``: a person whom no sentence names together with the side the model gave
  them is a side of their own.
- ``surname alone``: a one-word name ("Voss", "Korea") does not name its side where another
  capitalised word comes right before it ("Ben Voss" is not Ada Voss, "North Korea" not
  Korea), but for a word that begins sentences ("Then Voss said").
- ``more speech verbs``: a name also acts where it "replied", "explained", "claimed",
  "declared", "commented", "remarked", "asserted", "acknowledged", "admitted", "maintained"
  or "countered"; and the same with "lawmaker", "legislator", "MP" and "MEP" as titles
  (``... + lawmaker``).
- ``country names``: ``chain_switches.py``'s rule (a country is also its people's adjective,
  from the countryinfo package: ``pip install countryinfo``), re-measured on these rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, cast

import chain_switches
from party_switches import scores

from summarizer.article.text import Article
from summarizer.extract import actors, scored, sides
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore, Report


def strangers_apart(article: Article, listed: list[sides.Side]) -> list[sides.Side]:
    """``listed`` with each person no sentence names beside their side's own name made a
    side of their own."""
    out = list(listed)
    for i, side in enumerate(listed):
        own = [
            sides.pattern(x) for x in sides.spellings(sides.Side(name=side.name, kind=side.kind))
        ]
        kept = []
        for person in side.speakers:
            surname = person.split()[-1]
            together = any(
                surname in s.text and any(p.search(s.text.replace(person, " ")) for p in own)
                for s in article.sentences
            )
            alone = not together and sides._is_person(person)
            if alone and person.casefold() != side.name.casefold() and len(out) < sides.MAX_SIDES:
                out.append(sides.Side(name=person, kind="person"))
            else:
                kept.append(person)
        out[i] = out[i].model_copy(update={"speakers": kept})
    return out


def _then_strangers(shipped: Callable[..., list[sides.Side]]) -> Callable[..., list[sides.Side]]:
    """``sides._bodies_apart`` as shipped, then :func:`strangers_apart`."""
    return lambda article, listed: strangers_apart(article, shipped(article, listed))


# What a one-word proper spelling's expression starts with (``sides.pattern``).
_WHOLE_WORD = "(?<!\\w)"
_WORD_BEFORE = re.compile(r"(?<![\w'’-])([A-Z][\w'’.-]*)\s+$")


def _one_word(found: re.Pattern[str]) -> bool:
    """Whether ``found`` is ``sides.pattern`` of a one-word proper name ("Voss")."""
    source = found.pattern
    if not source.startswith(_WHOLE_WORD) or found.flags & re.IGNORECASE:
        return False
    body = source[len(_WHOLE_WORD) :].replace("\\w{0,3}", "").replace("(?!\\w)", "")
    return bool(re.fullmatch(r"[A-Z][a-z][\w'’\\-]*", body))


def surname_mentions(text: str, patterns: dict[str, list[re.Pattern[str]]]) -> list[str]:
    """``sides.mentions``, but a one-word name right after another capitalised word that
    does not begin sentences names no side."""
    found = []
    for pid, pats in patterns.items():
        for p in pats:
            for m in p.finditer(text):
                before = _WORD_BEFORE.search(text[: m.start()]) if _one_word(p) else None
                if before is None or before.group(1) in sides._NOT_NAMES:
                    found.append(((m.start(), -m.end()), pid))
                    break
    first = {pid: min(span for span, p in found if p == pid) for _, pid in found}
    return sorted(first, key=lambda pid: first[pid])


_MORE_SPEECH = (
    r"repl(?:y|ies|ied)|explain\w*|claim\w*|declar\w+|comment\w*|remark\w*|assert\w*|"
    r"acknowledg\w+|admit\w*|maintain\w*|counter\w*|"
)


_MORE_TITLES = "|undersecretary|lawmaker|legislator|mp|mep"


def _one_only(shipped: Callable[..., list[int]]) -> Callable[..., list[int]]:
    """``sides._sides_named`` as it was: a title that names several sides names none."""

    def one_only(described: tuple[str, str], patterns: dict[int, Any]) -> list[int]:
        found = shipped(described, patterns)
        return found if len(found) == 1 else []

    return one_only


def _more_speech() -> tuple[Any, str, Any]:
    return (sides, "_ACTS", sides._ACTS.replace(r"urg\w+|", r"urg\w+|" + _MORE_SPEECH, 1))


def _more_titles() -> list[tuple[Any, str, Any]]:
    title = sides._TITLE.pattern.replace("|undersecretary", _MORE_TITLES)
    within = sides._TITLE_WITHIN.pattern.replace("|undersecretary", _MORE_TITLES)
    return [
        (sides, "_TITLE", re.compile(title, re.IGNORECASE)),
        (sides, "_TITLE_WITHIN", re.compile(within)),
    ]


Switch = Callable[[], AbstractContextManager[None]]
patched = chain_switches.patched
# Each shipped rule, switched off: it matches nothing, or it is as it was before.
OFF: dict[str, Switch] = {
    "titles within": lambda: patched((sides, "_TITLE_WITHIN", re.compile(r"(?!)"))),
    "names folded": lambda: patched(
        (sides, "_unaccented", str), (sides, "_PARTICLE", re.compile(r"(?!)"))
    ),
    "first listing": lambda: patched((sides, "_sides_named", _one_only(sides._sides_named))),
}
# Each rule not shipped, switched on.
ON: dict[str, Switch] = {
    "strangers apart": lambda: patched(
        (sides, "_bodies_apart", _then_strangers(sides._bodies_apart))
    ),
    "surname alone": lambda: patched(
        *((module, "mentions", surname_mentions) for module in (sides, actors, scored))
    ),
    "more speech verbs": lambda: patched(_more_speech()),
    "more speech verbs + lawmaker": lambda: patched(_more_speech(), *_more_titles()),
    "country names": chain_switches.ON["country names"],
}


def judged(name: str, without: list[ArticleScore], with_: list[ArticleScore]) -> None:
    """Print the design's figures off and on and its held-out gain."""
    real = [a for a in without if a.real]
    grid = fit.Grid(cast("list[fit.Reading]", without), {False: without, True: with_})
    held = grid.held_out()
    on = sum(grid.best(i) for i, a in enumerate(without) if a.real)
    gain, low, high = fit.bootstrap(real, held)
    for label, rows in (("off", without), ("on", with_)):
        report = Report([a for a in rows if a.real])
        sections = ", ".join(
            f"{s} {report.section(s).f1:.3f}"
            for s in ("parties", "positions", "demands", "deal_terms")
        )
        print(
            f"{name} {label}: real {report.overall().f1:.3f} ({sections}; party recall "
            f"{report.section('parties').recall:.3f})"
        )
    moved = [
        f"{a.article} {Report([a]).overall().f1:.3f} -> {Report([b]).overall().f1:.3f}"
        for a, b in zip(without, with_, strict=True)
        if Report([a]).overall().f1 != Report([b]).overall().f1
    ]
    print(f"  moved: {'; '.join(moved) or 'nothing'}")
    print(f"  on in {on} of {len(real)} folds; held out {gain:+.3f} [{low:+.3f}, {high:+.3f}]")


def main() -> None:
    shipped = scores()
    for name, off in OFF.items():
        with off():
            judged(name, scores(), shipped)
    for name, on in ON.items():
        with on():
            judged(name, shipped, scores())


if __name__ == "__main__":
    main()
