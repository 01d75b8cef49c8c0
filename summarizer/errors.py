"""The one exception hierarchy of summarizer.

Every error a user can cause or meet derives from :class:`SummarizerError`. Each class carries
the process exit code the CLI maps it to, and a one-line ``hint`` naming the fix. Messages never
contain API keys: they are built from our own text, never from request headers.
"""

from __future__ import annotations

from typing import Any


class SummarizerError(Exception):
    """Base class: a problem the user can act on. ``str(err)`` is one line.

    ``usage`` is what the failed work had already spent (a :class:`summarizer.Usage`), when
    it made model calls: a batch counts it toward its cost and ``--max-cost``."""

    exit_code = 1
    meaning = "internal error (a bug; its traceback is written to a file)"
    hint = ""
    usage: Any = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class InputError(SummarizerError):
    """The article cannot be read: missing, empty, binary, mis-encoded or too large."""

    exit_code = 2
    meaning = "bad input, or an output path that cannot be written"


class OutputError(InputError):
    """The output cannot be written where asked: a directory, an unwritable or full place,
    an unsupported suffix, a batch folder in use."""


class ConfigError(SummarizerError):
    """A flag or environment variable has an unusable value."""

    exit_code = 3
    meaning = "bad configuration (a flag or variable)"


class ReplayMissError(SummarizerError):
    """Replay mode met a request that has no recording. Never retried."""

    exit_code = 4
    meaning = "replay miss"


class ModelUnavailableError(SummarizerError):
    """The model server could not be reached or kept failing after bounded retries."""

    exit_code = 5
    meaning = "model server unavailable"


class ModelOutputError(SummarizerError):
    """The model's answer stayed invalid (schema, evidence, party references) after re-asks."""

    exit_code = 6
    meaning = "invalid model output"


class LocalModelError(SummarizerError):
    """The embedded local model (weights or server) could not be found or started."""

    exit_code = 7
    meaning = "local model problem"


class RecordingError(SummarizerError):
    """A recording could not be written or read safely (e.g. it would contain a secret)."""

    exit_code = 8
    meaning = "recording problem"


class BatchIncompleteError(SummarizerError):
    """A batch finished, but some articles failed (each is reported in the index)."""

    exit_code = 9
    meaning = "some batch articles failed"


class CostLimitError(SummarizerError):
    """A brief or a batch stopped before its estimated cost would pass ``--max-cost``."""

    exit_code = 10
    meaning = "cost limit: the estimated cost would pass --max-cost"


class AnswerDeferred(SummarizerError):
    """A request waits for the Batch API's answer (``batch --via batch-api``): the article
    is taken up again in the next round. Never reaches a user."""


def exit_codes() -> dict[int, str]:
    """Every exit code of the CLI and what it means, from the classes above (the CLI's help
    and the README's table list these)."""
    found: dict[int, str] = {0: "ok"}
    todo: list[type[SummarizerError]] = [SummarizerError]
    while todo:
        cls = todo.pop(0)
        found.setdefault(cls.exit_code, cls.meaning)
        todo += cls.__subclasses__()
    stops = {129: "stopped by SIGHUP (the terminal closed)", 130: "interrupted (Ctrl-C)"}
    return {**dict(sorted(found.items())), **stops, 143: "stopped by SIGTERM"}
