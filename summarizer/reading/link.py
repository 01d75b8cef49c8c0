"""Linking: each demand to the items of the same brief that answer it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarizer.grounding import align as grounding

if TYPE_CHECKING:
    from summarizer.brief.models import Extraction

# How the demanded party's answer reads, by its event type; a term it proposes itself in
# answer is a counter-offer.
RESPONSE_KINDS = {"AGREE": "acceptance", "REJECT": "rejection", "CONCEDE": "concession"}
# Items share this much wording (token-overlap F1) with a demand to answer it.
ANSWERS = 0.3


def link(extraction: Extraction) -> Extraction:
    """A copy of ``extraction`` whose demands list their answers: items by the demanded
    party (or, for a term, binding it) that share the demand's wording, read as acceptance,
    rejection, concession or counter-offer from their event type (:func:`attribution.read`
    sets it)."""
    from summarizer.brief.models import Response

    out = extraction.model_copy(deep=True)
    candidates: list[tuple[str, int, Any, str, str | None]] = [
        ("positions", i, p, f"{p.topic} {p.stance}", p.holder) for i, p in enumerate(out.positions)
    ] + [("deal_terms", i, t, t.term, t.proposed_by or None) for i, t in enumerate(out.deal_terms)]
    for dem in out.demands:
        dem.responses = []
        if dem.of is None:
            continue
        for section, i, item, text, actor in candidates:
            binds = getattr(item, "binds", [])
            if dem.of not in (actor, *binds) or grounding.overlap(dem.what, text) < ANSWERS:
                continue
            kind = RESPONSE_KINDS.get(item.event or "")
            if kind is None and section == "deal_terms" and actor == dem.of:
                kind = "counter_offer"
            if kind is not None:
                dem.responses.append(Response(kind=kind, section=section, index=i))  # type: ignore[arg-type]
    return out
