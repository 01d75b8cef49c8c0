"""Matching across briefs of one negotiation: the same party, the same item.

Shared by ``diff`` (what changed between two briefs) and ``memo`` (one memo from several).
"""

from __future__ import annotations

from summarizer.brief.models import Brief, Party

# Two items are the same when their words overlap this much (and their actors agree).
SAME_ITEM = 0.6


def _party_key(p: Party) -> set[str]:
    # Names and speakers, not ids: ids are local to a brief (a small model numbers them "1",
    # "2" in whatever order it meets the parties).
    return {p.name.casefold(), *(s.casefold() for s in p.speakers)}


def merge_parties(briefs: list[Brief]) -> tuple[list[Party], list[dict[str, str]]]:
    """One party per real-world side; per brief, its party id -> merged id."""
    merged: list[Party] = []
    keys: list[set[str]] = []
    maps: list[dict[str, str]] = []
    for brief in briefs:
        local: dict[str, str] = {}
        for p in brief.parties:
            key = _party_key(p)
            hit = next((i for i, k in enumerate(keys) if k & key), None)
            if hit is None:
                pid = p.id if all(m.id != p.id for m in merged) else f"{p.id}{len(merged)}"
                merged.append(p.model_copy(update={"id": pid}))
                keys.append(key)
                hit = len(merged) - 1
            else:
                keys[hit] |= key
                known = merged[hit]
                speakers = list(dict.fromkeys([*known.speakers, *p.speakers]))
                merged[hit] = known.model_copy(update={"speakers": speakers})
            local[p.id] = merged[hit].id
        maps.append(local)
    return merged, maps
