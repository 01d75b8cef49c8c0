"""The fit of the kinds decision (``summarizer.run.fit``): how designs are judged and chosen,
on made-up scores; and that the shipped file is what the fit gives, on the recordings."""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

import summarizer
from summarizer.article.text import from_text
from summarizer.extract import kinds
from summarizer.extract.scored import Judged, Sides
from summarizer.extract.sides import Side
from summarizer.run import fit
from summarizer.run.evaluate import ArticleScore
from tests.conftest import ROOT, replayed

# The designs the fit judges (``fit.designs``).
DESIGNS = (
    "hand rules",
    "rules, numbers fitted",
    "learned",
    "learned for some kinds, rules for the rest",
)


def _score(name: str, tp: int, fp: int, fn: int) -> ArticleScore:
    score = ArticleScore(article=name)
    score.sections["positions"].tp, score.sections["positions"].fp = tp, fp
    score.sections["positions"].fn = fn
    return score


class _Row:
    def __init__(self, real: bool) -> None:
        self.real = real


def test_a_grid_chooses_each_held_out_articles_setting_without_it() -> None:
    # Setting "b" is better on article 0 alone, "a" on the others: article 0's brief is
    # made with "a", chosen on the others, and so scores badly.
    scores = {
        "a": [_score("x", 0, 5, 5), _score("y", 5, 0, 0), _score("z", 5, 0, 0)],
        "b": [_score("x", 5, 0, 0), _score("y", 0, 5, 5), _score("z", 0, 5, 5)],
    }
    grid: fit.Grid[str] = fit.Grid([_Row(True), _Row(True), _Row(False)], scores)  # type: ignore[list-item]
    assert grid.best() == "a" and grid.best(leave_out=1) == "a"
    held = grid.held_out()
    # Only the real articles are judged; the last one only helps choose.
    assert [a.article for a in held] == ["x", "y"]
    assert held[0] is scores["a"][0]


def test_a_tie_keeps_the_setting_listed_first() -> None:
    same = [_score("x", 3, 1, 1)]
    grid: fit.Grid[str] = fit.Grid([_Row(True)], {"hand": same, "fitted": list(same)})  # type: ignore[list-item]
    assert grid.best() == "hand"


def test_the_bootstrap_interval_holds_the_gain_and_widens_with_disagreement() -> None:
    before = [_score(str(i), 5, 5, 5) for i in range(10)]
    steady = [_score(str(i), 6, 4, 4) for i in range(10)]
    gain, low, high = fit.bootstrap(before, steady)
    assert gain > 0 and 0 < low <= gain <= high
    # The same total gain from one article of ten: the interval reaches zero.
    lucky = [_score("0", 15, 0, 0)] + [_score(str(i), 5, 5, 5) for i in range(1, 10)]
    gain, low, high = fit.bootstrap(before, lucky)
    assert gain > 0 and low <= 0 <= high


def _design(name: str, gain: tuple[float, float, float], tp: int) -> fit.Design:
    return fit.Design(name, [_score("x", tp, 2, 2)], gain, kinds.Decision(kinds.HAND, None))


def test_a_decision_takes_the_models_kinds_only_where_it_learned_them() -> None:
    sentence = kinds.Sentence(
        "The union urged the board to reopen talks.",
        {"A": 0.05, "B": 0.05, "C": 0.85, "D": 0.05},
        dict.fromkeys("ABCD", 0.25),
        0, 1, 1, True,
    )  # fmt: skip
    ruled = kinds.rules(sentence)
    assert ruled == ["demands"]
    names = tuple(sorted(kinds.features(sentence)))
    zeros = tuple(0.0 for _ in names)
    # A model that states every kind of every sentence.
    always = kinds.KindsModel(
        names, zeros, tuple(1.0 for _ in names), dict.fromkeys(kinds.SECTIONS, zeros),
        dict.fromkeys(kinds.SECTIONS, 5.0), dict.fromkeys(kinds.SECTIONS, 0.5),
    )  # fmt: skip
    assert kinds.Decision(kinds.HAND, always)(sentence) == list(kinds.SECTIONS)
    assert kinds.Decision(kinds.HAND, always, ("positions",))(sentence) == [
        "positions",
        "demands",
    ]
    assert kinds.Decision(kinds.HAND, None)(sentence) == ruled


def test_a_design_ships_only_when_its_gain_clears_the_interval() -> None:
    hand = _design("hand rules", (0.0, 0.0, 0.0), 5)
    unclear = _design("learned", (0.05, -0.01, 0.1), 9)
    clear = _design("rules, numbers fitted", (0.02, 0.005, 0.04), 6)
    assert fit.chosen([hand, unclear]) is hand
    assert fit.chosen([hand, clear, unclear]) is clear


def test_the_shipped_decision_is_what_the_fit_gives() -> None:
    """Re-fits on the recordings what the file says was chosen (the designs' leave-one-out
    figures take minutes: ``python -m summarizer.run.fit ... --check`` reproduces them)."""
    data: dict[str, Any] = json.loads(fit.shipped_path().read_text(encoding="utf-8"))
    rows = fit.readings(ROOT / "fixtures" / "devset", replayed())
    fresh = fit.readings(
        ROOT / "fixtures" / "fresh", summarizer.resolve(replay=ROOT / "fixtures" / "recorded-fresh")
    )
    rows += [replace(r, held_out=False) for r in fresh]
    assert data["articles"] == [r.name for r in rows]
    assert set(data["designs"]) == set(DESIGNS)
    decision = kinds.Decision.from_json(data["decision"])
    if decision.model is not None:
        model = fit.shifted(fit.fit_kinds(rows), data["shift"])
        assert kinds.Decision(kinds.HAND, model, decision.learned).to_json() == data["decision"]
    elif data["chosen"] == "hand rules":
        assert decision == kinds.Decision(kinds.HAND, None)
    else:
        grid = fit.Grid(rows, {c: [fit.brief_score(r, kinds.Decision(c, None)) for r in rows]
                               for c in (kinds.HAND, decision.cuts)})  # fmt: skip
        assert grid.best() == decision.cuts


@pytest.mark.parametrize("design", DESIGNS)
def test_each_design_is_reported_with_its_cross_validated_figure(design: str) -> None:
    data = json.loads(fit.shipped_path().read_text(encoding="utf-8"))
    gain, low, high = data["designs"][design]["gain"]
    assert 0 < data["designs"][design]["overall_f1"] < 1 and low <= gain <= high


def test_a_sentence_is_labelled_by_its_own_item_even_past_the_briefs_limits() -> None:
    # Fifteen positions of one side, the model least sure of the last: taken all at once,
    # the brief's limit of twelve would drop the last one's item before it could be matched.
    said = [f"The guild said point {n} matters." for n in range(1, 15)]
    art = from_text(" ".join([*said, "The guild said the harbour fees must fall."]))
    judged = [
        Judged(sentence=s, kinds={"A": 0.01 * s.id, "B": 0.8, "C": 0.1, "D": 0.1})
        for s in art.sentences
    ]
    answer = SimpleNamespace(
        value=Sides(parties=[Side(name="guild", kind="union")], summary="s"), model="m"
    )
    gold: dict[str, Any] = {
        "article": "made-up.txt",
        "parties": [{"id": "guild", "name": "guild", "aliases": []}],
        "positions": [
            {"holder": "guild", "stance": "harbour fees must fall", "evidence": "harbour fees"}
        ],
        "demands": [],
        "deal_terms": [],
    }
    labels = fit._labels(art, gold, answer, judged)
    assert labels[14] == {"positions": 1, "demands": 0, "deal_terms": 0}
    # A sentence the gold cites for no item is labelled no, whatever it is taken as.
    assert labels[13] == {"positions": 0, "demands": 0, "deal_terms": 0}
