import re
from pathlib import Path

from summarizer import lexicon

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"


def test_alternation_matches_whole_listed_words_longest_first() -> None:
    pattern = re.compile(rf"\b{lexicon.alternation(['say', 'says', 'a.b'])}\b")
    assert pattern.findall("she says so; he may say a.b, not axb") == ["says", "say", "a.b"]


def test_initials_need_two_capitalised_words() -> None:
    assert lexicon.initials("United Nations") == "UN"
    assert lexicon.initials("Marenland People's Party") == "MPP"
    assert lexicon.initials("Hamas") == ""


def test_each_word_list_lives_in_the_lexicon_alone() -> None:
    # Speech forms and deal nouns spelt out as alternations anywhere else are a second copy
    # that drifts from the first (they did: three speech lists, five deal-noun lists).
    copies = {
        "speech forms": re.compile(r"said\|says\|told|stated\|added\|noted"),
        "deal nouns": re.compile(r"deal\|agreement\|accord|accord\|pact\|treaty"),
        "negators": re.compile(r"not\|never\|n't"),
    }
    found = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "lexicon.py"
        for name, copy in copies.items()
        if copy.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_without_the_drops_only_a_leading_article() -> None:
    assert lexicon.without_the("  The Kremlin ") == "Kremlin"
    assert lexicon.without_the("Theodore Roosevelt") == "Theodore Roosevelt"
    assert lexicon.without_the("Bank of the North") == "Bank of the North"
