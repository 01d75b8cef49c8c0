"""Renderers: a :class:`Brief` as JSON, a terminal table or a Markdown brief."""

from __future__ import annotations

import html
import io
import re
from importlib import resources
from typing import Any

from summarizer.brief.models import Brief
from summarizer.errors import ConfigError
from summarizer.terminal import printable

FORMATS = ("table", "json", "md")
# Output file suffixes and the format each one means (-o without -f).
SUFFIXES = {".json": "json", ".md": "md", ".markdown": "md", ".txt": "table"}


# What Markdown would act on in a value: an image or a link ("![x](https://…)" fetches a
# tracking pixel; "[text](url)" hides where it goes), and a line break (after which "# " or
# "- " starts a heading or an item). Brackets alone ("[S9]") are shown as they are, and so
# is a link within the document ("[S9](#s1-9)", the memo's own citations).
_MARKDOWN_SYNTAX = re.compile(r"!\[|\]\((?!#)|[\r\n]+")
_NEUTRAL = {"![": "!\\[", "](": "]\\("}


def markdown_text(value: Any) -> Any:
    """A value as Markdown shows it: HTML in a string (from the model, the article or a
    file name) escaped, link and image brackets escaped, line breaks and terminal controls
    removed, so that a Markdown viewer shows it and never runs or fetches it."""
    if not isinstance(value, str):
        return value
    escaped = html.escape(value, quote=False)
    return printable(_MARKDOWN_SYNTAX.sub(lambda m: _NEUTRAL.get(m.group(0), " "), escaped))


def format_for(out: str | None, given: str | None, suffixes: dict[str, str]) -> str:
    """The output format: ``given`` (-f), else the one ``out``'s suffix means in
    ``suffixes``, else ``table``. An unknown suffix is an error, not a silent table."""
    from pathlib import PurePath

    from summarizer.errors import OutputError

    if given is not None:
        return given
    if out is None:
        return "table"
    suffix = PurePath(out).suffix.lower()
    if suffix not in suffixes:
        known = ", ".join(sorted(suffixes))
        raise OutputError(
            f"cannot tell the format of {out} from its suffix {suffix or '(none)'!r}",
            hint=f"use one of {known}, or give --format",
        )
    return suffixes[suffix]


def _names(brief: Brief) -> dict[str, str]:
    return {p.id: p.name for p in brief.parties}


def _cite(item: Any) -> str:
    ids = ", ".join(f"S{i}" for i in item.evidence)
    quoted = f'[{ids}] "{item.quote}"' if item.quote else f"[{ids}]"
    if item.copied:
        quoted = f"{quoted} (in its sentence's words)"
    if not item.verified:
        return f"{quoted} (UNVERIFIED: {item.unverified_reason})"
    return quoted


def template_source(name: str) -> str:
    """The text of a renderer template shipped in ``summarizer/renderers/templates``."""
    return (resources.files("summarizer.renderers") / "templates" / name).read_text("utf-8")


def to_json(brief: Brief) -> str:
    """The brief as indented JSON, valid against ``schemas/brief.schema.json``."""
    return brief.model_dump_json(indent=2) + "\n"


def to_markdown(brief: Brief) -> str:
    """The brief as a Markdown document, every item citing its evidence sentences."""
    import jinja2

    names = _names(brief)

    def name(ref: str | None) -> str:
        return "unnamed party" if ref is None else names.get(ref, ref)

    env = jinja2.Environment(
        trim_blocks=True, lstrip_blocks=True, autoescape=False, finalize=markdown_text
    )
    env.filters["party_name"] = name
    source = template_source("brief.md.j2")
    items = [*brief.positions, *brief.demands, *brief.deal_terms]
    cited_ids = sorted(
        {i for item in items for i in item.evidence}
        | {i for j in brief.judgments for i in j.evidence}
    )
    by_id = {s.id: s for s in brief.sentences}
    text = env.from_string(source).render(
        brief=brief, name=name, cite=_cite, cited=[by_id[i] for i in cited_ids if i in by_id]
    )
    return text.strip() + "\n"


# Long on purpose: one table per section of the brief, in the order a reader meets them.
def to_table(brief: Brief, width: int | None = None) -> str:
    """The brief as rich tables for the terminal."""
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    names = _names(brief)

    def name(ref: str | None) -> str:
        return "—" if ref is None else names.get(ref, ref)

    sentences = {s.id: s.text for s in brief.sentences}
    cited: set[int] = set()

    def cite(item: Any) -> str:
        # The evidence beside the item: what it sums up, in the article's words; a sentence
        # that states several items (a list of terms) is shown beside the first.
        said = " ".join(sentences.get(i, "") for i in item.evidence if i not in cited)
        cited.update(item.evidence)
        return f"{_cite(item)} {said}".strip()

    def table(title: str, *columns: str) -> Table:
        t = Table(title=title, title_justify="left", expand=True, show_lines=True)
        for col in columns:
            wide = col in {"Stance", "What", "Term", "Evidence"}
            t.add_column(col, overflow="fold", ratio=3 if wide else 1)
        return t

    parties = table("Parties", "Party", "Kind", "Speaks")
    for p in brief.parties:
        shown = p.name if p.verified else f"{p.name} (UNVERIFIED: {p.unverified_reason})"
        parties.add_row(shown, p.kind.replace("_", " "), ", ".join(p.speakers))
    # A Topic column only where some position has one: the scored strategy writes none.
    topics = any(x.topic for x in brief.positions)
    positions = table("Positions", "Holder", *(["Topic"] if topics else []), "Stance", "Evidence")
    for x in brief.positions:
        positions.add_row(name(x.holder), *([x.topic] if topics else []), x.stance, cite(x))
    demands = table("Demands", "By", "Of", "What", "Evidence")
    for d in brief.demands:
        extra = "; ".join(
            f"{k}: {v}" for k, v in (("if", d.condition), ("by", d.deadline), ("or", d.threat)) if v
        )
        demands.add_row(name(d.by), name(d.of), f"{d.what}\n{extra}".strip(), cite(d))
    terms = table("Deal terms", "Status", "Term", "Proposed by", "Evidence")
    for t in brief.deal_terms:
        terms.add_row(t.status.replace("_", " "), t.term, name(t.proposed_by), cite(t))
    judged = table(
        "Key judgments (analysis, not reported fact)",
        "Likelihood",
        "Confidence",
        "Judgment",
        "Evidence",
    )
    for j in brief.judgments:
        judged.add_row(
            j.likelihood, j.confidence, j.judgment, ", ".join(f"S{i}" for i in j.evidence)
        )
    meta = brief.metadata
    footer = (
        f"{brief.source} · {meta.model} · prompt {meta.prompt_version} · "
        f"{meta.usage.prompt_tokens}+{meta.usage.completion_tokens} tokens · {meta.seconds}s"
    )
    # markup=False: "[sic]" in an article or "[/bold]" in a model's answer is text, not a
    # style (Rich would drop the one and fail on the other).
    console = Console(
        width=width or 100, record=True, file=io.StringIO(), color_system=None, markup=False
    )
    console.print(
        Group(
            Panel(brief.summary, title=Text(brief.title or "Brief"), title_align="left"),
            parties,
            positions,
            demands,
            terms,
            *([judged] if brief.judgments else []),
            *(
                [f"Key judgments: none — {brief.judgments_missing}"]
                if brief.judgments_missing
                else []
            ),
            footer,
        )
    )
    return printable(console.export_text())


def render(brief: Brief, fmt: str = "json", *, width: int | None = None) -> str:
    """Render ``brief`` as ``json``, ``table`` or ``md``."""
    if fmt == "json":
        return to_json(brief)
    if fmt == "md":
        return to_markdown(brief)
    if fmt == "table":
        return to_table(brief, width)
    raise ConfigError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
