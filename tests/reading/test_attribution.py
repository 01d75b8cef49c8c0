from __future__ import annotations

import pytest

from summarizer.article import source as article_source
from summarizer.reading.attribution import attribution, event, modality
from tests.conftest import SEED

S = {s.id: s.text for s in article_source.load(SEED).sentences}


@pytest.mark.parametrize(
    ("sid", "kind", "phrase"),
    [
        (3, "anonymous", "Sources told"),
        (11, "anonymous", "according to sources"),
        (21, "on_record", "However, he cautioned"),
        (8, "reporter", None),
        (22, "on_record", "he added"),
    ],
)
def test_attribution_of_seed_sentences(sid: int, kind: str, phrase: str | None) -> None:
    assert attribution(S[sid]) == (kind, phrase)


def test_statement_and_spokesperson() -> None:
    assert attribution("In a statement, it said staffing was safe.")[0] == "statement"
    assert attribution("The union has refused, a spokesperson said.")[0] == "statement"


@pytest.mark.parametrize(
    ("sid", "kind"),
    [
        (9, "hedged"),  # "could include"
        (10, "negated"),  # "a point Israel had not agreed to"
        (22, "conditional"),  # "If Hamas fails to adopt ..."
        (14, "past"),  # "Washington had initially rejected the approach"
        (8, "asserted"),
    ],
)
def test_modality_of_seed_sentences(sid: int, kind: str) -> None:
    assert modality(S[sid])[0] == kind


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
