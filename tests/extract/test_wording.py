"""How the scored strategy words its items (``wording.py``): no model, no recordings."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer.article.text import from_text
from summarizer.brief.models import SHORT_CHARS
from summarizer.extract import wording

# Written for these tests; not from the development set.
ART = from_text(
    "Ferry strike\n\n"
    "The crews' union said it will not sail until the night rota is scrapped. "
    "The union has refused. "
    "The operator offered a 3 percent raise, two rest days and a new rota."
)


def _items(section: str, field: str, *ids: int, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"positions": [], "demands": [], "deal_terms": []}
    out[section] = [{field: ART.sentence(i).text, "evidence": [i], **extra} for i in ids]
    return out


def test_an_item_is_worded_by_its_sentences_gist() -> None:
    (item,) = wording.worded(_items("positions", "stance", 2), ART)["positions"]
    assert item["stance"] == "will not sail until the night rota is scrapped"
    assert "copied" not in item


def test_a_sentence_with_no_gist_is_kept_and_marked_copied() -> None:
    (item,) = wording.worded(_items("positions", "stance", 3), ART)["positions"]
    assert item == {"stance": "The union has refused.", "evidence": [3], "copied": True}


def test_a_listed_part_keeps_its_words() -> None:
    data = _items("deal_terms", "term", 4, worded=True)
    data["deal_terms"][0]["term"] = "two rest days"
    (item,) = wording.worded(data, ART)["deal_terms"]
    assert item == {"term": "two rest days", "evidence": [4]}


def test_shortened_keeps_within_the_word_and_character_limits() -> None:
    long = " ".join(["word"] * 40)
    cut = wording.shortened(long)
    assert len(cut.split()) == wording.MAX_WORDS and cut.endswith("…")
    wide = " ".join(["a" * 30] * 10)
    assert len(wording.shortened(wide)) <= SHORT_CHARS
    assert wording.shortened("  two   rest days ") == "two rest days"


@pytest.mark.parametrize(
    "text",
    [
        "the strike was",  # under four words, and a stub ending on its auxiliary
        "on Tuesday last week",  # a bare date
        "he would not sail until then",  # whom "he" stands for is not said
        "the operator would not agree to",  # ends on a word that wants more
    ],
)
def test_a_fragment_is_an_item_that_cannot_stand_alone(text: str) -> None:
    assert wording.fragment(text)


@pytest.mark.parametrize(
    "text",
    [
        "the union will not sail until the rota is scrapped",
        "a 3 percent raise from January",
        "two rest days a week …",  # a shortened sentence still says something
        "The union said the crews would sail, and they did.",  # a whole sentence
    ],
)
def test_a_whole_statement_is_no_fragment(text: str) -> None:
    assert not wording.fragment(text)


def test_a_gist_too_short_to_stand_is_widened_to_its_clause() -> None:
    text = "The board met on Monday after the crews demanded overtime."
    data = {"positions": [], "demands": [{"what": "x", "evidence": [2]}], "deal_terms": []}
    (item,) = wording.worded(data, from_text("Ferry strike\n\n" + text))["demands"]
    assert item == {"what": "after the crews demanded overtime", "evidence": [2]}


def test_a_gist_whose_clause_is_the_sentence_keeps_the_sentence_marked_copied() -> None:
    text = "The crews demanded overtime."
    data = {"positions": [], "demands": [{"what": "x", "evidence": [2]}], "deal_terms": []}
    (item,) = wording.worded(data, from_text("Ferry strike\n\n" + text))["demands"]
    assert item == {"what": text, "evidence": [2], "copied": True}


def test_a_headline_that_is_a_clause_is_the_summary() -> None:
    art = from_text("Union rejects pay offer, vows strike\n\nThe crews' union met on Monday.")
    got = wording.summary_line("The crews met.", art)
    assert got == "Union rejects pay offer, vows strike."


def test_a_headline_without_a_verb_leaves_the_models_first_sentence() -> None:
    got = wording.summary_line(
        "The crews' union refuses to sail until the night rota goes. The operator waits.", ART
    )
    assert got == "The crews' union refuses to sail until the night rota goes."


def test_a_summary_cut_mid_clause_goes_back_to_a_clause_that_closes() -> None:
    cut = (
        "The crews' union refuses to sail until the night rota is scrapped, while the "
        "operator offered a 3 percent raise and two"
    )
    got = wording.summary_line(cut, ART)
    assert got == "The crews' union refuses to sail until the night rota is scrapped."


def test_letters_the_article_never_uses_are_dropped() -> None:
    got = wording.summary_line(
        "The crews' union refuses to sail until the night rota 被 is scrapped.", ART
    )
    assert got == "The crews' union refuses to sail until the night rota is scrapped."


def test_a_summary_with_nothing_that_stands_falls_back_to_the_lead() -> None:
    got = wording.summary_line("Union and", ART)
    assert got == ART.sentence(2).text
