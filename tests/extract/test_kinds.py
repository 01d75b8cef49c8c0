"""The hand rules' kinds at their cuts (extract/kinds.py): a sentence is background from
the cut up, and is not just below it."""

from __future__ import annotations

import pytest

from summarizer.extract.kinds import HAND, rule_kinds

USUAL = {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}


def _probs(background: float) -> dict[str, float]:
    rest = (1 - background) / 3
    return {"A": background, "B": rest, "C": rest, "D": rest}


@pytest.mark.parametrize(
    ("sentence", "cut"),
    [
        ("The guild demanded a raise.", HAND.background),  # a cue word: the higher cut
        ("The boats sailed at noon today.", HAND.uncued),  # none: the lower
    ],
)
def test_background_from_its_cut_up_and_not_below(sentence: str, cut: float) -> None:
    assert rule_kinds(_probs(cut), sentence, USUAL) == []
    assert rule_kinds(_probs(cut - 0.001), sentence, USUAL) != []
