"""Regenerate fixtures/expected from the recordings: ``python -m tests.regen_expected``.

Run it only after an intended change, and review the diff before committing.
"""

from __future__ import annotations

import json

import summarizer
from tests.conftest import EXPECTED, RECORDED, SEED
from tests.run.test_pipeline import _stable

if __name__ == "__main__":
    EXPECTED.mkdir(parents=True, exist_ok=True)
    brief = summarizer.summarize(SEED, summarizer.resolve(replay=RECORDED))
    out = EXPECTED / "us-hamas-direct-talks.brief.json"
    out.write_text(json.dumps(_stable(brief), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
