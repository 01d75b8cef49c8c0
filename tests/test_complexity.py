"""How tangled the extraction stage may grow: no function in ``summarizer/extract`` is graded
D or worse by radon's cyclomatic complexity (issue 33: a decision that needs more branches
than that belongs in the fitted model or in a helper named for what it decides)."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_rank, cc_visit

EXTRACT = Path(__file__).resolve().parent.parent / "summarizer" / "extract"


def _graded_d_or_worse(source: str) -> list[str]:
    return [
        f"{block.name} ({cc_rank(block.complexity)}, {block.complexity})"
        for block in cc_visit(source)
        if cc_rank(block.complexity) >= "D"
    ]


def test_no_function_in_extract_is_graded_d_or_worse() -> None:
    found = {
        path.name: bad
        for path in sorted(EXTRACT.glob("*.py"))
        if (bad := _graded_d_or_worse(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_sees_a_function_of_twenty_one_branches() -> None:
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(20))
    assert _graded_d_or_worse(f"def tangled(x):\n{branches}    return -1\n") == ["tangled (D, 21)"]
    assert _graded_d_or_worse("def plain(x):\n    return x\n") == []
