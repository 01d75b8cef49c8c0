"""Fit the scored strategy's learned decisions, and judge them as the brief is judged.

``python -m summarizer.run.fit fixtures/devset --replay fixtures/recorded`` reads every gold
article's recorded model answers, fits the kinds decision (:mod:`summarizer.extract.kinds`)
across all of them and writes ``summarizer/extract/kinds.json``, printing each design's
leave-one-article-out figures on the real articles and its gain over the hand rules with a
bootstrap interval over articles; ``--check`` fits and fails when the result differs from the
shipped file.

The designs: the hand rules as written; the same rules with their numbers (:class:`Cuts`)
chosen by the briefs of the other articles; a logistic regression per kind over the
sentence's features, its thresholds shifted by the briefs of the other articles; and that
model for the kinds where the other articles' briefs prefer it, the rules for the rest.

How a decision is judged: for each real article in turn, the decision is fitted on every
other article of the set (synthetic ones too), the held-out article's brief is made with it,
and scored against its gold. The held-out counts, summed, are the cross-validated figure; no
article's own gold ever touches the decision that makes its brief. A change is kept when the
bootstrap interval of its gain (resampling the held-out articles) is above zero.

Needs scikit-learn (the ``dev`` extra); the shipped decision needs only the JSON file.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any, Generic, TypeVar

from summarizer.article.text import Article
from summarizer.brief.models import Extraction
from summarizer.config import Options, resolve
from summarizer.extract import kinds, scored
from summarizer.run.evaluate import (
    ArticleScore,
    Counts,
    Report,
    is_real,
    load_gold,
    matched_items,
    score_brief,
)
from summarizer.run.pipeline import brief_of, scored_answers

# The regularisation strengths the fit chooses among (inverse; smaller is stronger), by
# the held-out log-loss of grouped folds of the training articles.
STRENGTHS = (0.03, 0.1, 0.3, 1.0)
# Grouped folds (by article) inside the training articles, for the strength and thresholds.
INNER_FOLDS = 5
# The thresholds a kind's probability is cut at, chosen by out-of-fold sentence F1.
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))
# What the fit may add to every kind's threshold, chosen by the whole brief's F1 on articles
# held out from the weights: a sentence wrongly taken in costs an item, and one rightly
# taken in gains one only when its side is right too, so the brief wants higher thresholds
# than sentence F1 does.
SHIFTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)
# The hand rules' numbers the fit chooses among (the hand ones first, kept on a tie).
CUTS = (kinds.HAND,) + tuple(
    kinds.Cuts(background, uncued, weight)
    for background in (0.15, 0.25, 0.35, 0.5)
    for uncued in (0.05, 0.1, 0.2)
    for weight in (1.0, 2.0, 3.0)
    if uncued <= background and kinds.Cuts(background, uncued, weight) != kinds.HAND
)
# Bootstrap resamples of the held-out articles, and the seed that makes them reproducible.
RESAMPLES = 2000
SEED = 20261207

Key = TypeVar("Key")
# The command that writes the shipped file.
MADE_BY = (
    "python -m summarizer.run.fit fixtures/devset --replay fixtures/recorded "
    "--train-also fixtures/fresh fixtures/recorded-fresh"
)


@dataclass
class Reading:
    """One gold article with the model's recorded answers and what the decision sees of
    each of its sentences (their features and their gold kinds)."""

    name: str
    gold: dict[str, Any]
    article: Article
    answers: tuple[Any, list[scored.Judged]]
    seen: list[kinds.Sentence]
    labels: list[dict[str, int]]
    # Each sentence's features, computed once: every fold's fit reads them.
    features: list[dict[str, float]]
    # Whether its brief is judged: a real article of the set; an article only fitted on
    # (``--train-also``) never is.
    held_out: bool = True

    @property
    def real(self) -> bool:
        return self.held_out and is_real(self.article.text)


def _labels(
    art: Article, gold: dict[str, Any], answer: Any, judged: list[scored.Judged]
) -> list[dict[str, int]]:
    """Each sentence's labels: for each kind, whether the brief gains a right item by taking
    the sentence as that kind. One sentence at a time is taken as every kind, the others as
    the hand rules take them (so what a sentence carries to the next, such as a proposal's
    proposer, is what the brief carries), every item kept past the brief's limits; the
    sentence's items that match a gold item mark it. A sentence the gold cites but whose item
    gets the wrong side is labelled no, as the brief scores it. (Every sentence taken as every
    kind at once, as before, let the limits drop the items of the sentences the model was
    least sure of, the very ones the labels are for.)"""
    out = []
    for index, j in enumerate(judged):

        def decide(s: kinds.Sentence, index: int = index) -> list[str]:
            return list(kinds.SECTIONS) if s.index == index else kinds.rules(s)

        assembled = scored.assemble(art, answer.value, judged, decide, capped=False)
        for name in kinds.SECTIONS:
            mine = [x for x in assembled[name] if x["evidence"] == [j.sentence.id]]
            assembled[name] = mine[: scored.CAPS[name]]
        extraction = Extraction.model_validate(assembled)
        hits = matched_items(brief_of(art, extraction, answer.model), gold, art)
        out.append({name: int(bool(hits[name])) for name in kinds.SECTIONS})
    return out


def readings(gold_dir: Path, options: Options) -> list[Reading]:
    """Every article of ``gold_dir`` with the scored strategy's answers under ``options``."""
    out = []
    for gold, path in load_gold(gold_dir):
        art, answer, judged = scored_answers(path, options)
        seen: list[kinds.Sentence] = []

        def watch(s: kinds.Sentence, seen: list[kinds.Sentence] = seen) -> list[str]:
            seen.append(s)
            return []

        scored.assemble(art, answer.value, judged, watch)
        labels = _labels(art, gold, answer, judged)
        feats = [kinds.features(s) for s in seen]
        out.append(Reading(path.name, gold, art, (answer, judged), seen, labels, feats))
    return out


def _table(rows: Sequence[Reading]) -> tuple[list[list[float]], list[dict[str, int]], list[int]]:
    names = _names()
    x, y, groups = [], [], []
    for g, r in enumerate(rows):
        for feats, label in zip(r.features, r.labels, strict=True):
            x.append([feats[n] for n in names])
            y.append(label)
            groups.append(g)
    return x, y, groups


def _names() -> tuple[str, ...]:
    probe = kinds.Sentence("It rained.", dict.fromkeys("ABCD", 0.25), dict.fromkeys("ABCD", 0.25),
                           0, 1, 0, False)  # fmt: skip
    return tuple(sorted(kinds.features(probe)))


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fit_kinds(rows: Sequence[Reading]) -> kinds.KindsModel:
    """The kinds decision fitted on ``rows``: per kind, the regularisation strength with
    the best grouped out-of-fold log-loss, then the threshold with the best out-of-fold
    sentence F1, then the weights on all of ``rows``."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    names = _names()
    x_raw, y_all, groups = _table(rows)
    x = np.array(x_raw)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    folds = list(GroupKFold(n_splits=min(INNER_FOLDS, len(rows))).split(xs, groups=groups))
    weights, bias, threshold = {}, {}, {}
    for kind in kinds.SECTIONS:
        y = np.array([label[kind] for label in y_all])

        def model(c: float) -> Any:
            return LogisticRegression(C=c, class_weight="balanced", max_iter=2000)

        def out_of_fold(c: float, y: Any = y) -> Any:
            p = np.zeros(len(y))
            for train, test in folds:
                if y[train].min() == y[train].max():
                    p[test] = y[train].mean()
                    continue
                p[test] = model(c).fit(xs[train], y[train]).predict_proba(xs[test])[:, 1]
            return p

        def loss(p: Any, y: Any = y) -> float:
            p = np.clip(p, 1e-6, 1 - 1e-6)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

        scored_strengths = [(loss(out_of_fold(c)), c) for c in STRENGTHS]
        c = min(scored_strengths)[1]
        p = out_of_fold(c)

        def sentence_f1(t: float, p: Any = p, y: Any = y) -> float:
            hit = p >= t
            return _f1(int((hit & (y == 1)).sum()), int((hit & (y == 0)).sum()),
                       int((~hit & (y == 1)).sum()))  # fmt: skip

        threshold[kind] = max(THRESHOLDS, key=lambda t: (sentence_f1(t), -abs(t - 0.5)))
        final = model(c).fit(xs, y)
        weights[kind] = tuple(float(w) for w in final.coef_[0])
        bias[kind] = float(final.intercept_[0])
    return kinds.KindsModel(
        names=names,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=weights,
        bias=bias,
        threshold=threshold,
    )


Decide = Callable[[kinds.Sentence], list[str]]


def brief_score(r: Reading, decide: Decide) -> ArticleScore:
    """The held-out article's brief made with ``decide``, scored against its gold."""
    answer, judged = r.answers
    extraction = Extraction.model_validate(scored.assemble(r.article, answer.value, judged, decide))
    return score_brief(brief_of(r.article, extraction, answer.model), r.gold, r.article)


def with_model(model: kinds.KindsModel) -> kinds.Decision:
    """The decision of a fitted model."""
    return kinds.Decision(kinds.HAND, model)


def _known(
    r: Reading, model: kinds.KindsModel, learned: tuple[str, ...] = kinds.SECTIONS
) -> Decide:
    """The decision of ``model`` for the kinds in ``learned`` (the hand rules for the rest)
    on ``r``'s sentences, from their features computed once (as :class:`kinds.Decision`
    decides, without parsing them again)."""

    def decide(s: kinds.Sentence) -> list[str]:
        found = model.kinds(r.features[s.index])
        ruled = found if learned == kinds.SECTIONS else kinds.rules(s)
        return [k for k in kinds.SECTIONS if k in (found if k in learned else ruled)]

    return decide


def shifted(model: kinds.KindsModel, shift: float) -> kinds.KindsModel:
    """``model`` with ``shift`` added to every threshold."""
    return replace(model, threshold={k: min(t + shift, 0.99) for k, t in model.threshold.items()})


@dataclass
class Grid(Generic[Key]):
    """Each article's brief under each setting of a choice, made by a decision fitted
    without that article; the settings in order of preference when they tie."""

    rows: Sequence[Reading]
    scores: dict[Key, list[ArticleScore]]

    def best(self, leave_out: int | None = None) -> Key:
        """The setting with the best overall F1 over every article but ``leave_out``."""

        def f1(key: Key) -> float:
            return _overall([a for i, a in enumerate(self.scores[key]) if i != leave_out]).f1

        keys = list(self.scores)
        return max(keys, key=lambda key: (f1(key), -keys.index(key)))

    def held_out(self) -> list[ArticleScore]:
        """Each real article's brief with the setting chosen without it."""
        return [self.scores[self.best(i)][i] for i, r in enumerate(self.rows) if r.real]


def cut_grid(rows: Sequence[Reading]) -> Grid[kinds.Cuts]:
    """The hand rules' briefs at every setting of their numbers (:data:`CUTS`); the rules
    are not fitted to any article, so one set of briefs serves every held-out article."""
    return Grid(rows, {cuts: [brief_score(r, kinds.Decision(cuts, None)) for r in rows]
                       for cuts in CUTS})  # fmt: skip


def fold_models(rows: Sequence[Reading]) -> list[kinds.KindsModel]:
    """The learned decision fitted once without each article."""
    return [fit_kinds([r for j, r in enumerate(rows) if j != i]) for i in range(len(rows))]


def shift_grid(rows: Sequence[Reading], models: Sequence[kinds.KindsModel]) -> Grid[float]:
    """Each article's brief by the model fitted without it, at every shift of its
    thresholds."""
    return Grid(rows, {
        shift: [brief_score(r, _known(r, shifted(m, shift)))
                for r, m in zip(rows, models, strict=True)]
        for shift in SHIFTS
    })  # fmt: skip


Mix = tuple[tuple[str, ...], float]


def mix_grid(rows: Sequence[Reading], models: Sequence[kinds.KindsModel]) -> Grid[Mix]:
    """Each article's brief with the kinds of every subset decided by the model fitted
    without it (at every shift) and the others by the hand rules; the rules alone first."""
    settings: list[Mix] = [((), 0.0)] + [
        (learned, shift)
        for n in range(1, len(kinds.SECTIONS) + 1)
        for learned in combinations(kinds.SECTIONS, n)
        for shift in SHIFTS
    ]
    return Grid(rows, {
        (learned, shift): [
            brief_score(r, _known(r, shifted(m, shift), learned))
            for r, m in zip(rows, models, strict=True)
        ]
        for learned, shift in settings
    })  # fmt: skip


def _overall(scores: Sequence[ArticleScore]) -> Counts:
    return Report(list(scores)).overall()


def bootstrap(
    before: Sequence[ArticleScore], after: Sequence[ArticleScore]
) -> tuple[float, float, float]:
    """The overall-F1 gain of ``after`` over ``before`` (the same articles, in order), and
    its 95% bootstrap interval over articles."""
    rng = random.Random(SEED)
    n = len(before)
    gains = []
    for _ in range(RESAMPLES):
        pick = [rng.randrange(n) for _ in range(n)]
        b = _overall([before[i] for i in pick]).f1
        a = _overall([after[i] for i in pick]).f1
        gains.append(a - b)
    gains.sort()
    gain = _overall(after).f1 - _overall(before).f1
    return gain, gains[int(0.025 * RESAMPLES)], gains[int(0.975 * RESAMPLES) - 1]


@dataclass
class Design:
    """One way to make the decision: its cross-validated briefs, the gain over the hand
    rules with its interval, and the decision fitted on every article."""

    name: str
    held_out: list[ArticleScore]
    gain: tuple[float, float, float]
    decision: kinds.Decision
    # The learned design's shift of its thresholds (chosen on every article); else None.
    shift: float | None = None


def designs(rows: Sequence[Reading]) -> list[Design]:
    """The hand rules, the hand rules with fitted numbers, the learned model, and the
    learned model for the kinds where the other articles' briefs prefer it, each judged
    leave-one-article-out on the real articles."""
    cuts = cut_grid(rows)
    hand = [a for a, r in zip(cuts.scores[kinds.HAND], rows, strict=True) if r.real]
    hand_rules = kinds.Decision(kinds.HAND, None)
    models = fold_models(rows)
    shifts, mixes = shift_grid(rows, models), mix_grid(rows, models)
    whole = fit_kinds(rows)
    learned = with_model(shifted(whole, shifts.best()))
    mix, mix_shift = mixes.best()
    mixed = kinds.Decision(kinds.HAND, shifted(whole, mix_shift), mix) if mix else hand_rules
    fitted = cuts.held_out()
    return [
        Design("hand rules", hand, bootstrap(hand, hand), hand_rules),
        Design("rules, numbers fitted", fitted, bootstrap(hand, fitted),
               kinds.Decision(cuts.best(), None)),
        Design("learned", shifts.held_out(), bootstrap(hand, shifts.held_out()), learned,
               shifts.best()),
        Design("learned for some kinds, rules for the rest", mixes.held_out(),
               bootstrap(hand, mixes.held_out()), mixed, mix_shift if mix else None),
    ]  # fmt: skip


def chosen(found: Sequence[Design]) -> Design:
    """The design that ships: the best cross-validated one whose gain over the hand rules
    clears its interval (its lower end above zero); else the hand rules."""
    cleared = [d for d in found[1:] if d.gain[1] > 0]
    return max(cleared, key=lambda d: _overall(d.held_out).f1) if cleared else found[0]


def shipped_path() -> Path:
    """Where the shipped decision file lives in the source tree."""
    return Path(kinds.__file__).with_name(kinds.SHIPPED)


def document(found: Sequence[Design], rows: Sequence[Reading]) -> dict[str, Any]:
    """The shipped file's content: how it was made, each design's cross-validated figures,
    and the decision chosen."""
    return {
        "made_by": MADE_BY,
        "articles": [r.name for r in rows],
        "designs": {
            d.name: {
                "overall_f1": round(_overall(d.held_out).f1, 4),
                "gain": [round(v, 4) for v in d.gain],
            }
            for d in found
        },
        "chosen": chosen(found).name,
        "shift": chosen(found).shift,
        "decision": chosen(found).decision.to_json(),
    }


def _figures(scores: Sequence[ArticleScore]) -> str:
    d = Report(list(scores)).to_dict(subsets=False)
    s = d["sections"]
    return (
        f"overall {d['overall']['f1']:.3f} | positions {s['positions']['f1']:.3f} demands "
        f"{s['demands']['f1']:.3f} deal terms {s['deal_terms']['f1']:.3f} | party recall "
        f"{s['parties']['recall']:.3f} | status {d['status_accuracy']} target "
        f"{d['target_accuracy']} | lost {d['lost']} | fragments {d['fragment_share']}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: fit and write (or ``--check``) the shipped file; ``--cv``."""
    parser = argparse.ArgumentParser(prog="python -m summarizer.run.fit")
    parser.add_argument("gold_dir", type=Path)
    parser.add_argument("--replay", type=Path, required=True)
    parser.add_argument(
        "--train-also",
        nargs=2,
        action="append",
        default=[],
        type=Path,
        metavar=("GOLD_DIR", "REPLAY"),
        help="more articles to fit on, never judged (the fresh set)",
    )
    parser.add_argument("--check", action="store_true", help="fail if the shipped file differs")
    args = parser.parse_args(argv)
    rows = readings(args.gold_dir, resolve(replay=args.replay))
    for gold_dir, replay in args.train_also:
        rows += [replace(r, held_out=False) for r in readings(gold_dir, resolve(replay=replay))]
    found = designs(rows)
    data = document(found, rows)
    path = shipped_path()
    if args.check:
        if json.loads(path.read_text(encoding="utf-8")) != data:
            print(f"{path} differs from what the fit gives; run without --check", file=sys.stderr)
            return 1
    else:
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    real = sum(r.real for r in rows)
    print(f"leave-one-article-out on {real} real articles ({len(rows)} in the fit):")
    for d in found:
        gain, low, high = d.gain
        print(f"- {d.name}: {_figures(d.held_out)}")
        print(f"  gain over the hand rules {gain:+.3f}, 95% interval {low:+.3f} .. {high:+.3f}")
    print(f"chosen: {data['chosen']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
