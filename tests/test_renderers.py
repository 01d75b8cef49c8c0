"""The terminal table: each item beside the sentence it sums up."""

from __future__ import annotations

import summarizer
from summarizer.renderers import to_table

from .conftest import SEED, replayed


def test_each_item_shows_its_evidence_sentence_once_per_table() -> None:
    brief = summarizer.summarize(SEED, replayed())
    text = " ".join(to_table(brief, width=400).split())
    # The demand's own words, and beside them the sentence they come from.
    assert "the release of the remaining hostages" in text
    assert "[S18] On Wednesday evening, US President Donald Trump issued" in text
    # S9 lists four terms: its sentence is shown beside the first of them only.
    assert text.count("could include: a long-term ceasefire") == 1
    assert text.count("[S9]") == 4


def test_an_item_in_its_sentences_words_says_so() -> None:
    brief = summarizer.summarize(SEED, replayed())
    copied = [t for t in brief.deal_terms if t.copied]
    assert copied, "the seed has a term whose sentence the parse cannot cut down"
    text = " ".join(to_table(brief, width=400).split())
    assert text.count("(in its sentence's words)") == len(
        [x for x in (*brief.positions, *brief.demands, *brief.deal_terms) if x.copied]
    )
