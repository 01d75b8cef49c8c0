"""Three designs of the 2026-12-08 midday stop (docs/quality.md), judged as run/fit.py judges
a design, against the rules as they ship; none shipped.

``PYTHONPATH=docs/experiments python docs/experiments/verb_switches.py`` (about 15 minutes,
replayed):

- ``apposition closed``: a name also acts where its verb follows a comma straight after it
  ("The head of the Pilots' Guild, Ada Voss, said"); shipped, an apposition must sit
  between two commas after the name ("Ada Voss, the guild's head, said").
- ``asking verb``: a sentence whose main verb (or a verb joined to it by "and") is a verb of
  asking (``lexicon.DEMAND_LEMMAS`` but "want"; "call" only with "on", "for" or "upon")
  that has a subject states a demand. Six variants: the subject active or also passive;
  the demand added to what the rules give, added only where the rules give nothing, or in
  place of what they give (and where they give nothing). Each is judged alone, then the
  choice among all six (and none) is made for each real article on the other 48, which is
  the figure that allows for having picked among them.
- ``neighbours``: whether the letters of the sentences before and after tell a sentence that
  holds an item better than its own letters do (area under the ROC curve, each article's
  sentences scored by a logistic regression fitted on the other articles).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

import chain_switches
import numpy as np
from party_switches import scores
from people_switches import judged
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from summarizer.extract import kinds, parse, sides
from summarizer.extract.sides import outside_quotes
from summarizer.lexicon import DEMAND_LEMMAS
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore

patched = chain_switches.patched
_BETWEEN_COMMAS = r"(?:,[^,]{3,100},|\s*\([^)]{1,40}\))?"


def asks(text: str, subjects: tuple[str, ...]) -> bool:
    """Whether the main verb of ``text`` (outside quotations), or a verb joined to it, is a
    verb of asking with a subject of the kinds ``subjects`` names."""
    for root in (t for t in parse.tokens(outside_quotes(text)) if t.dep_ == "ROOT"):
        verbs = [root, *(c for c in root.children if c.dep_ == "conj" and c.pos_ == "VERB")]
        for verb in verbs:
            if verb.lemma_ not in DEMAND_LEMMAS - {"want"}:
                continue
            if verb.lemma_ == "call" and not any(
                c.lower_ in ("on", "for", "upon") for c in verb.children
            ):
                continue
            if any(c.dep_ in subjects for c in verb.children):
                return True
    return False


Rules = Callable[..., list[str]]


def asking(where: str, subjects: tuple[str, ...]) -> Rules:
    """The hand rules, with a sentence that :func:`asks` stating a demand: ``where`` says
    whether beside the rules' kinds ("added"), only where they give none ("background"), or
    in their place ("replaced")."""
    shipped = kinds.rule_kinds

    def rule_kinds(
        probs: dict[str, float], text: str, usual: dict[str, float], cuts: kinds.Cuts = kinds.HAND
    ) -> list[str]:
        found = shipped(probs, text, usual, cuts)
        if "demands" in found or (where == "background" and found):
            return found
        if not asks(text, subjects):
            return found
        if where == "added" and found:
            return [k for k in kinds.SECTIONS if k in (*found, "demands")]
        return ["demands"]

    return rule_kinds


VARIANTS = {
    f"asking verb, {where}, {label} subject": asking(where, subjects)
    for where in ("added", "background", "replaced")
    for label, subjects in (("any", ("nsubj", "nsubjpass")), ("active", ("nsubj",)))
}


def neighbours() -> None:
    rows = chain_switches.readings()
    x, y, group, real = [], [], [], []

    def logit(p: float) -> float:
        p = min(max(p, 1e-4), 1 - 1e-4)
        return math.log(p / (1 - p))

    for a, r in enumerate(rows):
        pa = [s.probs["A"] for s in r.seen]
        mean = sum(pa) / len(pa)
        for i in range(len(pa)):
            before = pa[i - 1] if i else mean
            after = pa[i + 1] if i + 1 < len(pa) else mean
            x.append([logit(pa[i]), logit(before), logit(after)])
            y.append(int(any(r.labels[i].values())))
            group.append(a)
            real.append(r.real)
    xs, ys, gs, rs = np.array(x), np.array(y), np.array(group), np.array(real)
    print(f"neighbours: 1 - P(background) alone, AUC {roc_auc_score(ys[rs], -xs[rs, 0]):.3f}")
    for label, cols in (("own letters", [0]), ("own and neighbours' letters", [0, 1, 2])):
        found = np.zeros(len(ys))
        for a in set(group):
            model = LogisticRegression(max_iter=1000).fit(xs[gs != a][:, cols], ys[gs != a])
            found[gs == a] = model.predict_proba(xs[gs == a][:, cols])[:, 1]
        print(
            f"  {label}, fitted on the other articles: AUC {roc_auc_score(ys[rs], found[rs]):.3f}"
        )


def main() -> None:
    shipped = scores()
    closed = sides._ACTS.replace(_BETWEEN_COMMAS, _BETWEEN_COMMAS[:-2] + "|,)?", 1)
    with patched((sides, "_ACTS", closed)):
        judged("apposition closed", shipped, scores())
    briefs: dict[str, list[ArticleScore]] = {"none": shipped}
    for name, rule in VARIANTS.items():
        with patched((kinds, "rule_kinds", rule)):
            briefs[name] = scores()
        judged(name, shipped, briefs[name])
    rows = cast("list[fit.Reading]", shipped)
    grid = fit.Grid(rows, briefs)
    real = [a for a in shipped if a.real]
    gain, low, high = fit.bootstrap(real, grid.held_out())
    chosen = sorted({grid.best(i) for i, a in enumerate(shipped) if a.real})
    print(
        f"asking verb, variant chosen per article: held out {gain:+.3f} [{low:+.3f}, {high:+.3f}]"
    )
    print(f"  chosen: {'; '.join(chosen)}")
    neighbours()


if __name__ == "__main__":
    main()
