from __future__ import annotations

import summarizer
from summarizer.brief.models import Brief
from summarizer.renderers import diff
from tests.conftest import RECORDED, SEED, cli, replayed


def _later(brief: Brief) -> Brief:
    """The seed's brief as a later day might give it: a status moved on, a demand met,
    a new term, a position that shifted."""
    moved = "rejected" if brief.deal_terms[0].status == "agreed" else "agreed"
    terms = [brief.deal_terms[0].model_copy(update={"status": moved})]
    extra = brief.deal_terms[0].model_copy(
        update={"term": "a prisoner exchange monitored by Qatar", "status": "proposed"}
    )
    pos = brief.positions[0].model_copy(update={"stance": "now accepts the talks reluctantly"})
    return brief.model_copy(
        update={
            "deal_terms": [*terms, extra],
            "demands": [],
            "positions": [pos, *brief.positions[1:]],
            "source": "later.txt",
        }
    )


def test_lifecycle_new_dropped_and_shifted() -> None:
    old = summarizer.summarize(SEED, replayed())
    new = _later(old)
    changes = diff.compare(old, new)
    first, moved = old.deal_terms[0], new.deal_terms[0]
    assert first.status != moved.status
    assert f"{first.term}: {first.status.replace('_', ' ')} → {moved.status}" in changes.terms
    assert "new: a prisoner exchange monitored by Qatar (proposed)" in changes.terms
    assert len([d for d in changes.demands if d.startswith("dropped: ")]) == len(old.demands)
    assert any("now accepts the talks reluctantly" in p for p in changes.positions)
    text = diff.render(changes, old, new)
    assert text.index("## Deal terms") < text.index("## Demands") < text.index("## Positions")


def test_no_change() -> None:
    old = summarizer.summarize(SEED, replayed())
    changes = diff.compare(old, old)
    assert changes.empty
    assert "Nothing changed" in diff.render(changes, old, old)


def test_cli_diff_of_two_dated_articles() -> None:
    proc = cli(
        "diff",
        "fixtures/devset/nurses-strike-mediator-proposal.txt",
        "fixtures/diff/nurses-strike-tentative-deal.txt",
        "--replay",
        str(RECORDED),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# What changed: Meridian nurses reach tentative deal")
    assert "## Deal terms" in proc.stdout and "no longer reported" in proc.stdout
