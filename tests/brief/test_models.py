from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from summarizer.article import source as article_source
from summarizer.brief.models import (
    DERIVED_FIELDS,
    LIKELIHOODS,
    Brief,
    Extraction,
    Judgments,
    brief_schema_json,
    model_schema,
)
from tests.conftest import ROOT, SEED

ART = article_source.load(SEED)


def _answer(**override: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "summary": "The US talks to Hamas directly; Israel objects.",
        "parties": [
            {"id": "us", "name": "United States", "kind": "state", "speakers": ["Adam Boehler"]},
            {"id": "hamas", "name": "Hamas", "kind": "armed_group"},
            {"id": "israel", "name": "Israel", "kind": "state"},
        ],
        "positions": [
            {
                "evidence": [3],
                "quote": "Israeli officials strongly advised against it",
                "holder": "israel",
                "topic": "direct talks",
                "stance": "opposed",
            }
        ],
        "demands": [
            {"evidence": [18], "by": "us", "of": "hamas", "what": "release remaining hostages"}
        ],
        "deal_terms": [
            {
                "evidence": [9],
                "term": "long-term ceasefire",
                "proposed_by": None,
                "status": "proposed",
            }
        ],
    }
    data.update(override)
    return data


def _validate(data: dict[str, Any]) -> Extraction:
    return Extraction.model_validate_json(json.dumps(data), context={"article": ART}, strict=False)


def test_published_schema_is_in_sync() -> None:
    path = ROOT / "schemas" / "brief.schema.json"
    assert path.read_text(encoding="utf-8") == brief_schema_json(), (
        "schemas/brief.schema.json is stale: run "
        "`summarizer schema --write schemas/brief.schema.json`"
    )


def test_model_facing_schema_has_no_titles_or_derived_fields() -> None:
    text = json.dumps(model_schema())
    assert '"title"' not in text
    for name in DERIVED_FIELDS:
        assert f'"{name}"' not in text
    assert "quote_span" in json.dumps(Brief.model_json_schema())


def test_evidence_ids_must_exist() -> None:
    bad = _answer()
    bad["demands"][0]["evidence"] = [99]
    with pytest.raises(ValidationError, match=r"sentence ids \[99\] do not exist.*1-22"):
        _validate(bad)


def test_quote_must_be_in_the_article() -> None:
    bad = _answer()
    bad["positions"][0]["quote"] = "Israel welcomed the talks"
    with pytest.raises(ValidationError, match="is not in the article"):
        _validate(bad)


def test_unknown_party_reference_is_an_error() -> None:
    bad = _answer()
    bad["demands"][0]["of"] = "egypt"
    with pytest.raises(ValidationError, match=r"demands\[0\]\.of refers to party 'egypt'"):
        _validate(bad)


def test_duplicate_party_ids_are_an_error() -> None:
    bad = _answer()
    bad["parties"].append({"id": "us", "name": "USA", "kind": "state"})
    with pytest.raises(ValidationError, match="unique"):
        _validate(bad)


def test_party_named_by_name_speaker_or_case_resolves_to_id() -> None:
    data = _answer()
    data["demands"][0]["by"] = "Adam Boehler"
    data["demands"][0]["of"] = "HAMAS"
    data["positions"][0]["holder"] = "Israel"
    result = _validate(data)
    assert (result.demands[0].by, result.demands[0].of) == ("us", "hamas")
    assert result.positions[0].holder == "israel"


def test_placeholder_strings_become_null() -> None:
    data = _answer()
    data["demands"][0].update(condition="none", deadline="N/A", threat="")
    data["positions"][0]["quote"] = "null"
    result = _validate(data)
    d = result.demands[0]
    assert (d.condition, d.deadline, d.threat) == (None, None, None)
    assert result.positions[0].quote is None


def test_evidence_is_required_and_deduplicated() -> None:
    data = _answer()
    data["demands"][0]["evidence"] = [18, 18]
    assert _validate(data).demands[0].evidence == [18]
    data["demands"][0]["evidence"] = []
    with pytest.raises(ValidationError):
        _validate(data)


def test_model_never_sees_derived_fields_or_their_definitions() -> None:
    text = json.dumps(model_schema())
    for name in ("responses", "Response", "attribution", "modality", "event", "verified"):
        assert f'"{name}"' not in text and f"/{name}" not in text, name


def _judgment(**override: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "judgment": "Israel takes military action if talks stall.",
        "likelihood": "likely",
        "confidence": "low",
        "evidence": [22],
    }
    return {**data, **override}


def test_key_judgments_use_the_icd_203_scale_and_cite_sentences() -> None:
    def check(*items: dict[str, Any]) -> Judgments:
        return Judgments.model_validate_json(
            json.dumps({"judgments": list(items)}), context={"article": ART}, strict=False
        )

    assert check(_judgment()).judgments[0].likelihood == "likely"
    with pytest.raises(ValidationError, match="likelihood"):
        check(_judgment(likelihood="probable"))  # not an ICD 203 word
    with pytest.raises(ValidationError, match="sentence ids \\[99\\] do not exist"):
        check(_judgment(evidence=[99]))
    with pytest.raises(ValidationError, match="evidence"):
        check(_judgment(evidence=[]))  # a judgment rests on cited evidence
    with pytest.raises(ValidationError, match="at most 3"):
        check(*[_judgment()] * 4)
    repeated = check(
        _judgment(), _judgment(judgment="ISRAEL takes  military action if talks stall.")
    )
    assert len(repeated.judgments) == 1  # a word-for-word repeat is one judgment
    # Its wording may repeat its likelihood, not contradict it.
    assert check(_judgment(judgment="Israel is likely to act.")).judgments
    with pytest.raises(ValidationError, match="says 'unlikely' but its likelihood is 'likely'"):
        check(_judgment(judgment="Israel is unlikely to act."))
    schema = model_schema(Judgments)
    levels = schema["$defs"]["KeyJudgment"]["properties"]["likelihood"]["enum"]
    assert levels == list(LIKELIHOODS) and "title" not in json.dumps(schema)


@pytest.mark.parametrize(("ids", "ok"), [([1], True), ([0], False), ([-2], False)])
def test_evidence_ids_start_at_1_even_without_the_article(ids: list[int], ok: bool) -> None:
    # Without the article to check against, 0 or -2 would index sentences from the end.
    data = _answer()
    data["positions"][0]["evidence"] = ids
    if ok:
        assert Extraction.model_validate(data).positions[0].evidence == ids
    else:
        with pytest.raises(ValidationError, match="sentences are numbered from 1"):
            Extraction.model_validate(data)


def test_an_article_has_no_sentence_0_or_past_its_last() -> None:
    n = len(ART.sentences)
    assert ART.sentence(1).id == 1 and ART.sentence(n).id == n
    for wrong in (0, -1, n + 1):
        with pytest.raises(IndexError):
            ART.sentence(wrong)
