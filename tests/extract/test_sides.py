"""Finding the sides an article names, and the ones the model's list missed: no model."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.article.text import Article, from_text
from summarizer.extract.sides import (
    Side,
    _person_named,
    candidates,
    mentions,
    metonyms,
    pattern,
    spellings,
    tidy,
    with_more_sides,
)

# Written for these tests; not from the development set.
ART = from_text(
    "Harbour dispute drags on\n\n"
    "The Arlen Port Authority and the dockers' union met again on Monday in Port Arlen. "
    "Previously Arlen had refused to meet the union. "
    "The Harbour Pilots Association, which guides ships into the port, said it would back "
    "the dockers. "
    "The union's envoy Tomas Vell told reporters the talks were slow. "
    "Petra Lind, a spokeswoman, said the port was open. "
    "Councillor Ada Morrow said the city should pay for the new cranes. "
    "The ferry from Port Arlen sailed as usual, according to Harbour Radio."
)
MODEL_SAID = [
    Side(name="Arlen Port Authority", kind="organisation"),
    Side(name="Dockers' Union", kind="union"),
]


def _people_by_side(article: Article, listed: list[Side]) -> dict[str, list[str]]:
    """Each side's people after :func:`with_more_sides`, by the side's name."""
    return {side.name: side.speakers for side in with_more_sides(article, listed)}


def test_bodies_and_people_the_article_shows_acting_are_candidates() -> None:
    found = candidates(ART, MODEL_SAID)
    # Each speaks or acts; each is named without the title in front of it.
    assert "Harbour Pilots Association" in found
    assert "Ada Morrow" in found
    assert "Tomas Vell" in found
    # Places, sources an article cites, and a sentence's opening word are not.
    assert "Port Arlen" not in found
    assert "Harbour Radio" not in found
    assert not any(name.startswith("Previously") for name in found)
    # A side the model already listed is not found again under a shorter name.
    assert "Arlen" not in found


def test_a_person_whose_title_names_a_side_joins_it_and_a_spokesperson_of_none_is_left_out() -> (
    None
):
    out = with_more_sides(ART, MODEL_SAID)
    by_name = {side.name: side for side in out}
    assert "Tomas Vell" in by_name["Dockers' Union"].speakers
    assert by_name["Harbour Pilots Association"].kind == "organisation"
    assert by_name["Ada Morrow"].kind == "person"
    # Whom Petra Lind speaks for, the article does not say here: not a side of her own.
    assert "Petra Lind" not in by_name
    assert not any("Petra Lind" in side.speakers for side in out)


def test_a_minister_of_a_body_the_list_lacks_stands_for_it_as_a_side_of_their_own() -> None:
    art = from_text(
        "Dam talks\n\n"
        "Ilse Brun, Corvia's foreign minister, said the dam must not be built. "
        "Jo Marsh, a spokeswoman, said the site was closed."
    )
    found = {s.name: s for s in with_more_sides(art, [Side(name="Ostrand", kind="state")])}
    # "Corvia" names a body no listed side is: she stands for it.
    assert found["Ilse Brun"].kind == "person"
    # "a spokeswoman" names no body: still no side of her own.
    assert "Jo Marsh" not in found


def test_a_minister_of_a_body_found_later_is_not_a_side_of_their_own() -> None:
    # The body her title names is found too, after her: she is not a side apart from it.
    art = from_text(
        "Dam talks\n\n"
        "The Prime Minister of Ostrand Ilse Brun said the dam must not be built. "
        "Ilse Brun said the talks were over. "
        "The Ostrand Water Board rejected the plan."
    )
    found = [s.name for s in with_more_sides(art, [Side(name="Velmora", kind="state")])]
    assert "Ilse Brun" not in found


def test_a_side_that_is_a_person_goes_by_their_surname_and_a_body_does_not() -> None:
    person = Side(name="Ada Morrow", kind="person")
    body = Side(name="Harbour Pilots", kind="organisation")
    assert "Morrow" in spellings(person)
    assert "Pilots" not in spellings(body)
    # A group the model calls a person has no surname.
    assert "workers" not in spellings(Side(name="Striking workers", kind="person"))
    patterns = {"morrow": [pattern(x) for x in spellings(person)]}
    assert mentions("Morrow said the city should pay.", patterns) == ["morrow"]
    assert mentions("Tomorrow the city will pay.", patterns) == []


def test_a_persons_surname_that_holds_a_bodys_head_noun_is_still_a_surname() -> None:
    # "Banks" holds "bank", "Boardman" holds "board": neither makes the name a body's.
    for name, surname in (("Tony Banks", "Banks"), ("Ada Boardman", "Boardman")):
        assert surname in spellings(Side(name=name, kind="person"))
    # A body's head noun as a word of its own still makes a body, with no surname.
    assert "Bank" not in spellings(Side(name="Corvia Bank", kind="person"))


def test_an_adjective_of_a_side_does_not_cover_another_body() -> None:
    art = from_text(
        "Steel row\n\n"
        "Velorian officials met on Monday. "
        "The Velorian Shipbuilders Federation urged the government to hold firm."
    )
    velor = Side(name="Veloria", kind="state")
    assert candidates(art, [velor]) == ["Velorian Shipbuilders Federation"]


def test_a_name_s_first_word_and_its_head_noun_are_spellings_unless_two_sides_share_them() -> None:
    bank = Side(name="Corvel Savings Bank", kind="company")
    assert "Corvel" in spellings(bank)
    assert "the Bank" in spellings(bank)
    patterns = {"bank": [pattern(s) for s in spellings(bank)]}
    assert mentions("Later the bank said it would wait.", patterns) == ["bank"]
    assert mentions("Corvel declined to comment.", patterns) == ["bank"]


def test_a_proper_name_loses_its_leading_article_a_description_keeps_it() -> None:
    text = "The Harbour Pilots Association and the port authority met."
    pilots = tidy(Side(name="the Harbour Pilots Association", kind="union"), text)
    port = tidy(Side(name="The port authority", kind="organisation"), text)
    assert (pilots.name, port.name) == ("Harbour Pilots Association", "the port authority")


def test_a_side_that_is_one_person_goes_by_their_name_without_the_title() -> None:
    text = "Senator Ana Ruiz and Foreign Minister Li Wei met General Motors. Chairman Okoro left."
    names = [
        tidy(Side(name=name, kind="person"), text).name
        for name in ("Senator Ana Ruiz", "Foreign Minister Li Wei", "Chairman Okoro")
    ]
    assert names == ["Ana Ruiz", "Li Wei", "Chairman Okoro"]  # one word is no full name
    assert tidy(Side(name="General Motors", kind="company"), text).name == "General Motors"


def test_a_body_listed_among_a_sides_people_and_acting_alone_is_a_side_of_its_own() -> None:
    art = from_text(
        "Budget fight\n\n"
        "Mayor Ines Ferro of Corvel vetoed the budget. "
        "The Green Harbour party said it would sue the city. "
        "The City Council met on Friday."
    )
    city = Side(
        name="Corvel",
        kind="government",
        speakers=["Ines Ferro", "Green Harbour party", "City Council"],
    )
    out = with_more_sides(art, [city])
    # The party acts on its own; the council is only mentioned, and stays where it was.
    assert [(s.name, s.speakers) for s in out] == [
        ("Corvel", ["Ines Ferro", "City Council"]),
        ("Green Harbour", []),
    ]


def test_a_body_sharing_one_word_with_a_side_is_not_that_side_but_its_possessive_is() -> None:
    art = from_text(
        "Strike talks\n\n"
        "The Island Ferry Workers' Guild and the city met on Monday. "
        "The guild said it would strike again. "
        "Ferry's Harbour Office said the port would stay open. "
        "The US State Department said it was watching."
    )
    sides = [
        Side(name="Ferry operators", kind="company"),
        Side(name="Ferry", kind="organisation"),
        Side(name="US", kind="state"),
    ]
    found = candidates(art, sides)
    # Acts only as "the guild"; shares only "Ferry", a word taken from a side's name.
    assert "Island Ferry Workers' Guild" in found
    # "Ferry's" office is Ferry's own, and the State Department is the US's.
    assert "Harbour Office" not in found and "US State Department" not in found


def test_a_description_is_not_a_person_even_with_a_capital_the() -> None:
    text = "The regional regulator, the Isles Board, said it would appoint Ana Ruiz."
    side = tidy(
        Side(
            name="Isles Board", kind="organisation", speakers=["The regional regulator", "Ana Ruiz"]
        ),
        text,
    )
    assert side.speakers == ["Ana Ruiz"]


def test_the_person_in_what_the_model_lists_as_a_sides_person() -> None:
    text = (
        "Ostrand's water minister, Jonas Ekdahl, met Velmora president Adela Marsh and the "
        "schools in Lussen. The Green Harbour party marched."
    )
    side = Side(
        name="Ostrand",
        kind="state",
        speakers=[
            "Velmora president Adela Marsh",  # the name after the title
            "Ostrand's water minister",  # a description
            "schools in Lussen",  # a place after a preposition
            "Green Harbour party",  # a body, kept for with_more_sides to weigh
        ],
    )
    assert tidy(side, text).speakers == ["Adela Marsh", "Green Harbour party"]


def test_a_sides_person_is_named_after_the_last_title_in_what_the_model_lists() -> None:
    text = (
        "Corvian Public Safety Minister Ilse Brun met port spokesman Major-General Tomas "
        "Vell. Mr. Justice Ada Lind ruled. John Major and Orla Fenn spoke."
    )
    side = Side(
        name="Corvia",
        kind="state",
        speakers=[
            "Corvian Public Safety Minister Ilse Brun",  # a title inside a capitalised run
            "port spokesman Major-General Tomas Vell",  # a rank joined by a hyphen
            "Mr. Justice Ada Lind",  # a judge's title
            "John Major",  # a surname that is also a title: no name after it
            "Orla Fenn",  # no title at all
        ],
    )
    assert tidy(side, text).speakers == [
        "Ilse Brun",
        "Tomas Vell",
        "Ada Lind",
        "John Major",
        "Orla Fenn",
    ]
    # A judge's title counts only before a full name: a body's name keeps its first word.
    art = from_text("Vote\n\nThe Justice Party said it would vote against the bill.")
    assert candidates(art, []) == ["Justice Party"]


def test_a_side_the_model_names_as_part_of_another_joins_it_and_a_title_before_a_comma_counts() -> (
    None
):
    art = from_text(
        "Dam talks\n\n"
        "Ostrand's water minister, Jonas Ekdahl, spoke first. "
        "Ekdahl said the offer stood. "
        "Velmora's foreign ministry said it was meaningless."
    )
    sides = [
        Side(name="Ostrand", kind="state"),
        Side(name="Velmora", kind="state"),
        Side(name="Velmora's foreign ministry", kind="government", speakers=["Ida Rask"]),
    ]
    out = with_more_sides(art, sides)
    assert [(s.name, s.speakers) for s in out] == [
        ("Ostrand", ["Jonas Ekdahl"]),
        ("Velmora", ["Ida Rask"]),
    ]


def test_a_body_a_side_owns_is_the_side_itself_not_one_of_its_people() -> None:
    art = from_text("Dam talks\n\nVelmora's foreign ministry said the offer was meaningless.")
    velmora = Side(name="Velmora", kind="state", speakers=["Velmora's foreign ministry"])
    assert [(s.name, s.speakers) for s in with_more_sides(art, [velmora])] == [("Velmora", [])]


def test_a_body_named_after_a_side_is_its_own_unless_it_is_the_sides_organ() -> None:
    art = from_text(
        "Tariff deal\n\n"
        "The Marenland Fishermen's Federation criticised the deal. "
        "Its chairman, Arne Sollid, called on parliament to reject it. "
        '"We were not consulted," Sollid said. '
        "The Marenland Trade Department said the deal was fair."
    )
    out = with_more_sides(art, [Side(name="Marenland", kind="state")])
    # The federation is a body of its own, and "its chairman" is its person; the
    # department is Marenland's own organ.
    assert [(s.name, s.speakers) for s in out] == [
        ("Marenland", []),
        ("Marenland Fishermen's Federation", ["Arne Sollid"]),
    ]


def test_a_side_the_article_names_only_as_a_place_is_dropped() -> None:
    art = from_text(
        "Truce\n\n"
        "Two militias fighting for the port city of Bel Arun agreed to a truce. "
        "More than 400 people have been killed in Bel Arun. "
        "Talmira said the truce would hold."
    )
    sides = [Side(name="Bel Arun", kind="other"), Side(name="Talmira", kind="state")]
    assert [s.name for s in with_more_sides(art, sides)] == ["Talmira"]


def test_a_side_listed_with_its_short_form_is_not_found_again_without_it() -> None:
    art = from_text(
        "Strike\n\nThe National Teachers' Union (NTU) wants a raise. "
        "The National Teachers' Union said it would strike."
    )
    union = Side(name="National Teachers' Union (NTU)", kind="union")
    assert candidates(art, [union]) == []


def test_a_person_written_without_accents_or_article_is_no_new_side() -> None:
    art = from_text(
        "Port talks\n\n"
        "Envoy Tomás Ferrán met the dockers on Monday. Tomas Ferran said the talks were slow. "
        "Omar al-Rashid spoke for the pilots. Rashid said they would strike. "
        "Lena Ferrer said the port was open. Lena Ferrer added that ships still sailed."
    )
    listed = [
        Side(name="Corvia", kind="state", speakers=["Tomás Ferrán"]),
        Side(name="pilots", kind="union", speakers=["Omar al-Rashid"]),
    ]
    # Another person with a like name is still found.
    assert candidates(art, listed) == ["Lena Ferrer"]
    corvia = [pattern(x) for x in spellings(listed[0])]
    assert mentions("Ferran said the talks were slow.", {"corvia": corvia}) == ["corvia"]


def test_a_name_with_its_short_form_in_brackets_still_has_its_head_noun() -> None:
    union = Side(name="National Teachers' Union (NTU)", kind="union")
    assert {"NTU", "the Union", "National Teachers' Union"} <= set(spellings(union))


def test_a_names_head_noun_may_come_before_its_of() -> None:
    union = Side(name="Pilots' Union of Corvia", kind="union")
    assert "the Union" in spellings(union)
    patterns = {"union": [pattern(s) for s in spellings(union)]}
    assert mentions("The union had threatened a second strike.", patterns) == ["union"]


def test_an_executive_tied_to_no_side_is_not_a_side_of_their_own() -> None:
    art = from_text(
        "Pilots' deal\n\n"
        "The airline signed the contract, chief executive Marta Lind said on Friday. "
        "Marta Lind said the deal was fair."
    )
    out = with_more_sides(art, [Side(name="Pilots' Union", kind="union")])
    assert [side.name for side in out] == ["Pilots' Union"]


def test_a_sentences_opening_adverb_is_no_name_but_a_first_name_is() -> None:
    art = from_text(
        "Talks\n\n"
        "Reed Hastings said the studio would sign. "
        "Previously Canada had refused. "
        "Emily Watson told reporters the deal was fair."
    )
    assert candidates(art, [Side(name="Canada", kind="state")]) == [
        "Reed Hastings",
        "Emily Watson",
    ]


def test_who_is_told_is_not_who_speaks() -> None:
    art = from_text(
        "Talks\n\nThe deal was close, the minister told the BBC. The BBC has covered the talks."
    )
    assert "BBC" not in candidates(art, [Side(name="Veloria", kind="state")])


def test_a_capital_stands_for_its_government_only_where_it_acts() -> None:
    acting = from_text("Talks\n\nMoscow rejected the offer on Monday.")
    placed = from_text("Talks\n\nThe envoys met in Moscow on Monday.")
    russia = Side(name="Russia", kind="state")
    assert metonyms(russia, acting) == ["Moscow"]
    assert metonyms(russia, placed) == []
    assert metonyms(Side(name="Ostrand", kind="state"), acting) == []


def test_a_negotiator_tied_to_no_side_is_no_side_and_no_ones_person() -> None:
    # No title ties her to a side: who she acts for is not guessed from whom she speaks of.
    sides = [
        Side(name="Ostrand", kind="state"),
        Side(name="Velmora", kind="state"),
        Side(name="Harbour Guild", kind="union"),
    ]
    art = from_text(
        "Dam talks\n\n"
        "Lena Brisk, a senior negotiator, said Velmora had to move first. "
        "She added that the Harbour Guild would be consulted. "
        "Ostrand has not commented."
    )
    found = with_more_sides(art, sides)
    assert not any("Lena Brisk" in s.speakers for s in found)
    assert "Lena Brisk" not in {s.name for s in found}


def test_a_person_listed_under_two_sides_or_the_wrong_one_joins_the_side_their_title_names() -> (
    None
):
    article = from_text(
        "Orchard strike\n\n"
        "Mira Olsen, the pickers' union's organiser, said the growers had walked away. "
        "Growers' spokesman Karl Wend said the offer stood. "
        "Jo Pratt said both sides should return."
    )
    listed = [
        Side(
            name="Valley Growers", kind="company", speakers=["Mira Olsen", "Karl Wend", "Jo Pratt"]
        ),
        Side(name="pickers' union", kind="union", speakers=["Karl Wend", "Jo Pratt"]),
    ]
    by_name = _people_by_side(article, listed)
    # Placed by what the article calls them; one it calls nothing stays where first listed.
    assert by_name["pickers' union"] == ["Mira Olsen"]
    assert by_name["Valley Growers"] == ["Karl Wend", "Jo Pratt"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Minister",
                "Major-General",
                "Justice",
                "Lord",
                "Ada",
                "Lind",
                "of",
                "the",
                "US",
                "spokesman",
                "Corvian",
                "Mr.",
                "Sir",
                "Party",
                "and",
                "Vell",
            ]
        ),
        min_size=1,
        max_size=7,
    ).map(" ".join)
)
def test_the_person_named_is_always_the_end_of_what_was_listed(said: str) -> None:
    # Whatever titles it strips, it invents no words and never strips a name to nothing.
    named = _person_named(said)
    assert named and said.endswith(named)


def test_a_title_that_names_two_sides_files_the_person_under_the_first_that_lists_them() -> None:
    article = from_text(
        "Harbour patrols\n\n"
        "Corvian forces patrolled the harbour until March. "
        "Velmoran spokesman Tomas Vell said the patrols would go on. "
        "Orla Fenn, a Corvian envoy, said they would not."
    )
    listed = [
        Side(name="Corvian forces", kind="government", speakers=["Tomas Vell"]),
        Side(name="Velmoran forces", kind="government", speakers=["Tomas Vell"]),
        Side(name="Velmoran navy", kind="government", speakers=["Tomas Vell", "Orla Fenn"]),
    ]
    by_name = _people_by_side(article, listed)
    # "Velmoran" names both Velmoran sides; the first of them that lists him has him.
    assert by_name["Velmoran forces"] == ["Tomas Vell"]
    assert by_name["Corvian forces"] == ["Orla Fenn"]  # one side named: that side
    assert by_name["Velmoran navy"] == []


def test_a_person_listed_as_a_side_of_their_own_is_no_other_sides_speaker() -> None:
    article = from_text(
        "Orchard strike\n\n"
        "Mediator Tove Lind met the Valley Growers and the pickers' union on Monday. "
        "Lind said both sides had moved. "
        "Growers' spokesman Karl Wend said the offer stood."
    )
    listed = [
        Side(name="Valley Growers", kind="company", speakers=["Tove Lind", "Karl Wend"]),
        Side(name="pickers' union", kind="union"),
        Side(name="Tove Lind", kind="person"),
    ]
    by_name = _people_by_side(article, listed)
    assert by_name["Valley Growers"] == ["Karl Wend"]
    assert "Tove Lind" not in by_name["pickers' union"]


def test_a_side_the_model_lists_twice_is_one_side_with_the_people_of_both() -> None:
    article = from_text(
        "Orchard strike\n\n"
        "Growers' spokesman Karl Wend said the offer stood. "
        "Valley Growers chair Ina Holt said talks would resume."
    )
    listed = [
        Side(name="Valley Growers", kind="company", speakers=["Karl Wend"]),
        Side(name="pickers' union", kind="union"),
        Side(name="valley growers", kind="company", speakers=["Ina Holt"]),
    ]
    found = with_more_sides(article, listed)
    growers = [s for s in found if s.name.casefold() == "valley growers"]
    assert len(growers) == 1
    assert growers[0].speakers == ["Karl Wend", "Ina Holt"]


def test_a_one_word_proper_name_is_found_as_written_a_longer_name_in_any_case() -> None:
    city = pattern("City")
    assert city.search("The City signed.") and not city.search("the city's parking fund")
    assert pattern("City Council").search("the city council voted")
    assert pattern("the Council").search("the council voted")


def test_a_proper_name_loses_the_generic_head_the_model_wrote_after_it() -> None:
    text = (
        "The Ostrand Farmers Union rebel movement and the Velmoran government met. "
        "OFU fighters held the pass; the Corvia government sent envoys to Corvia's border. "
        "Ruiz's agent left. Velmoran and African Union officials watched."
    )
    names = [
        tidy(Side(name=name, kind="organisation"), text).name
        for name in (
            "Ostrand Farmers Union rebel movement",
            "Corvia government",
            "Velmoran government",  # a people's adjective: no name without its head
            "Ruiz's agent",  # not a generic head: someone else
        )
    ]
    assert names == ["Ostrand Farmers Union", "Corvia", "Velmoran government", "Ruiz's agent"]
    # The name without its head has initials the article uses.
    assert "OFU" in spellings(Side(name=names[0], kind="organisation"))


def test_a_side_listed_with_and_without_a_generic_head_is_one_side() -> None:
    article = from_text(
        "Border talks\n\n"
        "The Corvia government said the pass would stay open. Corvia's envoy Ilse Brun "
        "said talks would resume."
    )
    listed = [
        Side(name="Corvia government", kind="government"),
        Side(name="Corvia", kind="government", speakers=["Ilse Brun"]),
    ]
    found = with_more_sides(article, [tidy(s, article.text) for s in listed])
    assert [(s.name, s.speakers) for s in found] == [("Corvia", ["Ilse Brun"])]


def test_a_name_loses_the_description_the_article_puts_before_it() -> None:
    text = (
        "Rights watchdog Civic Eye said the vote was flawed. Civic Eye wants a recount. "
        "The Union of Coastal Fishermen agreed."
    )
    side = tidy(
        Side(
            name="Rights watchdog Civic Eye",
            kind="organisation",
            speakers=["Rights watchdog Civic Eye"],
        ),
        text,
    )
    assert (side.name, side.speakers) == ("Civic Eye", ["Civic Eye"])
    union = Side(name="Union of Coastal Fishermen", kind="organisation")
    assert tidy(union, text).name == "Union of Coastal Fishermen"


def test_a_cooperative_or_a_trust_is_found_by_its_head_noun() -> None:
    for name in ("Dunmore Growers' Cooperative", "Calder Supporters' Trust"):
        head = name.split()[-1]
        assert f"the {head}" in spellings(Side(name=name, kind="organisation"))
