"""The package's layout: data flows one way, so no module imports, at any depth (in a
function, under TYPE_CHECKING), one that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports anywhere in it."""
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                stem = f"{base}.{node.module}" if node.module else base
            else:
                stem = node.module or ""
            names = [f"{stem}.{a.name}" for a in node.names]
            found |= {n for n in [stem, *names] if n.startswith("summarizer")}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("summarizer")}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in _imports(path) if m in modules and m != name and m != "summarizer"}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            found.append([*trail[trail.index(node) :], node])
            return
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*trail, node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])
    return found


def test_no_import_cycles() -> None:
    # The package's __init__ only re-exports lazily; it is not a stage.
    assert _cycles(_graph()) == []


# The layers, lowest first: a module may import its own layer and those below, never one above.
# Model access (llm) sits under the article and the brief: it is asked for any Pydantic model.
LAYERS = (
    (
        "summarizer.errors",
        "summarizer.lexicon",
        "summarizer.prices",
        "summarizer.files",
        "summarizer.terminal",
    ),
    ("summarizer.config",),
    ("summarizer.llm",),
    ("summarizer.article",),
    ("summarizer.grounding",),
    ("summarizer.brief",),
    ("summarizer.extract",),
    ("summarizer.reading",),
    ("summarizer.renderers",),
    ("summarizer.run",),
    ("summarizer.api",),
    ("summarizer.cli", "summarizer.__main__"),
)


def _layer(module: str) -> int:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def test_lower_layers_never_import_upper_ones() -> None:
    wrong = [
        f"{name} imports {other}"
        for name, imported in _graph().items()
        if name != "summarizer"
        for other in imported
        if _layer(other) > _layer(name)
    ]
    assert wrong == []


# The stages, behind the public API: the CLI reaches them only through ``summarizer``.
STAGES = ("article", "brief", "extract", "grounding", "llm", "reading", "renderers", "run")


def test_the_cli_imports_no_stage_module() -> None:
    # Anywhere in it: at the top, in a command, under TYPE_CHECKING.
    imported = _imports(PACKAGE / "cli.py")
    stages = sorted(m for m in imported if m.split(".")[1:2] and m.split(".")[1] in STAGES)
    assert stages == []
