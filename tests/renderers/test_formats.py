"""The terminal table: each item beside the sentence it sums up."""

from __future__ import annotations

import summarizer
from summarizer.renderers.formats import to_table
from tests.conftest import SEED, replayed


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


def test_a_topic_column_shows_only_where_a_position_has_a_topic() -> None:
    brief = summarizer.summarize(SEED, replayed())
    assert brief.positions and not any(p.topic for p in brief.positions)
    assert "Topic" not in to_table(brief, width=400)
    first = brief.positions[0].model_copy(update={"topic": "direct talks with Hamas"})
    shown = to_table(brief.model_copy(update={"positions": [first]}), width=400)
    assert "Topic" in shown and "direct talks with Hamas" in shown


_EVIL = (
    "\x1b]0;owned\x07\x1b[31mred ![pixel](https://tracker.example/p.png) "
    "[go](https://x.example)\n# Injected heading"
)


def _evil(brief: summarizer.Brief) -> summarizer.Brief:
    term = brief.deal_terms[0].model_copy(update={"term": _EVIL})
    return brief.model_copy(update={"deal_terms": [term], "source": "a\n# Heading.txt"})


def _safe_markdown(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text
    assert "![pixel](" not in text and "[go](" not in text
    assert not any(
        line.startswith("# Injected") or line == "# Heading.txt" for line in text.splitlines()
    )


def test_markdown_outputs_show_model_and_article_text_and_never_run_it() -> None:
    # Issue 24, rows 13-14: escapes reached stdout; an image, a link or a new line in a
    # text or a file name became Markdown.
    from summarizer.renderers import diff, memo
    from summarizer.renderers.formats import render

    brief = summarizer.summarize(SEED, replayed())
    evil = _evil(brief)
    _safe_markdown(render(evil, "md"))
    _safe_markdown(memo.render(memo.build([evil]), "md"))
    _safe_markdown(diff.render(diff.compare(brief, evil), brief, evil))
    assert "\x1b" not in render(evil, "table")
