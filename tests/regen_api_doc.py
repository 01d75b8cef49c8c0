# ruff: noqa: E501 -- the page's prose and examples are data, one string per paragraph
"""docs/python-api.md, made from ``summarizer.__all__`` and each function's signature:
``python -m tests.regen_api_doc`` (tests/test_api.py fails when the page is stale)."""

from __future__ import annotations

import inspect
from pathlib import Path

import summarizer

PAGE = Path(__file__).resolve().parent.parent / "docs" / "python-api.md"


def sig(name: str) -> str:
    """How ``summarizer.name``'s signature reads on the page."""
    return f"summarizer.{name}{inspect.signature(getattr(summarizer, name))}".replace("'", "")


FUNCS = {
    "summarize": (
        "Summarise one article (a file, a URL, `-` for stdin, or an `Article`) into a grounded `Brief`. With no options: the embedded local model.",
        'options = summarizer.resolve(replay="fixtures/recorded")\nbrief = summarizer.summarize("seeds/us-hamas-direct-talks.txt", options)\nprint(brief.summary)\nfor demand in brief.demands:\n    print(demand.by, "asks", demand.of, ":", demand.what)',
    ),
    "resolve": (
        "The configuration: each argument as given, else its environment variable (docs/configuration.md), else the default. Raises `ConfigError` for a value that cannot work.",
        'options = summarizer.resolve(base_url="http://127.0.0.1:8080/v1", model="qwen2.5", timeout=120)',
    ),
    "render": (
        "A brief as `json`, `md` (a Markdown brief) or `table` (terminal text).",
        'print(summarizer.render(brief, "md"))',
    ),
    "load_article": (
        "An article as the pipeline reads it: clean text and numbered sentences with character offsets.",
        'article = summarizer.load_article("seeds/us-hamas-direct-talks.txt")\nprint(article.sentence(1).text)',
    ),
    "load_brief": (
        "A brief JSON file as `summarize -f json` writes it, checked whole.",
        'brief = summarizer.load_brief("briefs/monday.json")',
    ),
    "batch": (
        'Summarise many articles into a folder (a brief JSON each and `index.jsonl`), resumably; `via="batch-api"` goes through the OpenAI Batch API at half the price. `progress` is called after each article.',
        'def tell(outcome: summarizer.Outcome, totals: summarizer.Totals) -> None:\n    print(outcome.name, outcome.status, f"${totals.cost_usd:.4f}")\n\n\noutcomes = summarizer.batch(["articles/"], "briefs/", options, concurrency=2, progress=tell)\nfailed = [o for o in outcomes if o.status == "failed"]',
    ),
    "articles_in": (
        "The article files `batch` would read from files, folders and globs.",
        'print(len(summarizer.articles_in(["articles/*.txt"])))',
    ),
    "memo": (
        "A briefing memo of one negotiation from articles or brief JSON files, ordered by date, what changed first.",
        'memo = summarizer.memo(["monday.txt", "briefs/tuesday.json"], options, judgments=False)',
    ),
    "render_memo": (
        "A memo as `md`, `html` (a self-contained evidence view) or `table`.",
        'Path("memo.html").write_text(summarizer.render_memo(memo, "html"))',
    ),
    "diff": (
        "What changed between two articles or briefs of one negotiation; `.render()` gives it as text.",
        'changes = summarizer.diff("briefs/monday.json", "briefs/tuesday.json")\nprint(changes.render())',
    ),
    "evaluate": (
        "Summarise every article of a gold set and score the briefs; every gold file is checked before the first call.",
        'report = summarizer.evaluate("fixtures/devset", options, concurrency=2)\nfigures = report.to_dict()\nprint(figures["real"]["overall"]["f1"], figures["lost"])',
    ),
    "output_format": (
        "The format to write: the one given, else the one the output file's suffix means (a brief or, with `memo=True`, a memo), else `table`.",
        'summarizer.output_format("memo.html", memo=True)  # "html"',
    ),
    "cache_info": (
        "The response cache: its folder, entries and bytes; with `clear=True` it is emptied.",
        "print(summarizer.cache_info().entries)",
    ),
    "setup": (
        "Prepare the embedded model once: build `llama-server` and join the model file. Returns the server's path.",
        "server = summarizer.setup(progress=print)",
    ),
    "brief_schema": (
        "The brief's JSON Schema (`schemas/brief.schema.json`).",
        "schema = json.loads(summarizer.brief_schema())",
    ),
    "check_recordings": (
        "Replay every article recorded in a folder: which recordings are used, stale or broken.",
        'report = summarizer.check_recordings("fixtures/recorded")\nassert report.ok, report.problems',
    ),
}
TYPES = {
    "Options": "The resolved configuration (`resolve` makes it).",
    "Article": "An article: clean text and its numbered `Sentence`s with character offsets.",
    "Sentence": "One numbered sentence of an article, with its offsets.",
    "Brief": "The brief: summary, parties, positions, demands, deal terms, each item citing its sentences (Pydantic; `schemas/brief.schema.json`).",
    "Party": "A side of the negotiation, with the people who speak for it.",
    "Position": "What a party holds.",
    "Demand": "Who demands what of whom.",
    "DealTerm": "A proposed term, by whom, with its status.",
    "Outcome": "One article of a batch: its name, status (ok, failed, skipped), tokens and cost.",
    "Totals": "A batch's running totals.",
    "Memo": "A briefing memo built from one or more briefs.",
    "Diff": "What changed between two briefs (`changes`, `old`, `new`, `render()`).",
    "Report": 'Eval figures; `to_dict()` has every figure, the real subset\'s under `"real"`.',
    "CacheInfo": "The response cache: `directory`, `entries`, `bytes`.",
    "CheckReport": "What a recordings check found: `used`, `stale`, `problems`, `ok`.",
}


def current() -> str:
    """The page as the code makes it."""
    ERRORS = [n for n in summarizer.__all__ if n.endswith("Error")]
    out = [
        "# The Python API",
        "",
        "Every command of the CLI is a function of the `summarizer` package, which the CLI only calls:",
        "it returns data (a Pydantic model, a dataclass, a string) and prints nothing; progress goes",
        "to a callback. Errors are one hierarchy, `summarizer.SummarizerError`, each with a `hint`",
        "and the CLI's `exit_code`. The names below are `summarizer.__all__`",
        "(`tests/test_api.py` checks this page against it and runs each command from Python).",
        "",
        "```python",
        "import json",
        "from pathlib import Path",
        "",
        "import summarizer",
        "```",
        "",
        "## Functions",
        "",
    ]
    for name in sorted(FUNCS, key=lambda n: list(FUNCS).index(n)):
        text, example = FUNCS[name]
        out += [
            f"### `{name}`",
            "",
            "```python",
            sig(name),
            "```",
            "",
            text,
            "",
            "```python",
            example,
            "```",
            "",
        ]
    out += ["## Types", ""]
    for name in TYPES:
        out += [f"### `{name}`", "", TYPES[name], ""]
    out += [
        "## Errors",
        "",
        'Each is a `summarizer.SummarizerError` with `.hint` and `.exit_code` (README, "Exit codes").',
        "",
    ]
    for name in ERRORS:
        doc = (getattr(summarizer, name).__doc__ or "").strip().splitlines()[0]
        out += [f"### `{name}`", "", doc, ""]
    assert set(FUNCS) | set(TYPES) | set(ERRORS) == set(summarizer.__all__), set(
        summarizer.__all__
    ) ^ (set(FUNCS) | set(TYPES) | set(ERRORS))
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    PAGE.write_text(current())
    print(f"wrote {PAGE}")
