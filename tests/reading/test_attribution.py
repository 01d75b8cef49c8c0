from __future__ import annotations

import pytest

from summarizer.reading.attribution import attribution, event, modality


@pytest.mark.parametrize(
    ("sentence", "kind", "phrase"),
    [
        ("Sources told the paper that the mayor would resign.", "anonymous", "Sources told"),
        (
            "The plan has stalled, according to sources close to the board.",
            "anonymous",
            "according to sources",
        ),
        ("However, she cautioned that the vote could slip.", "on_record", "However, she cautioned"),
        ("The council met on Tuesday to discuss the budget.", "reporter", None),
        ("If the firm fails to pay, the strike will resume, she added.", "on_record", "she added"),
    ],
)
def test_attribution(sentence: str, kind: str, phrase: str | None) -> None:
    assert attribution(sentence) == (kind, phrase)


def test_statement_and_spokesperson() -> None:
    assert attribution("In a statement, it said staffing was safe.")[0] == "statement"
    assert attribution("The guild has declined, a spokesperson said.")[0] == "statement"


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The offer could include a signing bonus.", "hedged"),
        ("It was a term the board had not agreed to.", "negated"),
        ("If the firm fails to pay, the strike will resume, she added.", "conditional"),
        ("The board had initially rejected the plan.", "past"),
        ("The council met on Tuesday to discuss the budget.", "asserted"),
    ],
)
def test_modality(sentence: str, kind: str) -> None:
    assert modality(sentence)[0] == kind


def test_plover_events() -> None:
    assert event("demand") == "REQUEST"
    assert event("demand", threat="This is your last warning!") == "THREATEN"
    assert event("deal_term", status="agreed") == "AGREE"
    assert event("deal_term", status="rejected") == "REJECT"
    assert event("deal_term", status="withdrawn") == "RETREAT"
    assert event("deal_term", status="proposed") == "CONSULT"
    assert event("position", stance="lowered its ask to 9 percent") == "CONCEDE"
    assert event("position", stance="accused the company of retaliation") == "ACCUSE"
    assert event("position", stance="opposes direct talks") == "REJECT"
    assert event("position", stance="favours direct talks") == "SUPPORT"


def test_read_stage_fills_each_items_reading_from_its_sentence() -> None:
    from summarizer.grounding.checks import ground
    from summarizer.reading.attribution import read
    from tests.brief.test_models import ART, _answer, _validate

    brief = read(ground(_validate(_answer()), ART), ART)
    pos, dem = brief.positions[0], brief.demands[0]
    # The position's quote lies in sentence 3, an anonymous source's report.
    assert (pos.attribution, pos.event) == ("anonymous", "REJECT")
    assert (dem.event, dem.modality) == ("REQUEST", "asserted")
