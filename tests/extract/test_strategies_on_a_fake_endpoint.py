"""Each strategy end to end through the real client, against a scripted OpenAI-compatible
endpoint on 127.0.0.1 (hand-made answers, no recordings): what the strategy makes of the
answers is its own logic, and these tests can fail on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import summarizer
from tests.faults.server import fault_server

# Written for these tests; not from the development set. The headline is not asked about.
ARTICLE = (
    "Bus strike talks resume\n\n"
    "The Metro Drivers Union demanded a 5% raise from Harlow City Council on Monday. "
    "Harlow City Council said it opposes any raise this year. "
    "A mediator proposed a 3% raise from July. "
    "Snow fell across the region on Monday.\n"
)
SIDES = {
    "parties": [
        {"name": "Metro Drivers Union", "kind": "union"},
        {"name": "Harlow City Council", "kind": "government"},
    ],
    "summary": "Bus drivers and the city council resumed talks over a raise.",
}


def _letter(letter: str) -> tuple[str, dict[str, Any]]:
    """A closed question's answer: ``letter`` near certain, the others far behind."""
    top = [(x, -0.02 if x == letter else -6.0) for x in "ABCD"]
    return ("logprobs", {"top": top})


def _scored(tmp_path: Path, *answers: str | tuple[str, dict[str, Any]]) -> summarizer.Brief:
    article = tmp_path / "bus-strike.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with fault_server(*answers) as (url, script):
        options = summarizer.resolve(base_url=url, model="fault-model", strategy="scored")
        brief = summarizer.summarize(article, options)
    # One parties call, then one question per body sentence (4), in order.
    assert len(script.requests) == len(answers)
    return brief


def test_scored_makes_each_sentence_the_kind_the_model_chose_with_the_parse_s_roles(
    tmp_path: Path,
) -> None:
    brief = _scored(
        tmp_path,
        ("answer", {"brief": SIDES}),
        _letter("C"),
        _letter("B"),
        _letter("D"),
        _letter("A"),
    )
    names = {p.id: p.name for p in brief.parties}
    [demand] = brief.demands
    assert (names[demand.by], names[demand.of or ""]) == (
        "Metro Drivers Union",
        "Harlow City Council",
    )
    assert "5% raise" in demand.what and demand.evidence == [2]  # 1 is the headline
    [position] = brief.positions
    assert names[position.holder] == "Harlow City Council" and position.evidence == [3]
    [term] = brief.deal_terms
    assert "3% raise" in term.term and term.status == "proposed" and term.evidence == [4]
    # The background sentence gives nothing, and every item is borne out by its sentence.
    assert all(5 not in x.evidence for x in [*brief.positions, *brief.demands, *brief.deal_terms])
    assert all(x.verified for x in [*brief.positions, *brief.demands, *brief.deal_terms])


def test_scored_keeps_a_party_the_article_does_not_name_marked_after_the_re_asks(
    tmp_path: Path,
) -> None:
    # The parties call names a side the article never mentions, on every re-ask: the brief
    # is kept, and that party is marked, not silently trusted and not a failed run.
    invented = {
        **SIDES,
        "parties": [*SIDES["parties"], {"name": "Atlantis Transit Authority", "kind": "other"}],
    }
    brief = _scored(
        tmp_path,
        *[("answer", {"brief": invented})] * 3,
        _letter("C"),
        _letter("B"),
        _letter("D"),
        _letter("A"),
    )
    marked = [p for p in brief.parties if p.name == "Atlantis Transit Authority"]
    assert marked and not marked[0].verified
    assert all(p.verified for p in brief.parties if p not in marked)


def test_single_takes_its_whole_extraction_from_one_call(tmp_path: Path) -> None:
    article = tmp_path / "bus-strike.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    answer = {
        "summary": "Drivers want a raise the council opposes.",
        "parties": [
            {"id": "union", "name": "Metro Drivers Union", "kind": "union"},
            {"id": "council", "name": "Harlow City Council", "kind": "government"},
        ],
        "positions": [],
        "demands": [
            {"by": "union", "of": "council", "what": "a 5% raise", "evidence": [2]},
        ],
        "deal_terms": [],
    }
    with fault_server(("answer", {"brief": answer})) as (url, script):
        options = summarizer.resolve(base_url=url, model="fault-model", strategy="single")
        brief = summarizer.summarize(article, options)
    assert len(script.requests) == 1 and "logprobs" not in script.requests[0]
    assert [(d.by, d.of, d.what) for d in brief.demands] == [("union", "council", "a 5% raise")]
