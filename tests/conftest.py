"""Test isolation: a clean environment and config dirs, and no real model call unless a test
says it starts its own local server (marker ``server``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from summarizer import config
from summarizer.llm.embedded import built_server

# Found before the isolation below hides the real cache: `summarizer setup` builds it there.
LLAMA_SERVER = built_server()

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "us-hamas-direct-talks.txt"
RECORDED = ROOT / "fixtures" / "recorded"
EXPECTED = ROOT / "fixtures" / "expected"


@dataclass
class Ran:
    """What a CLI run left: its exit code and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


def cli(
    *args: str, stdin: bytes | None = None, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> Ran:
    """``summarizer ARGS`` in this process (Typer's test runner), from ``cwd``; a test
    about the process itself (the entry point, signals) runs a subprocess instead."""
    from typer.testing import CliRunner

    from summarizer.cli import app

    here = os.getcwd()
    os.chdir(cwd)  # relative paths in arguments, as a user in a checkout types them
    try:
        result = CliRunner().invoke(app, list(args), input=stdin, env=env)
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback a user would have seen
    return Ran(result.exit_code, result.stdout, result.stderr)


def replayed(**flags: object) -> config.Options:
    """Options that answer every model call from the project's recordings."""
    return config.resolve(replay=RECORDED, **flags)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def isolate(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[None]:
    for name in list(config.ENV_VARS) + ["OPENAI_ORG_ID", "OPENAI_PROJECT_ID"]:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    if request.node.get_closest_marker("server") is not None:
        if not LLAMA_SERVER.is_file():
            pytest.fail(f"no llama-server at {LLAMA_SERVER}: run `summarizer setup` first")
        monkeypatch.setenv(config.ENV_LLAMA_SERVER, str(LLAMA_SERVER))
    else:
        original = httpx2.HTTPTransport.handle_request

        def guarded(self: httpx2.HTTPTransport, req: httpx2.Request) -> httpx2.Response:
            if req.url.host not in ("127.0.0.1", "localhost"):
                raise AssertionError(f"test tried a real model call to {req.url.host}")
            return original(self, req)

        monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", guarded)

        def no_embedded(*args: object, **kwargs: object) -> None:
            raise AssertionError("test tried to start the embedded model; replay or mark it")

        monkeypatch.setattr("summarizer.llm.embedded.serve", no_embedded)
    yield
