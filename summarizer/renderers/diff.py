"""What changed between two briefs of one negotiation: "what changed" first, as a daily
brief's reader wants it. Parties are matched as in the memo (name or a shared speaker);
items are matched by actor and word overlap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from summarizer.brief.models import Brief
from summarizer.grounding import align as grounding
from summarizer.renderers.formats import markdown_text
from summarizer.renderers.merge import SAME_ITEM, merge_parties


@dataclass
class Changes:
    """The differences, each a short line of text."""

    terms: list[str] = field(default_factory=list)
    demands: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.terms or self.demands or self.positions)


def _pair(
    old: list[Any], new: list[Any], key: Any, text: Any
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    matched, used = [], set()
    for o in old:
        best, score = None, SAME_ITEM
        for j, n in enumerate(new):
            if j in used or key(o, "old") != key(n, "new"):
                continue
            if (s := grounding.overlap(text(o), text(n))) >= score:
                best, score = j, s
        if best is not None:
            used.add(best)
            matched.append((o, new[best]))
    gone = [o for o in old if all(o is not m[0] for m in matched)]
    added = [n for j, n in enumerate(new) if j not in used]
    return matched, gone, added


def compare(old: Brief, new: Brief) -> Changes:
    """The deal-term lifecycle changes, new and dropped demands, and shifted positions."""
    parties, (omap, nmap) = merge_parties([old, new])
    names = {p.id: p.name for p in parties}
    maps = {"old": omap, "new": nmap}

    def who(ref: str | None, side: str) -> str | None:
        return None if ref is None else maps[side].get(ref, ref)

    def name(ref: str | None, side: str) -> str:
        resolved = who(ref, side)
        return "unnamed party" if resolved is None else names.get(resolved, resolved)

    out = Changes()
    pairs, gone, added = _pair(
        old.deal_terms,
        new.deal_terms,
        lambda t, side: who(t.proposed_by, side),
        lambda t: t.term,
    )
    for o, n in pairs:
        if o.status != n.status:
            out.terms.append(
                f"{n.term}: {o.status.replace('_', ' ')} → {n.status.replace('_', ' ')}"
            )
    out.terms += [f"new: {t.term} ({t.status.replace('_', ' ')})" for t in added]
    out.terms += [f"no longer reported: {t.term}" for t in gone]

    pairs, gone, added = _pair(
        old.demands,
        new.demands,
        lambda d, side: (who(d.by, side), who(d.of, side)),
        lambda d: d.what,
    )
    out.demands += [f"new: {name(d.by, 'new')} → {name(d.of, 'new')}: {d.what}" for d in added]
    out.demands += [f"dropped: {name(d.by, 'old')} → {name(d.of, 'old')}: {d.what}" for d in gone]

    pairs, gone, added = _pair(
        old.positions,
        new.positions,
        lambda p, side: who(p.holder, side),
        lambda p: p.topic or p.stance,
    )
    for o, n in pairs:
        if grounding.overlap(o.stance, n.stance) < SAME_ITEM:
            on = f" on {n.topic}" if n.topic else ""
            out.positions.append(f"{name(n.holder, 'new')}{on}: was “{o.stance}”, now “{n.stance}”")
    out.positions += [
        f"new: {name(p.holder, 'new')}{' on ' if p.topic else ': '}{p.claim}" for p in added
    ]
    out.positions += [
        f"dropped: {name(p.holder, 'old')}{f' on {p.topic}' if p.topic else f': {p.stance}'}"
        for p in gone
    ]
    return out


def render(changes: Changes, old: Brief, new: Brief) -> str:
    """The changes as Markdown, what changed first; every text from a brief shown as text
    (``renderers.markdown_text``), never run by a terminal or a Markdown viewer."""
    lines = [
        f"# What changed: {markdown_text(new.title or new.source)}",
        "",
        f"From {markdown_text(old.source)} to {markdown_text(new.source)}.",
        "",
    ]
    if changes.empty:
        return "\n".join([*lines, "Nothing changed in deal terms, demands or positions.", ""])
    for title, items in (
        ("Deal terms", changes.terms),
        ("Demands", changes.demands),
        ("Positions", changes.positions),
    ):
        lines += [f"## {title}", ""]
        lines += [f"- {markdown_text(item)}" for item in items] or ["- no change"]
        lines.append("")
    return "\n".join(lines)
