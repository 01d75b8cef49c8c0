"""Text safe to print: what the tool did not write (an article's words, a model's answer, a
file name, a server's reason) may carry terminal controls and escape sequences."""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe for a terminal: controls, escape sequences' starts and the bidi
    overrides that would reorder what a reader sees removed."""
    return _UNPRINTABLE.sub("", text)
