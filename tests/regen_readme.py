"""The README's tables that restate the code, made from it: ``python -m tests.regen_readme``.

``tests/test_readme.py`` fails when the README's copy is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from summarizer.config import ENV_VARS
from summarizer.errors import exit_codes

README = Path(__file__).resolve().parent.parent / "README.md"


def tables() -> dict[str, str]:
    """Each generated table by its marker name."""
    env = ["| variable | meaning |", "|---|---|"]
    env += [f"| `{name}` | {meaning} |" for name, meaning in ENV_VARS.items()]
    codes = ["| code | meaning |", "|---|---|"]
    codes += [f"| {code} | {meaning} |" for code, meaning in exit_codes().items()]
    return {"env": "\n".join(env), "exit-codes": "\n".join(codes)}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}: generated[^\n]*-->\n)(.*?)(\n<!-- /{name} -->)", re.S)


def current(text: str) -> dict[str, str | None]:
    """The README's copy of each generated table (None where its markers are missing)."""
    return {name: (m.group(2) if (m := _block(name).search(text)) else None) for name in tables()}


def regenerated(text: str) -> str:
    """``text`` with each generated table made anew."""
    for name, table in tables().items():
        text = _block(name).sub(lambda m, t=table: m.group(1) + t + m.group(3), text)
    return text


if __name__ == "__main__":
    README.write_text(regenerated(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {README}")
