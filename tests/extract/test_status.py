"""A deal term's status (extract/status.py): a counter-offer elsewhere makes a proposal
"under negotiation"; a sentence is never its own counter-offer."""

from __future__ import annotations

import pytest

from summarizer.article.text import from_text
from summarizer.extract.status import term_status


def test_a_counter_offer_in_another_sentence_puts_a_proposal_under_negotiation() -> None:
    art = from_text(
        "The company has not yet countered the raise of 5 percent.\n\n"
        "The union countered with a 4 percent raise."
    )
    status = term_status(art)
    assert status(art.sentence(1)) == "under_negotiation"


def test_a_sentence_that_names_a_counter_is_not_its_own_counter_offer() -> None:
    # "has not yet countered" states no status; the counter it names is its own, so its
    # term stays proposed.
    art = from_text(
        "The company has not yet countered the raise of 5 percent.\n\nThe crews will start at dawn."
    )
    assert term_status(art)(art.sentence(1)) == "proposed"


@pytest.mark.parametrize(
    "counter",
    ["The company has not yet countered the proposal.", "The company said it would counter."],
)
def test_a_counter_offer_not_yet_made_puts_no_other_term_under_negotiation(counter: str) -> None:
    art = from_text(f"The union proposed a raise of 5 percent.\n\n{counter}")
    assert term_status(art)(art.sentence(1)) == "proposed"
