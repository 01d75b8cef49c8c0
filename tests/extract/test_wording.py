"""How the scored strategy words its items (``wording.py``): no model, no recordings."""

from __future__ import annotations

from typing import Any

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
