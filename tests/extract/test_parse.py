"""Who asks what of whom, the parts of a list, the gist of a sentence: read off spaCy's parse.

Every sentence here was written for these tests, on topics outside the development set.
"""

from __future__ import annotations

import pytest

from summarizer.extract import parse


def _roles(text: str) -> list[tuple[str, list[str], list[str]]]:
    return [
        (d.verb, [text[a:b] for a, b in d.makers], [text[a:b] for a, b in d.targets])
        for d in parse.demands(text)
    ]


@pytest.mark.parametrize(
    ("text", "maker", "target"),
    [
        # The object of the verb.
        ("The dockers' union urged the port authority to reopen the east gate.", "union", "port"),
        # The subject of the clause it asks for.
        (
            "In a letter to the mayor, the guild demanded that the council drop the levy.",
            "guild",
            "council",
        ),
        # A preposition names whom: "call on", "appeal to".
        ("The Rivian delegation called on Ostmark to withdraw its tariff.", "Rivian", "Ostmark"),
        # A noun of demanding carries its addressee; the "-ing" clause borrows the subject.
        (
            "Minister Vale issued an ultimatum to the rebels, demanding their surrender.",
            "Vale",
            "rebels",
        ),
    ],
)
def test_a_demand_verb_has_its_maker_and_its_addressee(text: str, maker: str, target: str) -> None:
    found = _roles(text)
    assert any(maker in m for _, ms, _ in found for m in ms), found
    assert any(target in t for _, _, ts in found for t in ts), found


def test_an_obligation_names_who_is_asked_not_who_asks() -> None:
    (found,) = _roles('"The operator must restore the night ferry," the mayor said.')
    assert found == ("must", [], ["The operator"])


def test_what_comes_before_the_verb_is_not_what_it_asks() -> None:
    # "we urge them": them is unnamed; the council, before the verb, is not its addressee.
    text = '"The council\'s levy is unfair; we urge them to talk," the guild told reporters.'
    assert all("council" not in t for _, _, ts in _roles(text) for t in ts)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("The pilots' union urged the airline to reopen talks before the holiday.", True),
        ("The growers called on the water board to publish its figures.", True),
        ('"We have asked them to respond by Friday," the mediator said.', True),
        ("The league has pressed the clubs to accept a salary cap.", True),
        # A demand of a thing, or help sought of no one, asks no one to act.
        ("The dockers demanded a ten percent raise.", False),
        ("The village has been asking for help with the floods for months.", False),
        # "to" a place, not an addressee.
        ("The minister called to the harbour to see the damage.", False),
    ],
)
def test_a_request_that_someone_act_has_an_addressee_and_a_clause(text: str, asks: bool) -> None:
    assert parse.asks_to_act(text) is asks


@pytest.mark.parametrize(
    ("text", "proposes"),
    [
        ("The club has offered a four-year deal worth $60 million.", True),
        ("The growers proposed cutting water use by a fifth over three summers.", True),
        ("The ministry tabled a ban on night trawling.", True),
        # Offered to someone, and reported by a speaker.
        ("The port board offered the dockers a no-layoff guarantee.", True),
        ("The studio has offered its staff a four-day week, the company said.", True),
        # A proposal named, and nothing of it; a proposing verb that is not the main one.
        ("The mayor has proposed a compromise.", False),
        ("The union said it would study what the club offered.", False),
        ("The club rejected the offer of a four-year deal.", False),
    ],
)
def test_a_side_puts_a_term_forward_with_its_main_verb(text: str, proposes: bool) -> None:
    assert (parse.puts_forward(text) is not None) is proposes


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "The offer includes a 4 percent raise, two extra rest days and a pension top-up.",
            ["a 4 percent raise", "two extra rest days", "a pension top-up"],
        ),
        (
            "The offer would freeze fares, add two sailings a day and extend the contract to 2031.",
            ["freeze fares", "add two sailings a day", "extend the contract to 2031"],
        ),
        (
            "Its aims included holding a census, disarming the militia, and paying the arrears "
            "once the budget is passed.",
            ["holding a census", "disarming the militia", "paying the arrears"],
        ),
    ],
)
def test_a_list_of_three_or_more_gives_its_parts(text: str, parts: list[str]) -> None:
    assert [text[a:b] for a, b in parse.listing(text)] == parts


@pytest.mark.parametrize(
    "text",
    [
        # Two things are as often one ("overtime and bonuses") as two.
        "The plan would cut overtime and bonuses.",
        # Listed names are sides, not terms.
        "The accord was signed by Rivia, Ostmark and Vellan on Monday.",
        # Parts that are clauses of their own.
        "The union walked out, the council met, and the mayor said nothing.",
    ],
)
def test_no_list_of_terms(text: str) -> None:
    assert parse.listing(text) == ()


@pytest.mark.parametrize(
    ("text", "section", "gist"),
    [
        # What was said, without who said it.
        ("The guild said it will not accept any cut to the quota.", "positions",
         "will not accept any cut to the quota"),
        # A reported subject that is not the speaker stays.
        ("Her office said the repairs are needed to keep the ferries safe.", "positions",
         "the repairs are needed to keep the ferries safe"),
        # Two verbs of one subject are one gist.
        ('"We have heard the riders and frozen the fares," the mayor said.', "positions",
         "have heard the riders and frozen the fares"),
        # What is demanded, without who asks or of whom.
        ("The union urged the ministry to restore the night shift.", "demands",
         "restore the night shift"),
        # The term, not who put it forward.
        ("The ministry has proposed keeping the depot open until 2030.", "deal_terms",
         "keeping the depot open until 2030"),
    ],
)  # fmt: skip
def test_the_gist_is_the_part_that_states_the_item(text: str, section: str, gist: str) -> None:
    span = parse.gist(text, section)
    assert span is not None and text[span[0] : span[1]] == gist


def test_a_gist_too_short_to_stand_alone_is_none() -> None:
    # "has refused" says nothing of what was refused.
    assert parse.gist("The union has refused.", "positions") is None


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Talk of a ferry deal has grown this week.", True),
        ("He warned that such a deal could hurt the guild.", True),
        ("The guild signed a deal that ends the strike.", False),
        ("A deal on the quota is close.", False),
        ("Under the deal, boats would stay in port.", False),
        ("The guild wants more.", False),  # no deal named at all
    ],
)
def test_a_deal_noun_stands_bare_when_nothing_says_what_it_holds(text: str, bare: bool) -> None:
    assert parse.bare(text, frozenset({"deal", "agreement"})) is bare


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (
            "The pilots' union has demanded that the airline restore the pension plan and "
            "rehire 40 furloughed pilots.",
            ["the airline restore the pension plan", "rehire 40 furloughed pilots"],
        ),
        (
            "The guild wants a 6 percent raise over three years and a cap on night shifts.",
            ["a 6 percent raise over three years", "a cap on night shifts"],
        ),
        (
            "The council said it would approve the tower only if the developer adds 80 "
            "affordable flats and if it funds a new school.",
            ["the developer adds 80 affordable flats", "it funds a new school"],
        ),
        # One thing asked, or nouns too short to be two demands, or a verb without its own
        # object: nothing to split.
        ("The guild urged the ministry to restore the night shift.", []),
        ("The tenants demanded repairs and refunds.", []),
        ("They urged the mayor to review and publish the audit.", []),
    ],
)
def test_a_demand_for_two_things_is_read_as_two(text: str, asked: list[str]) -> None:
    assert [text[a:b] for a, b in parse.asked(text)] == asked


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        (
            "The airline offered a 4 percent raise over two years and a new pension plan for "
            "cabin crew.",
            ["a 4 percent raise over two years", "a new pension plan for cabin crew"],
        ),
        (
            "Under the draft, the hospital would cap night shifts at ten hours and add a "
            "second nurse on each ward.",
            ["cap night shifts at ten hours", "add a second nurse on each ward"],
        ),
        # Clauses with subjects of their own keep them.
        (
            "Under the accord, the port will reopen on Monday and the navy will lift its blockade.",
            ["the port will reopen on Monday", "the navy will lift its blockade"],
        ),
        # One term, or a past event told in two clauses: nothing to split.
        ("The airline offered a 4 percent raise over two years.", []),
        ("The union rejected the offer and called a strike.", []),
    ],
)
def test_a_sentence_that_puts_two_terms_forward_is_read_as_two(text: str, terms: list[str]) -> None:
    assert [text[a:b] for a, b in parse.terms_of(text)] == terms


def test_a_list_with_no_verb_is_read_to_the_top_of_its_parse() -> None:
    # Its parse's root is a noun of the first part: climbing the tree must stop there.
    text = "A ceasefire, prisoner releases and aid."
    assert [text[a:b] for a, b in parse.listing(text)] == [
        "A ceasefire",
        "prisoner releases",
        "aid",
    ]


def test_a_gist_of_three_words_stands_and_of_two_does_not() -> None:
    text = "The guild refused the offer."
    found = parse.gist(text, "positions")
    assert found is not None and text[found[0] : found[1]] == "refused the offer"
    assert parse.gist("The guild refused.", "positions") is None


def test_a_second_verb_joined_by_and_shares_the_first_ones_subject() -> None:
    text = "The union met the board and demanded a raise."
    assert parse.subjects_at(text, text.index("demanded")) == ((0, 9),)
