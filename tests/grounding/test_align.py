from __future__ import annotations

from summarizer.grounding.align import _fold, align

TEXT = "He said: “This is your last warning!” Then  he left—quickly."


def test_exact_quote() -> None:
    span = align("Then  he left", TEXT)
    assert span is not None and TEXT[span[0] : span[1]] == "Then  he left"


def test_quote_marks_whitespace_dashes_and_case_are_tolerated() -> None:
    span = align('"this is your LAST warning!"', TEXT)
    assert span is not None and TEXT[span[0] : span[1]] == "This is your last warning!"
    span = align("then he left-quickly", TEXT)
    assert span is not None and TEXT[span[0] : span[1]] == "Then  he left—quickly"


def test_absent_quote_is_none() -> None:
    assert align("he stayed", TEXT) is None
    assert align(" '' ", TEXT) is None


def test_within_prefers_the_cited_span() -> None:
    text = "Talks resumed. Later, talks resumed."
    assert align("talks resumed", text, within=(15, len(text))) == (22, 35)
    assert align("talks resumed", text) == (0, 13)


def test_quotes_are_normalised_as_the_article_is() -> None:
    # Issue 24, row 18: an NFD quote, and one with a joiner the article lacks (or lacks one
    # it has), were "not found".
    import unicodedata

    from summarizer.article.text import clean
    from summarizer.grounding.align import align

    text = clean("Le café ferma. Le ministre a dit : می‌خواهم صلح کنیم.")
    assert align(unicodedata.normalize("NFD", "Le café ferma"), text) == (0, 13)
    persian = text.index("می")
    for quote in ("می‌خواهم", "میخواهم", "می‌\u200dخواهم"):
        assert align(quote, text) == (persian, persian + len("می‌خواهم")), quote


def test_a_quote_is_found_through_joiners_double_spaces_and_a_lengthening_letter() -> None:
    # "İ" lengthens when lower-cased and U+200D is left out: the character-by-character
    # fold, whose spans must still point into the text as written.
    text = "İzmir  port talks\u200d  resumed, “today” — the guild said."
    assert align('talks resumed, "today"', text) == (12, 35)  # the edge quote left out
    assert align("İZMIR PORT", text) == (0, 11)
    assert align("the guild said", text) == (39, 53)
    assert align("resumed , today", text) is None
    assert _fold(text)[0] == 'izmir port talks resumed, "today" - the guild said.'


def test_within_is_searched_first_then_the_rest() -> None:
    text = "The union rejected it. Later the union rejected it again."
    assert align("the union rejected it", text) == (0, 21)
    assert align("the union rejected it", text, within=(23, len(text))) == (29, 50)
    assert align("rejected it again", text, within=(0, 22)) == (39, 56)
