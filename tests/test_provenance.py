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


def test_no_source_or_prompt_carries_a_dev_article() -> None:
    articles: set[tuple[str, ...]] = set()
    for path in (ROOT / "fixtures" / "devset").glob("*.txt"):
        articles |= _runs(path.read_text(encoding="utf-8"))
    files = [*(ROOT / "summarizer").rglob("*.py"), *(ROOT / "prompts").rglob("*.*")]
    found = {
        f"{path.relative_to(ROOT)}: {line[:100]}"
        for path in files
        for line in copied(path.read_text(encoding="utf-8"), articles)
    }
    assert not found, sorted(found)
