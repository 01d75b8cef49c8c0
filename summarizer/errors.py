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
    hint = ""
    usage: Any = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class InputError(SummarizerError):
    """The article cannot be read: missing, empty, binary, mis-encoded or too large."""

    exit_code = 2


class OutputError(InputError):
    """The output cannot be written where asked: a directory, an unwritable or full place,
    an unsupported suffix, a batch folder in use."""


class ConfigError(SummarizerError):
    """A flag or environment variable has an unusable value."""

    exit_code = 3


class ReplayMissError(SummarizerError):
    """Replay mode met a request that has no recording. Never retried."""

    exit_code = 4


class ModelUnavailableError(SummarizerError):
    """The model server could not be reached or kept failing after bounded retries."""

    exit_code = 5


class ModelOutputError(SummarizerError):
    """The model's answer stayed invalid (schema, evidence, party references) after re-asks."""

    exit_code = 6


class LocalModelError(SummarizerError):
    """The embedded local model (weights or server) could not be found or started."""

    exit_code = 7


class RecordingError(SummarizerError):
    """A recording could not be written or read safely (e.g. it would contain a secret)."""

    exit_code = 8


class BatchIncompleteError(SummarizerError):
    """A batch finished, but some articles failed (each is reported in the index)."""

    exit_code = 9


class CostLimitError(SummarizerError):
    """A batch stopped before its estimated cost would pass ``--max-cost``."""

    exit_code = 10
