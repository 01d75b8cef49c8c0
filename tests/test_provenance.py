"""No rule, word list, prompt or comment is copied from a dev-set article: what the tool
knows must come from text written for it, or the dev figures measure memory, not skill."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = 7  # words in a row: long enough that common phrases ("at the end of the") never match


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def copied(text: str, articles: set[tuple[str, ...]]) -> list[str]:
    """The lines of ``text`` that hold a run of RUN words found in ``articles``."""
    return [line.strip() for line in text.splitlines() if _runs(line) & articles]


def test_a_copied_line_is_found_and_a_written_one_is_not() -> None:
    article = _runs("The guild said on Monday that the ferry strike would end soon.")
    code = '# "said on Monday that the ferry strike would end" is a report\nx = 1  # a strike'
    assert copied(code, article) == [code.splitlines()[0]]


def _dev_articles() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in (ROOT / "fixtures" / "devset").glob("*.txt")]


def _sources() -> dict[str, str]:
    """Each source and prompt file's text, by its path in the repository."""
    files = [*(ROOT / "summarizer").rglob("*.py"), *(ROOT / "prompts").rglob("*.*")]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files}


def test_no_source_or_prompt_carries_a_dev_article() -> None:
    articles = {run for text in _dev_articles() for run in _runs(text)}
    found = {
        f"{path}: {line[:100]}"
        for path, text in _sources().items()
        for line in copied(text, articles)
    }
    assert not found, sorted(found)


# A name: two or more capitalised words (with the particles names hold), or an Arabic
# surname with its article ("al-Rashid").
_NAME = re.compile(
    r"\b[A-Z][\w'’-]+(?:\s+(?:al-|bin\s|de\s|of\s)?[A-Z][\w'’-]+)+|\b(?:al|el)-[A-Z]\w+"
)
# Names that are general knowledge, not an article's: states, world bodies, titles.
GENERAL = frozenset(
    {
        "City Council", "European Union", "Foreign Minister", "Prime Minister", "Saudi Arabia",
        "United Kingdom", "United Nations", "United States", "World Bank",
    }
)  # fmt: skip


def named(text: str, names: set[str]) -> set[str]:
    """The ``names`` that ``text`` uses as whole words, but for :data:`GENERAL` ones."""
    return {
        n
        for n in names - GENERAL
        # The plain search first: the expression only for the few names it finds.
        if len(n) >= 6 and n in text and re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)
    }


def test_a_name_of_an_article_is_found_and_a_general_one_is_not() -> None:
    names = {m.group(0) for m in _NAME.finditer("Ada Voss of the United Nations met al-Rashid.")}
    code = '# "Ada Voss" and "al-Rashid" are people; the "United Nations" is a body.'
    assert named(code, names) == {"Ada Voss", "al-Rashid"}
    assert named("# Adam Vosskuhl", names) == set()


def test_no_source_or_prompt_names_a_person_or_body_of_a_dev_article() -> None:
    names = {m.group(0) for text in _dev_articles() for m in _NAME.finditer(text)}
    found = {f"{path}: {name}" for path, text in _sources().items() for name in named(text, names)}
    assert not found, sorted(found)
