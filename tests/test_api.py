"""The Python API: what docs/python-api.md shows is ``summarizer.__all__``, and each command
runs from Python, replayed, without the CLI (as a notebook or a pipeline calls it)."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import pytest

import summarizer
from tests.conftest import RECORDED, ROOT, SEED, replayed
from tests.regen_api_doc import PAGE, current

DEVSET = ROOT / "fixtures" / "devset"


def test_the_page_is_the_public_api() -> None:
    # Stale? Run `python -m tests.regen_api_doc` and review the diff.
    assert PAGE.read_text() == current()
    shown = {line[5:-1] for line in PAGE.read_text().splitlines() if line.startswith("### `")}
    assert shown == set(summarizer.__all__)


@pytest.mark.parametrize("name", summarizer.__all__)
def test_every_public_name_has_a_docstring(name: str) -> None:
    found = getattr(summarizer, name)
    assert (found.__doc__ or "").strip(), name
    if inspect.isfunction(found):  # help() shows a typed signature
        params = inspect.signature(found).parameters.values()
        assert all(p.annotation is not p.empty for p in params), name


def test_batch_from_python(tmp_path: Path) -> None:
    seen: list[str] = []
    outcomes = summarizer.batch(
        [str(SEED)], tmp_path / "out", replayed(), progress=lambda o, t: seen.append(o.status)
    )
    assert [o.status for o in outcomes] == seen == ["ok"]
    assert json.loads((tmp_path / "out" / f"{SEED.stem}.json").read_text())["summary"]
    assert summarizer.articles_in([str(SEED.parent)]) == [SEED]
    with pytest.raises(summarizer.ConfigError, match="unknown --via"):
        summarizer.batch([str(SEED)], tmp_path / "o2", replayed(), via="pigeon")


def test_memo_from_python() -> None:
    steps: list[str] = []
    memo = summarizer.memo([str(SEED)], replayed(), progress=steps.append)
    assert steps == [f"reading {SEED}"]
    text = summarizer.render_memo(memo, "md")
    assert text.startswith("# ") and "Israel" in text
    assert "<html" in summarizer.render_memo(memo, "html")


def test_diff_from_python() -> None:
    found = summarizer.diff(
        DEVSET / "nurses-strike-mediator-proposal.txt",
        ROOT / "fixtures" / "diff" / "nurses-strike-tentative-deal.txt",
        replayed(),
    )
    assert not found.changes.empty
    assert found.render().startswith("# What changed: Meridian nurses reach tentative deal")


def test_evaluate_from_python(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(SEED, gold)
    shutil.copy(DEVSET / f"{SEED.stem}.gold.json", gold)
    told: list[str] = []
    report = summarizer.evaluate(gold, replayed(), concurrency=1, progress=told.append)
    figures = report.to_dict()
    assert figures["articles"] == 1 and figures["real"]["articles"] == 1
    pinned = json.loads((ROOT / "fixtures" / "expected" / "devset-scores.json").read_text())
    assert figures["per_article"][SEED.name] == pinned["per_article"][SEED.name]
    assert told == [f"scoring {SEED.name}"]


def test_the_smaller_commands_from_python(tmp_path: Path) -> None:
    assert summarizer.output_format("memo.html", memo=True) == "html"
    assert summarizer.output_format("brief.json") == "json"
    with pytest.raises(summarizer.ConfigError):
        summarizer.output_format(None, "pdf")
    assert json.loads(summarizer.brief_schema())["title"] == "Brief"
    assert summarizer.cache_info().entries == 0
    recordings = tmp_path / "rec"
    recordings.mkdir()
    for path in RECORDED.glob("*.json"):
        if json.loads(path.read_text())["meta"]["article"] == SEED.name:
            shutil.copy(path, recordings)
    report = summarizer.check_recordings(recordings, [SEED.parent])
    assert report.ok and len(report.used) == report.total > 0
