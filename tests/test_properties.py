"""Property-based tests: sentence offsets and quote alignment hold for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.article import text as article_text
from summarizer.grounding.align import _EDGE as EDGE
from summarizer.grounding.align import _fold, _fold_slowly, align

WORD = st.text(alphabet=st.sampled_from("abcdefghij’'\"“”-"), min_size=1, max_size=8)
SENTENCE = st.lists(WORD, min_size=1, max_size=8).map(" ".join).map(lambda s: s[:1].upper() + s[1:])
PUNCT = st.sampled_from([".", "!", "?", "", ".\n", ".\n\n"])
TEXT = st.lists(st.tuples(SENTENCE, PUNCT), min_size=1, max_size=12).map(
    lambda parts: " ".join(s + p for s, p in parts)
)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_sentences_are_exact_ordered_slices_covering_the_text(raw: str) -> None:
    text = article_text.clean(raw)
    sentences = article_text.split_sentences(text)
    cursor = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text and s.text == s.text.strip() and s.text
        assert s.start >= cursor
        assert text[cursor : s.start].strip() == ""  # nothing but white space is skipped
        cursor = s.end
    assert text[cursor:].strip() == ""


SWAPS = {"'": "’", "’": "'", '"': "“", "“": '"', "”": '"', " ": "  ", "-": "–"}


@settings(max_examples=200, deadline=None)
@given(TEXT, st.data())
def test_a_quote_taken_from_the_text_aligns_where_it_came_from(
    raw: str, data: st.DataObject
) -> None:
    text = article_text.clean(raw)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    mangled = "".join(
        SWAPS.get(ch, ch) if data.draw(st.booleans()) else ch for ch in quote
    ).replace("\n", " ")
    span = align(mangled, text, within=(start, end))
    expected = _fold(mangled)[0].strip(EDGE)
    if not expected:
        assert span is None
        return
    assert span is not None
    s, e = span
    assert start <= s and e <= end  # found where it came from, not elsewhere
    assert _fold(text[s:e])[0] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ İß’“—-\t\n\u00a0\u2028 .x"), max_size=40))
def test_fast_folding_equals_folding_one_character_at_a_time(text: str) -> None:
    # The fast path must give the same folded text and origin map as the plain loop,
    # and fall back to it where lower() changes a character's length ('İ').
    assert _fold(text) == _fold_slowly(text)
