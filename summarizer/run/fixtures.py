"""Checking a directory of recordings against the current prompts and schema."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.config import resolve
from summarizer.errors import InputError, RecordingError, SummarizerError
from summarizer.llm.recording import recordings


@dataclass
class CheckReport:
    """What ``summarizer fixtures check`` found."""

    total: int = 0
    used: set[str] = field(default_factory=set)
    stale: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.stale and not self.problems


def _plain_name(name: str) -> bool:
    return name == Path(name).name and name not in ("", ".", "..") and "\\" not in name


def _find(name: str, search: Iterable[Path]) -> Path | None:
    for root in search:
        for hit in sorted(root.rglob(name)):
            return hit
    return None


def check(directory: Path, article_dirs: Iterable[Path]) -> CheckReport:
    """Replay every article the recordings in ``directory`` were made from.

    A recording that no replay uses is stale (made from an older prompt or schema) or an
    orphan; a replay that misses means the current code asks something never recorded.
    """
    from summarizer.run.pipeline import summarize

    if not directory.is_dir():
        what = "is not a folder" if directory.exists() else "does not exist"
        raise RecordingError(f"{directory} {what}", hint="give a folder of recordings")
    search = list(article_dirs)
    report = CheckReport()
    runs: dict[tuple[str, str, str, str | None], bool] = {}
    for rec in recordings(directory):
        report.total += 1
        body = rec.request.get("body") or {}
        fmt = (body.get("response_format") or {}).get("type", "json_schema")
        strategy = rec.meta.get("strategy")
        run = (str(rec.meta.get("article")), str(body.get("model")), fmt, strategy)
        # An article recorded with its key-judgments pass is replayed with it.
        runs[run] = runs.get(run, False) or rec.meta.get("pass") == "judgments"
    for (name, model, fmt, strategy), judgments in sorted(runs.items(), key=str):
        # The article is named, not located: "../../etc/passwd" or "a/b.txt" is no name.
        if not _plain_name(name):
            report.problems.append(f"a recording names its article {name[:80]!r}: not a file name")
            continue
        path = _find(name, search)
        if path is None:
            report.problems.append(f"article {name} not found under {', '.join(map(str, search))}")
            continue
        try:
            options = resolve(model=model, replay=directory, response_format=fmt, strategy=strategy)
            summarize(path, options, judgments=judgments, replay_used=report.used)
        except InputError:
            raise
        except SummarizerError as exc:
            report.problems.append(f"{name} ({model}): {exc}")
    if report.total == 0:
        report.problems.append(f"{directory} holds no recordings")
    report.stale = sorted(
        rec.path.name for rec in recordings(directory) if rec.key not in report.used
    )
    return report
