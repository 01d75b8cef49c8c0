"""Sentence splitting of long lines: the time to load an article that is one long line.

    python bench/split.py [--kb 990]

pysbd's time grows with the square of the text it is given; ``summarizer.article.text`` cuts a
long line at sentence ends into pieces of at most ``MAX_SEGMENT_CHARS`` before pysbd sees
it. Prints the seconds to split one-line articles of growing size (just under the 1 MB limit
at the top), and the same with the cut disabled for the sizes where that still finishes.
"""

from __future__ import annotations

import argparse
import time

from summarizer.article import text as article_text

SENTENCE = "Negotiators met again on Tuesday in Geneva, Mr. Lee said, and talks went on. "


def _seconds(kb: int) -> tuple[float, int]:
    text = (SENTENCE * (kb * 1024 // len(SENTENCE) + 1))[: kb * 1024].strip()
    started = time.perf_counter()
    art = article_text.from_text(text)
    return time.perf_counter() - started, len(art.sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=990, help="largest one-line article, in KB")
    top = parser.parse_args().kb
    sizes = sorted({s for s in (10, 50, 100, 250, top) if s <= top})
    for kb in sizes:
        seconds, count = _seconds(kb)
        print(f"{kb:5d} KB one line: {seconds:7.2f} s ({count:,} sentences)")
    article_text.MAX_SEGMENT_CHARS = 10**9  # the cut off: pysbd sees the whole line
    for kb in (10, 50):
        seconds, _ = _seconds(kb)
        print(f"{kb:5d} KB one line, not cut: {seconds:7.2f} s")


if __name__ == "__main__":
    main()
