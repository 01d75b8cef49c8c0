"""The scored strategy's own logic, on hand-made answers: no model, no recordings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from summarizer.article.text import from_text
from summarizer.brief.models import Extraction
from summarizer.extract import cues, scored
from summarizer.extract.kinds import rule_kinds, rules
from summarizer.extract.scored import Judged, Sides
from summarizer.extract.sides import Side, mentions, pattern, spellings
from summarizer.extract.status import status_of, term_status
from summarizer.grounding.checks import ground

# Written for these tests; not from the development set.
ART = from_text(
    "Fishing talks stall over cod quota\n\n"
    "The talks began in 1998 in a harbour hotel. "
    "The Fishermen's Guild said it opposes any cut to the cod quota, the head of its board "
    "told reporters. "
    "He added that boats would stay in port. "
    "Minister Ana Ruiz urged the Fishermen's Guild to accept a smaller quota by June. "
    "Under the plan, each boat would get 4,000 euros, and the Fishermen's Guild signed it. "
    "The fisheries ministry proposed a joint survey of the stock."
)
SIDES = Sides(
    parties=[
        Side(
            name="Fishermen's Guild",
            kind="union",
            speakers=["Captain Joe Brandt", "the head of its board"],
        ),
        Side(name="The fisheries ministry", kind="government", speakers=["Minister Ana Ruiz"]),
    ],
    summary="Talks on the cod quota stalled.",
)
BACKGROUND = {"A": 0.6, "B": 0.2, "C": 0.1, "D": 0.1}


def _judged(*kinds: dict[str, float]) -> list[Judged]:
    return [Judged(sentence=s, kinds=k) for s, k in zip(ART.sentences, kinds, strict=True)]


def _assemble(*kinds: dict[str, float]) -> dict[str, Any]:
    return scored.assemble(ART, SIDES, _judged(*kinds), rules)


POSITION = {"A": 0.05, "B": 0.8, "C": 0.1, "D": 0.05}
DEMAND = {"A": 0.05, "B": 0.1, "C": 0.8, "D": 0.05}
TERM = {"A": 0.05, "B": 0.1, "C": 0.05, "D": 0.8}


def _read(body: str, *kinds: dict[str, float], sides: Sides = SIDES) -> dict[str, Any]:
    """The extraction of an article of ``body`` (after a title), its sentences judged
    ``kinds`` in order."""
    art = from_text(f"Quota row\n\n{body}")
    judged = [Judged(sentence=s, kinds=k) for s, k in zip(art.sentences[1:], kinds, strict=True)]
    return scored.assemble(art, sides, judged, rules)


def test_parties_are_tidied_to_the_article_and_get_derived_ids() -> None:
    out = _assemble(*[BACKGROUND] * len(ART.sentences))
    guild, ministry = out["parties"]
    assert guild["id"] == "fishermen_s_guild"
    # The model's invented person and its description of one are dropped; the title it
    # added is taken off.
    assert guild["speakers"] == []
    assert ministry["speakers"] == ["Ana Ruiz"]
    assert ministry["name"] == "The fisheries ministry"
    # Background everywhere: no items, but for the request that someone act ("Minister Ana
    # Ruiz urged the Fishermen's Guild to accept ...") and what a side put forward ("The
    # fisheries ministry proposed a joint survey ..."), whatever the letters.
    assert out["positions"] == []
    assert [(d["by"], d["of"], d["evidence"]) for d in out["demands"]] == [
        ("the_fisheries_ministry", "fishermen_s_guild", [5])
    ]
    assert [(t["proposed_by"], t["evidence"]) for t in out["deal_terms"]] == [
        ("the_fisheries_ministry", [7])
    ]


def test_a_body_listed_as_its_own_speaker_shows_no_one() -> None:
    art = from_text("Strike\n\nThe Fishermen's Guild said it would strike.")
    guild = Side(name="Fishermen's Guild", kind="union", speakers=["Fishermen's Guild"])
    out = scored.assemble(art, Sides(parties=[guild], summary="A strike."), [], rules)
    assert out["parties"][0]["speakers"] == []


def test_each_kind_becomes_an_item_citing_its_own_sentence_in_its_words() -> None:
    position = {"A": 0.05, "B": 0.55, "C": 0.2, "D": 0.2}
    demand = {"A": 0.1, "B": 0.3, "C": 0.4, "D": 0.2}
    term = {"A": 0.1, "B": 0.3, "C": 0.1, "D": 0.5}
    out = _assemble(BACKGROUND, BACKGROUND, position, position, demand, term, term)
    first, second = out["positions"]
    assert (first["holder"], first["evidence"]) == ("fishermen_s_guild", [3])
    # Its words are the sentence's, without who said it (wording.py).
    assert first["stance"] == "opposes any cut to the cod quota"
    # "He added ..." names no side: the last side named before it holds the position.
    assert (second["holder"], second["evidence"]) == ("fishermen_s_guild", [4])
    (dem,) = out["demands"]
    # The minister is the ministry's; the Guild is named right after "urged".
    assert (dem["by"], dem["of"]) == ("the_fisheries_ministry", "fishermen_s_guild")
    signed, survey = out["deal_terms"]
    # No one is said to put the payment forward; the Guild signed it: its term, agreed.
    assert (signed["proposed_by"], signed["status"]) == ("fishermen_s_guild", "agreed")
    # The ministry put the survey forward: proposed, although the article reports a deal.
    assert (survey["proposed_by"], survey["status"]) == ("the_fisheries_ministry", "proposed")
    brief = ground(Extraction.model_validate(out, context={"article": ART}), ART)
    assert all(x.verified for x in [*brief.positions, *brief.demands, *brief.deal_terms])


def test_background_needs_less_probability_where_no_cue_word_is_used() -> None:
    # Sentence 2 ("The talks began in 1998 ...") uses no cue word; sentence 3 does.
    lukewarm = {"A": 0.15, "B": 0.5, "C": 0.2, "D": 0.15}
    assert rule_kinds(lukewarm, ART.sentence(2).text, lukewarm) == []
    assert rule_kinds(lukewarm, ART.sentence(3).text, lukewarm) == ["positions"]
    assert rule_kinds(BACKGROUND, ART.sentence(3).text, BACKGROUND) == []


def test_kind_is_judged_against_the_models_habits_in_the_article() -> None:
    # The model favours B everywhere; C above its usual share wins although B is larger.
    probs = {"A": 0.1, "B": 0.5, "C": 0.3, "D": 0.1}
    usual = {"A": 0.2, "B": 0.6, "C": 0.1, "D": 0.1}
    assert rule_kinds(probs, "It said nothing new.", usual) == ["demands"]
    # A cue word tips a near tie: "offer" marks a deal term.
    even = {"A": 0.1, "B": 0.3, "C": 0.3, "D": 0.3}
    assert rule_kinds(even, "The offer is near.", even) == ["deal_terms"]


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ("The ministry declined to comment on the guild's offer of a 40-tonne quota.", []),
        ("A port spokesman did not respond to requests for comment on the new offer.", []),
        # One that goes on to say something still says it.
        (
            "The ministry declined to comment, and its minister said the 40-tonne offer stands.",
            ["positions"],
        ),
        ("The guild declined to comment on the offer but said talks would go on.", ["positions"]),
    ],
)
def test_a_sentence_that_only_reports_no_comment_states_no_item(
    sentence: str, kinds: list[str]
) -> None:
    even = {"A": 0.1, "B": 0.3, "C": 0.3, "D": 0.3}
    assert rule_kinds(even, sentence, even) == kinds


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        # A deal named and no term of it: nothing to list.
        ("Talk of a ferry deal has grown this week.", []),
        ("He warned that such a deal could hurt the guild.", []),
        # A deal with what it holds: its term.
        ("The guild signed a deal that ends the strike.", ["deal_terms"]),
        ("Under the deal, boats would stay in port.", ["deal_terms"]),
        ("The deal gives each boat 4,000 euros.", ["deal_terms"]),
    ],
)
def test_a_deal_named_without_its_terms_is_no_deal_term(sentence: str, kinds: list[str]) -> None:
    usual = {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}
    assert rule_kinds(TERM, sentence, usual) == kinds


@pytest.mark.parametrize(
    "sentence",
    [
        "Both sides agreed on a review of the quota in 2030.",
        "The union accepted a four-day week in principle.",
        "The revisions include a cap of 250 berths.",
    ],
)
def test_words_of_agreeing_and_including_mark_a_deal_term(sentence: str) -> None:
    # Without a cue a sentence the model gives even 0.15 of background is background; these
    # words say a term is being stated, so the model's lean towards D counts.
    probs = {"A": 0.15, "B": 0.25, "C": 0.2, "D": 0.4}
    usual = {"A": 0.3, "B": 0.3, "C": 0.2, "D": 0.2}
    assert rule_kinds(probs, sentence, usual) == ["deal_terms"]
    assert rule_kinds(probs, "The weather in the port was mild.", usual) == []


def test_words_of_deals_only_inside_a_quotation_are_a_position() -> None:
    # What a speaker says of a deal is their view of it; the same words outside a quotation
    # state the term.
    leans_d = {"A": 0.1, "B": 0.2, "C": 0.2, "D": 0.5}
    usual = {"A": 0.2, "B": 0.4, "C": 0.2, "D": 0.2}
    quoted = '"This is the best offer the guild has ever had," the minister told reporters.'
    assert rule_kinds(leans_d, quoted, usual) == ["positions"]
    stated = 'The guild offered "two more sailings a day" from June.'
    assert rule_kinds(leans_d, stated, usual) == ["deal_terms"]


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("The union rejected the offer.", "rejected"),
        ("Both sides signed the accord on Monday.", "agreed"),
        ("The figure is still in brackets in the draft.", "disputed"),
        ("The company withdrew its offer of a bonus.", "withdrawn"),
        ("The tariff cut took effect in May.", "implemented"),
        ("They are still negotiating the length of the deal.", "under_negotiation"),
        ("The plan would add two sailings a day.", "proposed"),
        # A refused agreement is a dispute; one not yet given is not.
        ("A point the ministry had not agreed to.", "disputed"),
        ("The guild cannot agree to a smaller quota.", "disputed"),
        ("The ministry has yet to sign the accord.", "proposed"),
        # Words that only begin like a status word say nothing of one.
        ("The club offered a larger signing bonus.", "proposed"),
        ("The plan would be a significant change to the quota.", "proposed"),
        ("The objective of the plan would be a lower tariff.", "proposed"),
        ("The ministers and their counterparts would meet monthly.", "proposed"),
        ("The signing of the accord is set for Friday.", "agreed"),
        ("The union countered with a three-year term.", "under_negotiation"),
        # An agreement reached outweighs the dispute it ends.
        ("They reached an agreement, ending a dispute over the quota.", "agreed"),
        # A goal, a condition or a possibility is not an agreement.
        ("Parents asked both sides to agree to arbitration.", "proposed"),
        ("The cut would stand if the guild accepted the survey.", "proposed"),
        ("The guild would consider accepting a smaller quota.", "proposed"),
        # A pledge made is an agreement; the noun alone says nothing of one.
        ("The ministry pledged to reopen the winter route.", "agreed"),
        ("The ministry proposed a new route, a pledge aimed at island voters.", "proposed"),
        # A deal told by what it did is in force.
        ("The accord that ended the strike made the guild's leader a board member.", "implemented"),
        # A revised term is a new version, not one still bargained over.
        ("The revised plan would add two sailings a day.", "proposed"),
        # "counter-terrorism" is no counter-offer.
        ("The plan would fund counter-terrorism patrols.", "proposed"),
    ],
)
def test_status_is_read_off_the_sentence(sentence: str, status: str) -> None:
    assert status_of(sentence) == status


def test_a_term_whose_sentence_gives_no_status_takes_the_articles() -> None:
    signed = from_text("Deal\n\nBoth sides signed the accord. It sets a quota of 40 tonnes.")
    unsigned = from_text("Deal\n\nThe ministry had not agreed. It sets a quota of 40 tonnes.")
    assert term_status(signed)(signed.sentence(3)) == "agreed"
    assert term_status(unsigned)(unsigned.sentence(3)) == "proposed"
    assert term_status(unsigned)(unsigned.sentence(2)) == "disputed"  # its own words first


def test_sections_keep_at_most_the_briefs_limit_the_surest_first() -> None:
    many = from_text(" ".join(f"The guild said point {n} matters." for n in range(1, 16)))
    judged = [
        Judged(sentence=s, kinds={"A": 0.01 * s.id, "B": 0.8, "C": 0.1, "D": 0.1})
        for s in many.sentences
    ]
    sides = Sides(parties=[Side(name="guild", kind="union")], summary="s")
    out = scored.assemble(many, sides, judged, rules)
    assert [p["evidence"][0] for p in out["positions"]] == list(range(1, 13))
    Extraction.model_validate(out, context={"article": many})
    # Uncapped (how the fit labels sentences), every item is kept.
    uncapped = scored.assemble(many, sides, judged, rules, capped=False)
    assert [p["evidence"][0] for p in uncapped["positions"]] == list(range(1, 16))


def test_a_pronoun_stands_for_the_side_in_the_last_subject_not_the_first_named() -> None:
    art = from_text(
        "Lease row\n\n"
        "After the club's offer on Monday, the union walked out of the talks. "
        "It said the four-day week was a trick."
    )
    position = {"A": 0.05, "B": 0.8, "C": 0.1, "D": 0.05}
    sides = Sides(
        parties=[Side(name="club", kind="company"), Side(name="union", kind="union")],
        summary="s",
    )
    judged = [Judged(sentence=s, kinds=position) for s in art.sentences[1:]]
    out = scored.assemble(art, sides, judged, rules)
    assert [p["holder"] for p in out["positions"] if p["evidence"] == [3]] == ["union"]


def test_a_demand_is_never_made_by_the_side_it_is_made_of() -> None:
    art = from_text(
        "Quota row\n\n"
        "An ultimatum to the Fishermen's Guild came from the fisheries ministry on Friday."
    )
    demand = {"A": 0.05, "B": 0.1, "C": 0.8, "D": 0.05}
    out = scored.assemble(art, SIDES, [Judged(sentence=art.sentence(2), kinds=demand)], rules)
    (dem,) = out["demands"]
    assert (dem["by"], dem["of"]) == ("the_fisheries_ministry", "fishermen_s_guild")


def test_short_forms_in_capitals_are_spellings_and_only_in_capitals() -> None:
    sides = Sides(parties=[Side(name="United Nations", kind="organisation")], summary="s")
    art = from_text("UN talks\n\nThe UN said it opposes the plan. Let us see, said a guest.")
    position = {"A": 0.05, "B": 0.8, "C": 0.1, "D": 0.05}
    judged = [Judged(sentence=s, kinds=position) for s in art.sentences[1:]]
    out = scored.assemble(art, sides, judged, rules)
    # Sentence 2 names the UN; sentence 3's "us" is not it (its position falls back to the
    # side named before it, which is the UN again: the point is what was matched).
    patterns = {"un": [pattern(s) for s in spellings(sides.parties[0])]}
    assert mentions(art.sentence(2).text, patterns) == ["un"]
    assert mentions(art.sentence(3).text, patterns) == []
    assert [p["holder"] for p in out["positions"]] == ["united_nations", "united_nations"]


@pytest.mark.parametrize(
    ("sentence", "proposer"),
    [
        ("The fisheries ministry proposed a joint survey of the stock.", "the_fisheries_ministry"),
        ("A joint survey was proposed by the Fishermen's Guild.", "fishermen_s_guild"),
        # "proposed" as an adjective says nothing of who proposed it.
        ("The proposed survey would please the Fishermen's Guild.", None),
        # No proposing verb: no proposer, whoever the sentence names.
        ("Under the deal the fisheries ministry will pay 4,000 euros a boat.", None),
        # A side that binds itself to the term is its side: the subject of "signed",
        # "pledged", the side named last before the verb.
        (
            "The Fishermen's Guild reports the fisheries ministry had signed a two-year accord.",
            "the_fisheries_ministry",
        ),
        (
            "The Fishermen's Guild pledged to keep boats in port under the deal.",
            "fishermen_s_guild",
        ),
        ("Both sides signed a two-year accord on the quota.", None),
        ("The fisheries ministry-led talks set terms to keep boats in port.", None),
        ("The fisheries ministry and the Fishermen's Guild signed a two-year accord.", None),
    ],
)
def test_a_terms_proposer_is_who_the_sentence_says_put_it_forward(
    sentence: str, proposer: str | None
) -> None:
    art = from_text(f"Quota row\n\n{sentence}")
    out = scored.assemble(art, SIDES, [Judged(sentence=art.sentence(2), kinds=TERM)], rules)
    assert [t["proposed_by"] for t in out["deal_terms"]] == [proposer]


def test_a_proposal_named_as_a_sides_is_proposed_by_that_side() -> None:
    art = from_text(
        "Quota row\n\nThe Fishermen's Guild's revised plan would cut the quota by 5 percent."
    )
    out = scored.assemble(art, SIDES, [Judged(sentence=art.sentence(2), kinds=TERM)], rules)
    assert [t["proposed_by"] for t in out["deal_terms"]] == ["fishermen_s_guild"]


def test_a_term_stated_of_the_plan_belongs_to_whoever_proposed_the_plan() -> None:
    art = from_text(
        "Quota row\n\n"
        "The fisheries ministry proposed a plan on Monday. "
        "The plan would pay 4,000 euros a boat. "
        "The terms would also give each boat a fuel card. "
        "Under the deal, boats would stay in port in May. "
        "Both sides would review the terms in 2030."
    )
    judged = [Judged(sentence=s, kinds=TERM) for s in art.sentences[1:]]
    out = scored.assemble(art, SIDES, judged, rules)
    # "the plan" goes on with the ministry's proposal; a term that names no one ("The terms
    # would also ..."), "the deal" and what "both sides" do are not said to be any side's.
    assert [t["proposed_by"] for t in out["deal_terms"]] == [
        "the_fisheries_ministry",
        "the_fisheries_ministry",
        None,
        None,
        None,
    ]


def test_a_term_that_names_a_proposal_and_no_side_is_the_proposals() -> None:
    art = from_text(
        "Quota row\n\n"
        "The fisheries ministry tabled a draft on Monday. "
        "A clause of the draft would give each boat a fuel card. "
        "Under the deal, boats would stay in port in May. "
        "The Fishermen's Guild would give up its May catch."
    )
    background = {"A": 0.8, "B": 0.1, "C": 0.05, "D": 0.05}
    judged = [Judged(sentence=art.sentence(2), kinds=background)]
    judged += [Judged(sentence=s, kinds=TERM) for s in art.sentences[2:]]
    out = scored.assemble(art, SIDES, judged, rules)
    # The draft is the ministry's; a deal is both sides', and a sentence that names a side
    # is not carried over.
    assert [t["proposed_by"] for t in out["deal_terms"]] == ["the_fisheries_ministry", None, None]


def test_a_proposer_is_found_past_a_noun_that_looks_like_a_proposing_verb() -> None:
    # "a draft" is a noun, not the verb; the proposer is the agent of "circulated by".
    art = from_text(
        "Quota row\n\n"
        "Under a draft circulated by the fisheries ministry, each boat would get 40 tonnes."
    )
    out = scored.assemble(art, SIDES, [Judged(sentence=art.sentence(2), kinds=TERM)], rules)
    assert [t["proposed_by"] for t in out["deal_terms"]] == ["the_fisheries_ministry"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The quota bill, introduced by the fisheries ministry, would give each boat 40 tonnes.",
        "The plan, drawn up by the fisheries ministry, would give each boat 40 tonnes.",
    ],
)
def test_who_introduced_or_drew_up_a_proposal_proposed_its_terms(sentence: str) -> None:
    out = _read(sentence, TERM)
    assert [t["proposed_by"] for t in out["deal_terms"]] == ["the_fisheries_ministry"]


def test_a_plan_put_forward_in_a_sentence_of_no_term_is_its_proposers() -> None:
    art = from_text(
        "Quota row\n\n"
        "The fisheries ministry presented a three-point plan on Monday. "
        "Under the plan, each boat would get 40 tonnes."
    )
    background = {"A": 0.8, "B": 0.1, "C": 0.05, "D": 0.05}
    judged = [
        Judged(sentence=art.sentence(2), kinds=background),
        Judged(sentence=art.sentence(3), kinds=TERM),
    ]
    out = scored.assemble(art, SIDES, judged, rules)
    assert [t["proposed_by"] for t in out["deal_terms"]] == ["the_fisheries_ministry"]


def test_a_drafts_terms_are_proposed() -> None:
    text = "Under a draft circulated on Monday, each boat would get 40 tonnes."
    assert status_of(text) == "proposed"
    assert status_of("Both sides signed the accord on Monday.") == "agreed"


@pytest.mark.parametrize(
    "sentence",
    [
        "The guild said it would accept the quota only if the ministry paid for fuel.",
        "The ministry will sign the accord on condition that boats stay in port in May.",
    ],
)
def test_a_condition_of_a_sides_assent_is_a_demand(sentence: str) -> None:
    usual = {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}
    says_d = {"A": 0.05, "B": 0.1, "C": 0.05, "D": 0.8}
    assert rule_kinds(says_d, sentence, usual) == ["demands"]
    # A condition inside a quotation is the speaker's words, read as the model reads them.
    quoted = f'"{sentence[:-1]}," a skipper said.'
    assert rule_kinds(says_d, quoted, usual) != ["demands"]


def test_a_sentence_without_a_word_of_deals_is_no_deal_term() -> None:
    usual = {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}
    says_d = {"A": 0.05, "B": 0.3, "C": 0.05, "D": 0.6}
    assert rule_kinds(says_d, "Boats would stay in port in May.", usual) == ["positions"]
    assert rule_kinds(says_d, "Under the deal, boats would stay in port.", usual) == ["deal_terms"]


@pytest.mark.parametrize(
    "sentence",
    [
        "His term as governor expired in May.",
        "The army will bring the island back under the rule of law.",
    ],
)
def test_words_of_time_and_law_are_no_deal_cue(sentence: str) -> None:
    assert not cues.CUES["deal_terms"].search(sentence)


def test_a_proposal_in_an_article_that_reports_a_counter_offer_is_under_negotiation() -> None:
    offer = "The fisheries ministry offered a quota of 40 tonnes."
    for rest, status in (
        ("The Fishermen's Guild countered with 55 tonnes.", "under_negotiation"),
        ("The Fishermen's Guild met on Monday.", "proposed"),
        ("The Fishermen's Guild met the counter-terrorism police.", "proposed"),
    ):
        art = from_text(f"Quota row\n\n{offer} {rest}")
        out = scored.assemble(art, SIDES, [Judged(sentence=art.sentence(2), kinds=TERM)], rules)
        assert [t["status"] for t in out["deal_terms"]] == [status]


def test_plan_the_noun_is_a_deal_cue_and_plan_the_verb_is_not() -> None:
    assert cues.CUES["deal_terms"].search("Under the plan, boats would stay in port.")
    assert not cues.CUES["deal_terms"].search("Farmers plan protests on Friday.")


def test_a_sides_own_name_names_it_even_where_another_sides_name_begins_with_it() -> None:
    art = from_text("Tariff deal\n\nMarenland said it would sign the deal.")
    sides = Sides(
        parties=[
            Side(name="Marenland", kind="state"),
            Side(name="Marenland Fishermen's Federation", kind="union"),
        ],
        summary="s",
    )
    position = {"A": 0.05, "B": 0.8, "C": 0.1, "D": 0.05}
    out = scored.assemble(art, sides, [Judged(sentence=art.sentence(2), kinds=position)], rules)
    assert [p["holder"] for p in out["positions"]] == ["marenland"]


def test_a_demand_is_made_by_its_verbs_subject_not_the_first_side_named() -> None:
    out = _read(
        "In a letter to the fisheries ministry, the Fishermen's Guild demanded that the "
        "ministry drop the cut.",
        DEMAND,
    )
    assert [(d["by"], d["of"]) for d in out["demands"]] == [
        ("fishermen_s_guild", "the_fisheries_ministry")
    ]


def test_a_listing_sentence_gives_a_deal_term_for_each_part() -> None:
    art = from_text(
        "Quota row\n\n"
        "The fisheries ministry offered a fuel card, a port fee waiver and a 4,000-euro grant."
    )
    out = scored.assemble(art, SIDES, [Judged(sentence=art.sentence(2), kinds=TERM)], rules)
    assert [(t["term"], t["proposed_by"]) for t in out["deal_terms"]] == [
        ("a fuel card", "the_fisheries_ministry"),
        ("a port fee waiver", "the_fisheries_ministry"),
        ("a 4,000-euro grant", "the_fisheries_ministry"),
    ]


def test_a_side_named_only_inside_a_quotation_is_not_the_demands_target() -> None:
    art = from_text(
        "Quota row\n\n"
        '"The fisheries ministry\'s rules are unfair; we urge them to talk," the '
        "Fishermen's Guild told reporters."
    )
    demand = {"A": 0.05, "B": 0.1, "C": 0.8, "D": 0.05}
    out = scored.assemble(art, SIDES, [Judged(sentence=art.sentence(2), kinds=demand)], rules)
    assert [(d["by"], d["of"]) for d in out["demands"]] == [("fishermen_s_guild", None)]


def test_an_article_too_long_for_a_question_per_sentence_is_refused_before_any_call(
    tmp_path: Path,
) -> None:
    # Issue 24, row 4: 2,000 sentences were 2,001 requests with no warning and no cap.
    import summarizer
    from summarizer.errors import InputError

    long = tmp_path / "long.txt"
    body = " ".join(f"The ferry union met the port board on day {i}." for i in range(450))
    long.write_text(f"Ferry talks\n\n{body}\n")
    # The headline and 450 body sentences. No server and no recordings: refused before
    # anything is asked.
    options = summarizer.resolve(replay=tmp_path / "none", strategy="scored")
    with pytest.raises(InputError, match="has 451 sentences; the scored strategy") as info:
        summarizer.summarize(long, options)
    assert info.value.hint == "use --strategy single, or split the article"


def test_what_a_proposal_calls_for_is_its_term_and_its_proposers() -> None:
    out = _read(
        "The fisheries ministry circulated a proposal on Monday. "
        "It calls for a joint survey of the stock.",
        BACKGROUND,
        DEMAND,
    )
    assert out["demands"] == []
    assert [t["proposed_by"] for t in out["deal_terms"]] == ["the_fisheries_ministry"]


@pytest.mark.parametrize(
    "body",
    [
        # "It" names no proposal here: the guild asks.
        "The Fishermen's Guild met on Monday. It calls for a joint survey of the stock.",
        # What befell a plan is not what it states.
        "The ministry tabled a plan. The plan was rejected by the Fishermen's Guild.",
    ],
)
def test_a_sentence_about_no_proposal_or_what_befell_one_keeps_its_kind(body: str) -> None:
    out = _read(body, BACKGROUND, DEMAND)
    assert out["deal_terms"] == [] and len(out["demands"]) == 1


def test_a_short_form_that_is_also_a_common_word_of_the_article_names_no_side() -> None:
    sides = Sides(
        parties=[Side(name="Port Council", kind="government"), SIDES.parties[0]],
        summary="s",
    )
    asked = _read(
        "The Fishermen's Guild demanded that the port reopen the gates. "
        "The Fishermen's Guild demanded that the Port Council reopen the gates.",
        DEMAND,
        DEMAND,
        sides=sides,
    )
    assert [d["of"] for d in asked["demands"]] == [None, "port_council"]


def test_a_position_that_asks_someone_to_act_is_a_demand_too() -> None:
    out = _read(
        "The Fishermen's Guild said the cut was unfair and urged the fisheries ministry to "
        "delay it.",
        POSITION,
    )
    assert [p["holder"] for p in out["positions"]] == ["fishermen_s_guild"]
    assert [(d["by"], d["of"]) for d in out["demands"]] == [
        ("fishermen_s_guild", "the_fisheries_ministry")
    ]


@pytest.mark.parametrize(
    ("body", "positions"),
    [
        # A stance beside the demand: a position too.
        ("The Fishermen's Guild supports the survey but wants a seat on its board.", 1),
        ('The Fishermen\'s Guild called the plan "a start" but wants a longer season.', 1),
        # Who backs a side, and a call on someone, are no stance.
        ("Backed by the fisheries ministry, the Fishermen's Guild wants a longer season.", 0),
        ("The Fishermen's Guild called for a longer season.", 0),
        # A stance only inside a quotation is what the speaker says of it.
        ('"We oppose any cut," the Fishermen\'s Guild said, and it wants a longer season.', 0),
    ],
)
def test_a_demand_that_takes_a_stance_is_a_position_too(body: str, positions: int) -> None:
    out = _read(f"The season opens in May. {body}", BACKGROUND, DEMAND)
    assert len(out["demands"]) == 1
    assert [p["holder"] for p in out["positions"]] == ["fishermen_s_guild"] * positions


def test_a_demand_for_two_things_is_two_demands_in_their_own_words() -> None:
    out = _read(
        "The Fishermen's Guild wants a fuel card for each boat and a seat on the quota board.",
        DEMAND,
    )
    assert [(d["by"], d["what"]) for d in out["demands"]] == [
        ("fishermen_s_guild", "a fuel card for each boat"),
        ("fishermen_s_guild", "a seat on the quota board"),
    ]


def test_a_term_sentence_that_puts_two_terms_forward_states_each() -> None:
    out = _read(
        "The fisheries ministry's plan would give each boat a fuel card and cut the quota by "
        "5 percent.",
        TERM,
    )
    assert [(t["term"], t["proposed_by"]) for t in out["deal_terms"]] == [
        ("give each boat a fuel card", "the_fisheries_ministry"),
        ("cut the quota by 5 percent", "the_fisheries_ministry"),
    ]


@pytest.mark.parametrize(
    ("body", "makers"),
    [
        # Someone the article describes apart from the sides asks: no side's demand.
        ("Angling clubs urged the fisheries ministry to meet the Fishermen's Guild.", []),
        ("Two harbour masters urged the fisheries ministry to meet the Fishermen's Guild.", []),
        # A side asks, or a pronoun for the side named before.
        (
            "The Fishermen's Guild urged the fisheries ministry to delay the cut.",
            ["fishermen_s_guild"],
        ),
        (
            "The Fishermen's Guild met. It urged the fisheries ministry to delay the cut.",
            ["fishermen_s_guild"],
        ),
    ],
)
def test_a_demand_made_by_someone_apart_from_the_sides_is_no_sides(
    body: str, makers: list[str]
) -> None:
    kinds = [BACKGROUND] * (body.count(".") - 1) + [DEMAND]
    out = _read(body, *kinds)
    assert [d["by"] for d in out["demands"]] == makers


def test_a_quoted_appeal_for_two_things_stays_one_demand() -> None:
    out = _read(
        "The Fishermen's Guild called on the fisheries ministry \"to delay the cut and to fund "
        'a new survey of the stock."',
        DEMAND,
    )
    assert len(out["demands"]) == 1
