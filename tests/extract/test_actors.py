"""The actor decision (``extract/actors.py``): who holds, asks or proposes, and of whom, on
sentences written for these tests."""

from __future__ import annotations

import pytest

from summarizer.extract import actors
from summarizer.extract.sides import mentions, pattern, unquoted

PATTERNS = {p: [pattern(p)] for p in ("union", "club")}


@pytest.mark.parametrize(
    ("sentence", "proposer"),
    [
        ("The union tabled a four-day week.", "union"),
        ("Back at the table, the union and the club set a four-day week.", None),
        ("In the presence of the union, the club set a four-day week.", None),
        ("The club presented a four-day week.", "club"),
    ],
)
def test_a_deal_terms_proposer_needs_a_verb_of_proposing(
    sentence: str, proposer: str | None
) -> None:
    patterns = {p: [pattern(p)] for p in ("union", "club")}
    named = mentions(sentence, patterns)
    assert actors.actor_of(sentence, named, "deal_terms", None, patterns) == proposer


@pytest.mark.parametrize(
    ("sentence", "previous", "holder"),
    [
        # The subject holds the position, not the side its complement names first.
        ("After the club's offer, the union called the four-day week a trick.", None, "union"),
        ('"The club cannot afford it," said the union\'s chair.', None, "union"),
        # A pronoun subject stands for the side named before.
        ("He said the club's four-day week was a trick.", "union", "union"),
        # No side in the subject and no pronoun: the first the sentence names.
        ("Talks stalled as the club rejected the union's plan.", None, "club"),
        # "The union" and "the chair" stand for someone named before.
        ("The chair said the offer was fair.", "union", "union"),
        # Someone described apart from the sides, who names none of them: no side's.
        ("The county's sheriff said she welcomed the talks.", "union", None),
        ("Lawyers for both teams said the date had slipped.", "club", None),
        # A described speaker quoted on a side, or inside a quotation, keeps the old ways.
        ("Two aides said the club had rejected the plan.", None, "club"),
        # The side that takes the stance, not the one the sentence goes on to.
        ("The union supports it; the club wants a vote first.", None, "union"),
        ('"Our members said no," he said.', "union", "union"),
    ],
)
def test_a_positions_holder_is_the_subject_of_its_main_verb(
    sentence: str, previous: str | None, holder: str | None
) -> None:
    patterns = {p: [pattern(p)] for p in ("union", "club")}
    named = mentions(sentence, patterns)
    assert actors.actor_of(sentence, named, "positions", previous, patterns) == holder


@pytest.mark.parametrize(
    ("sentence", "previous", "roles"),
    [
        # The subject of the verb of asking makes it, of the side it addresses.
        ("The union urged the club to reopen talks.", None, ("union", "club")),
        # The addressee named after the verb, with no side in the subject: still its target,
        # and the maker is a side the sentence names elsewhere.
        ("In a letter from the union, officials urged the club to pay.", None, ("union", "club")),
        # Someone apart from the sides asks: no side's demand.
        ("Patient groups urged both sides to settle.", "union", None),
        # No side named at all and none spoken of before: no one to file it under.
        ("Talks must resume by Friday, the mediator insisted.", None, None),
        # ... but a pronoun subject stands for the side last spoken of.
        ("They demanded a pay rise.", "union", ("union", None)),
    ],
)
def test_a_demand_is_made_by_its_verbs_subject_of_its_addressee(
    sentence: str, previous: str | None, roles: tuple[str, str | None] | None
) -> None:
    named = mentions(sentence, PATTERNS)
    assert actors.demand_roles(sentence, named, previous, PATTERNS) == roles


@pytest.mark.parametrize(
    ("sentence", "proposer"),
    [
        ("The club presented a four-year plan.", "club"),
        ("The union tabled a new offer on Monday.", "union"),
        # A term put forward, not a whole proposal: the term's own sentence credits it.
        ("The club presented its new stadium to fans.", None),
        ("The plan was presented on Monday.", None),
    ],
)
def test_a_side_that_puts_a_whole_proposal_forward_proposes_what_follows(
    sentence: str, proposer: str | None
) -> None:
    assert actors.puts_forward(sentence, PATTERNS) == proposer


@pytest.mark.parametrize(
    ("sentence", "stated", "carried"),
    [
        ("It calls for a four-day week.", False, True),
        ("The plan would cap ticket prices.", False, True),
        # A proposal and no side named: the proposal's, whoever last put one forward.
        ("A clause of the offer caps ticket prices.", False, True),
        # A side named: its own, not the last proposal's.
        ("The union wants a cap on ticket prices under the offer.", False, False),
        ("Ticket prices will be capped.", False, False),
        ("Ticket prices will be capped.", True, True),
    ],
)
def test_a_term_with_no_proposer_of_its_own_may_be_the_last_proposals(
    sentence: str, stated: bool, carried: bool
) -> None:
    named = mentions(sentence, PATTERNS)
    assert actors.of_the_last_proposal(sentence, sentence, named, stated) is carried


def test_a_span_inside_a_quotation_is_not_unquoted() -> None:
    sentence = 'The union said "the club must pay" on Monday.'
    club = sentence.index("club")
    union = sentence.index("union")
    assert not unquoted(sentence, (club, club + 4))
    assert unquoted(sentence, (union, union + 5))
