"""Briefing memos and the HTML evidence view, from replayed briefs (no model call)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import summarizer
from summarizer.brief.models import LIKELIHOODS, Brief
from summarizer.renderers import memo
from tests.conftest import RECORDED, ROOT, SEED, cli, replayed


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    return summarizer.summarize(SEED, replayed())


def _second_source(brief: Brief) -> Brief:
    """The same negotiation as another outlet might report it: other party names, and one
    deal term with another status."""
    parties = [
        p.model_copy(update={"name": p.name.upper(), "id": p.id + "x"}) for p in brief.parties
    ]
    rename = {p.id: p.id + "x" for p in brief.parties}
    terms = [
        t.model_copy(
            update={
                "status": "rejected" if t.status != "rejected" else "agreed",
                "proposed_by": rename.get(t.proposed_by or "", t.proposed_by),
            }
        )
        for t in brief.deal_terms
    ]
    demands = [
        d.model_copy(update={"by": rename[d.by], "of": rename.get(d.of or "", d.of)})
        for d in brief.demands
    ]
    positions = [p.model_copy(update={"holder": rename[p.holder]}) for p in brief.positions]
    return brief.model_copy(
        update={
            "parties": parties,
            "deal_terms": terms,
            "demands": demands,
            "positions": positions,
            "source": "other.txt",
        }
    )


def test_markdown_memo_sections_and_evidence_links(seed_brief: Brief) -> None:
    text = memo.render(memo.build([seed_brief]), "md")
    for heading in (
        "**Bottom line up front.**",
        "## Parties",
        "## Positions",
        "## Demands",
        "## Deal terms",
        "## What to watch",
        "## Sourcing",
        "## Evidence",
    ):
        assert heading in text
    links = set(re.findall(r"\]\(#(s\d+-\d+)\)", text))
    anchors = set(re.findall(r'<a id="(s\d+-\d+)"></a>', text))
    cited = {f"s1-{i}" for x in seed_brief.deal_terms for i in x.evidence}
    assert cited <= links and cited <= anchors
    # Upcoming events and an ultimatum are things to watch.
    watch = text.split("## What to watch")[1].split("## Sourcing")[0]
    assert "set to travel for further negotiations next week" in watch
    assert "This is your last warning!" in watch
    # "Sources told Axios" is anonymous sourcing, not an on-record statement.
    sourcing = text.split("## Sourcing")[1]
    assert "**Anonymous sources:** Sources told American news website Axios" in sourcing
    assert "model qwen2.5-coder-1.5b-instruct-q4_k_m" in text


def test_deal_terms_sticking_points_first(seed_brief: Brief) -> None:
    # Whatever order the brief lists them in, a memo reader meets what blocks a deal first.
    term = seed_brief.deal_terms[0]
    listed = [
        term.model_copy(update={"term": f"term {status}", "status": status})
        for status in ("agreed", "proposed", "rejected", "disputed")
    ]
    text = memo.render(memo.build([seed_brief.model_copy(update={"deal_terms": listed})]), "md")
    shown = [text.index(f"term {s}") for s in ("disputed", "rejected", "proposed", "agreed")]
    assert shown == sorted(shown)


def test_two_sources_merge_parties_collapse_items_and_flag_contradictions(
    seed_brief: Brief,
) -> None:
    merged = memo.build([seed_brief, _second_source(seed_brief)])
    assert len(merged.parties) == len(seed_brief.parties)
    assert len(merged.deal_terms) == len(seed_brief.deal_terms)
    assert len(merged.demands) == len(seed_brief.demands)
    for entry in merged.deal_terms:
        assert {c.source for c in entry.cites} == {0, 1}
        assert entry.conflicts and "source 2 reports this term as" in entry.conflicts[0]
    text = memo.render(merged, "md")
    assert "⚠ contradiction" in text and "Source 2:" in text


def test_terminal_memo_fits_80_columns(seed_brief: Brief) -> None:
    text = memo.render(memo.build([seed_brief]), "table")
    assert "Bottom line up front" in text
    assert max(len(line) for line in text.splitlines()) <= 80


PLANTED = (
    "<script>document.body.setAttribute('data-pwned','1')</script>"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"
)


def _planted(brief: Brief) -> Brief:
    sentences = [s.model_copy() for s in brief.sentences]
    sentences[2] = sentences[2].model_copy(update={"text": sentences[2].text + PLANTED})
    return brief.model_copy(update={"sentences": sentences, "summary": brief.summary + PLANTED})


def test_html_escapes_article_and_model_text(seed_brief: Brief) -> None:
    html = memo.render(memo.build([_planted(seed_brief)]), "html")
    assert "<script>document.body" not in html and "<img src=x" not in html
    assert "&lt;script&gt;document.body" in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch: works offline


@pytest.mark.browser
def test_html_view_in_real_headless_chromium(seed_brief: Brief, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.fail("chromium is not installed (apt-get install chromium chromium-driver)")
    page = tmp_path / "memo.html"
    page.write_text(memo.render(memo.build([_planted(seed_brief)]), "html"), encoding="utf-8")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1400,900",
    ]
    shot = tmp_path / "memo.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    # The planted script and onerror handler did not run ...
    assert "data-pwned" not in dom.split("<main")[0]
    assert not re.search(r"<body[^>]*data-pwned", dom)
    # ... while the page itself rendered its highlights and two-way links.
    assert len(re.findall(r'class="sent cited"', dom)) >= 1
    assert re.search(r'<li id="deal_term-1"[^>]* data-cites="s1-\d+', dom)
    assert 'data-cited-by="' in dom


def test_superseded_positions_are_never_shown_as_current(seed_brief: Brief) -> None:
    # A position read as past (as attribution.py reads "initially"), from an anonymous source.
    earlier_one = seed_brief.positions[0].model_copy(
        update={
            "topic": "a back channel",
            "stance": "floated it first",
            "modality": "past",
            "modality_cue": "initially",
            "attribution": "anonymous",
            "attributed_by": "Sources told",
        }
    )
    seed_brief = seed_brief.model_copy(update={"positions": [*seed_brief.positions, earlier_one]})
    past = [p for p in seed_brief.positions if p.modality == "past"]
    text = memo.render(memo.build([seed_brief]), "md")
    current, earlier = (
        text.split("## Positions")[1]
        .split("## Demands")[0]
        .split("**Earlier positions (superseded, not current)**")
    )
    for p in past:
        assert p.stance in earlier and f"{p.topic}: {p.stance} " not in current
    html = memo.render(memo.build([seed_brief]), "html")
    assert 'class="anonymous"' in html and "anonymous sources: “Sources told”" in html


def test_memo_from_a_saved_page_carries_its_metadata(tmp_path: Path) -> None:
    out = tmp_path / "memo.md"
    proc = cli(
        "memo",
        "fixtures/pages/us-hamas-direct-talks.handmade.html",
        "--replay",
        str(RECORDED),
        "-o",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert "— Example Middle East Monitor, Staff Reporter, 2025-03-13" in out.read_text()


@pytest.fixture(scope="module")
def judged_seed() -> Brief:
    return summarizer.summarize(SEED, replayed(), judgments=True)


def test_key_judgments_stand_apart_with_likelihood_confidence_and_evidence(
    judged_seed: Brief,
) -> None:
    text = memo.render(memo.build([judged_seed]), "md")
    head, _, rest = text.partition("## Key judgments (analysis, not reported fact)")
    assert "**Bottom line up front.**" in head and "## Parties" in rest
    section = rest.partition("## Parties")[0]
    assert "ICD 203" in section
    for n, j in enumerate(judged_seed.judgments, 1):
        line = next(ln for ln in section.splitlines() if f'id="kj{n}"' in ln)
        assert f"**{j.likelihood.capitalize()}** ({LIKELIHOODS[j.likelihood]})" in line
        assert f"{j.confidence} confidence: {j.judgment}" in line
        for sid in j.evidence:
            assert f"(#s1-{sid})" in line and f'<a id="s1-{sid}"></a>' in text
        assert text.count(j.judgment) == 1  # never repeated among the reported facts
    html = memo.render(memo.build([judged_seed]), "html")
    assert html.count('<li id="kj') == len(judged_seed.judgments)
    assert "analysis, not reported fact" in html


def test_several_articles_are_ordered_by_date_with_what_changed_first() -> None:
    later = summarizer.summarize(
        ROOT / "fixtures" / "diff" / "nurses-strike-tentative-deal.txt",
        replayed(),
        judgments=True,
    )
    earlier = summarizer.summarize(
        ROOT / "fixtures" / "devset" / "nurses-strike-mediator-proposal.txt",
        replayed(),
        judgments=True,
    )
    built = memo.build([later, earlier])  # given newest first; datelines say March 21, 14
    assert [s.brief.source for s in built.sources] == [earlier.source, later.source]
    assert built.changes and built.changes[0][0] == 1
    assert {si for si, _ in built.judgments} == {1}  # the latest article's judgments
    text = memo.render(built, "md")
    assert text.index("## What changed") < text.index("**Bottom line up front.**")
    for line in built.changes[0][1]:
        assert f"- {line}" in text


def test_unverified_items_say_why(seed_brief: Brief) -> None:
    term = seed_brief.deal_terms[0].model_copy(
        update={"verified": False, "unverified_reason": "more estimative than its sentence"}
    )
    brief = seed_brief.model_copy(update={"deal_terms": [term]})
    built = memo.build([brief])
    assert "(unverified: more estimative than its sentence) [S" in memo.render(built, "md")
    assert "unverified: more estimative than its sentence</strong>" in memo.render(built, "html")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda b: b["deal_terms"][0].update(evidence=[999]), "cites sentences [999]"),
        (
            lambda b: b["demands"][0].update(
                responses=[{"kind": "rejection", "section": "positions", "index": 42}]
            ),
            "answered by positions[42], which is absent",
        ),
    ],
)
def test_a_brief_with_dead_references_is_refused(
    seed_brief: Brief, tmp_path: Path, change: Any, says: str
) -> None:
    # Issue 24, row 15: an internal error, or a memo citing sentences that do not exist.
    data = json.loads(seed_brief.model_dump_json())
    change(data)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    proc = cli("memo", str(path), "-o", str(tmp_path / "m.md"))
    assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "m.md").exists()


def test_a_brief_file_bigger_than_any_brief_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # 50 MB, sparse: refused by its size alone
    proc = cli("memo", str(path), "-o", str(tmp_path / "m.md"))
    assert proc.returncode == 2 and "more than any brief" in proc.stderr


def _marked(brief: Brief, text: str) -> Brief:
    position = brief.positions[0].model_copy(update={"stance": text})
    return brief.model_copy(
        update={"summary": text, "title": text, "positions": [position, *brief.positions[1:]]}
    )


def test_rich_markup_in_a_brief_is_text_in_every_table(seed_brief: Brief) -> None:
    # "[sic]" from an article, "[/bold]" from a model: neither a style nor an error.
    text = "Talks [/bold] stalled [sic] over [bold]quotas[/quote]"
    brief = _marked(seed_brief, text)
    for shown in (summarizer.render(brief, "table"), memo.render(memo.build([brief]), "table")):
        assert "[/bold]" in shown and "[sic]" in shown and "[/quote]" in shown


def test_the_html_view_drops_controls_and_bidi_overrides(seed_brief: Brief) -> None:
    html = memo.render(memo.build([_marked(seed_brief, "A\x00B\x07C\x1b[31mD\u202eE")]), "html")
    assert not any(c in html for c in "\x00\x07\x1b\u202e")
    assert "ABC[31mDE" in html
