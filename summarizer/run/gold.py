"""A gold annotation file (``*.gold.json``): its shape, checked before any model call.

``summarizer eval`` pays for every article's brief before it scores one; a gold file that
cannot be scored (a list, a party without aliases, evidence that is no string, an article
that is no plain name in the gold folder) must stop the run before the first call, naming
the file and the field. Fields this module does not name are kept as they are (notes,
optional attribution and modality).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from summarizer.errors import InputError
from summarizer.files import plain_file

# The largest gold file read: far above any annotation of one article.
MAX_GOLD_BYTES = 4 * 1024 * 1024


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Party(_Open):
    id: str
    name: str
    aliases: list[str]
    optional: bool = False


class _Item(_Open):
    evidence: str
    optional: bool = False


class Position(_Item):
    holder: str | None
    stance: str


class Demand(_Item):
    by: str | None
    of: str | None
    demand: str


class Term(_Item):
    proposed_by: str | None
    term: str
    status: str


class Gold(_Open):
    """One article's gold: its parties and items, each citing its evidence verbatim."""

    article: str
    parties: list[Party]
    positions: list[Position]
    demands: list[Demand]
    deal_terms: list[Term]

    @field_validator("article")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        # Named, not located: "../../etc/passwd" or "/abs/path" would be read and sent.
        if name != Path(name).name or name in ("", ".", "..") or "\\" in name:
            raise ValueError("must be the plain name of a file in the gold folder")
        return name


def read(path: Path) -> dict[str, Any]:
    """The gold annotation in ``path`` as plain data, once its shape is checked; raises
    :class:`~summarizer.errors.InputError` naming the file and the first bad field."""
    try:
        plain = plain_file(path, MAX_GOLD_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if not plain:
        raise InputError(
            f"{path} is not a plain file of at most {MAX_GOLD_BYTES:,} bytes",
            hint="a gold set holds *.gold.json annotations and their articles",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path} is not a gold annotation ({type(exc).__name__})") from None
    try:
        Gold.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the whole file"
        raise InputError(
            f"{path} is not a gold annotation: {where}: {first['msg']}",
            hint="fix that field (docs/quality.md describes a gold file)",
        ) from None
    assert isinstance(data, dict)  # a Gold validated it
    return data
