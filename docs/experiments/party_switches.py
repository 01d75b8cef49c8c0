"""Two switches of the party rules, judged as run/fit.py judges a design (docs/quality.md).

``python docs/experiments/party_switches.py`` (about 30 seconds, replayed): every dev and fresh
article is summarised with each switch on, the switch is chosen for each real article on the
other articles, and the held-out gain over the rules as they are has a 95% bootstrap interval
over the real articles.

- ``keep speakers``: a person the article describes as speaking for a side the brief does not
  list ("Secretary of State X", "Prime Minister Y") is a side of their own, not dropped.
- ``parsed acting``: a name also acts where the parse makes it the subject of a verb, beside
  the patterns of ``sides._acts`` ("X said", "said X").

Its figures in docs/quality.md were measured at 0b66b1c, before the night stop shipped the rules
of ``speaker_switches.py``; run at that commit to reproduce them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import summarizer
from summarizer.article.text import Article
from summarizer.extract import parse, sides
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore, Report, evaluate

SETS = (("fixtures/devset", "fixtures/recorded"), ("fixtures/fresh", "fixtures/recorded-fresh"))


def parsed_acting(article: Article, name: str) -> bool:
    """Whether ``name`` heads the subject of a verb in a sentence that uses it."""
    for sentence in article.sentences:
        if name not in sentence.text:
            continue
        doc = parse.tokens(sentence.text)
        for found in re.finditer(re.escape(name), sentence.text):
            last = next((t for t in doc if t.idx < found.end() <= t.idx + len(t.text)), None)
            while last is not None and last.dep_ in ("compound", "flat", "appos"):
                last = None if last.head.i == last.i else last.head
            if last is not None and last.dep_ in ("nsubj", "nsubjpass"):
                if last.head.pos_ in ("VERB", "AUX"):
                    return True
    return False


@contextmanager
def switched(name: str) -> Iterator[None]:
    saved = sides._acts, sides._SPEAKS_FOR
    rules = sides._acts
    if name == "keep speakers":
        sides._SPEAKS_FOR = re.compile(r"(?!)")  # matches nothing: no one is dropped
    elif name == "parsed acting":

        def acting(article: Article, name: str) -> bool:
            return rules(article, name) or parsed_acting(article, name)

        sides._acts = acting
    try:
        yield
    finally:
        sides._acts, sides._SPEAKS_FOR = saved


def scores() -> list[ArticleScore]:
    found: list[ArticleScore] = []
    for gold, recorded in SETS:
        options = summarizer.resolve(replay=Path(recorded))

        def summarize(path: Path, options: summarizer.Options = options) -> summarizer.Brief:
            return summarizer.summarize(path, options)

        found += evaluate(Path(gold), summarize).articles
    return found


def main() -> None:
    base = scores()
    real = [a for a in base if a.real]
    print(f"rules as they are: {Report(real).overall().f1:.3f}")
    for name in ("keep speakers", "parsed acting"):
        with switched(name):
            alt = scores()
        # A Grid asks of its rows only whether each is real, which a score says too.
        grid = fit.Grid(cast("list[fit.Reading]", base), {False: base, True: alt})
        held = grid.held_out()
        on = sum(grid.best(i) for i, a in enumerate(base) if a.real)
        gain, low, high = fit.bootstrap(real, held)
        all_on = Report([a for a in alt if a.real])
        print(
            f"{name}: on in {on} of {len(real)} folds; all on {all_on.overall().f1:.3f}, "
            f"party recall {all_on.section('parties').recall:.3f}; "
            f"held out {gain:+.3f} [{low:+.3f}, {high:+.3f}]"
        )


if __name__ == "__main__":
    main()
