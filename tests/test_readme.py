"""The README is the front door: short, and its tables true to the code."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.regen_readme import README, current, tables

TEXT = README.read_text(encoding="utf-8")


def test_tables_that_restate_the_code_are_in_sync() -> None:
    # Stale? Run `python -m tests.regen_readme` and review the diff.
    assert current(TEXT) == tables()


def test_readme_is_a_front_door() -> None:
    assert len(TEXT.splitlines()) <= 250
    # Its first lines: a fresh machine's two commands, then the API-key start.
    first = TEXT.split("\n## ", 1)[0]
    assert "summarizer setup && summarizer summarize seeds/us-hamas-direct-talks.txt" in first
    assert "bash .ci/run" in first and "OPENAI_API_KEY=" in first


def test_every_docs_link_resolves() -> None:
    for target in re.findall(r"\]\((docs/[^)#]+)", TEXT):
        assert (ROOT / target).is_file(), target
