from __future__ import annotations

from summarizer.grounding.checks import ground
from summarizer.reading.attribution import read
from summarizer.reading.link import link
from tests.brief.test_models import ART, _answer, _validate


def test_demands_link_to_the_demanded_partys_answers() -> None:
    data = _answer()
    data["deal_terms"] = [
        {
            "evidence": [18],
            "term": "release of the remaining hostages",
            "proposed_by": "hamas",
            "status": "rejected",
        },
        {"evidence": [9], "term": "long-term ceasefire", "proposed_by": None, "status": "proposed"},
    ]
    # The event types that tell an answer's kind are the reading stage's.
    result = link(read(ground(_validate(data), ART), ART))
    (response,) = result.demands[0].responses
    assert (response.kind, response.section, response.index) == ("rejection", "deal_terms", 0)
