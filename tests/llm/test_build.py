"""When `summarizer setup` rebuilds llama-server: a server built from other sources or with
other flags (before AMX was turned off, say) must not be kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.llm import build
from summarizer.llm.embedded import built_server


class _WouldBuild(Exception):
    pass


@pytest.fixture
def no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(workdir: Path, tarball: Path | None, progress: object) -> Path:
        raise _WouldBuild

    monkeypatch.setattr(build, "_source", refuse)
    monkeypatch.setattr(build, "default_model_path", lambda progress=None: Path("model.gguf"))
    monkeypatch.setattr(build.shutil, "which", lambda tool: f"/usr/bin/{tool}")


def _built(stamp: str) -> None:
    server = built_server()
    server.parent.mkdir(parents=True)
    server.write_bytes(b"\x7fELF")
    server.with_suffix(".source").write_text(stamp)


@pytest.mark.usefixtures("no_build")
def test_a_server_stamped_with_these_sources_and_flags_is_kept() -> None:
    _built(build.BUILD_ID)
    assert build.setup() == built_server()


@pytest.mark.usefixtures("no_build")
def test_a_server_built_with_other_flags_is_rebuilt() -> None:
    _built(build.SOURCE_PACKAGE)  # the stamp of a build before the flags were in it
    with pytest.raises(_WouldBuild):
        build.setup()


def test_the_build_leaves_out_amx() -> None:
    assert "-mno-amx-tile" in build.BUILD_ID
    assert all("-mno-amx-int8" in f for f in build.CMAKE_FLAGS if "CMAKE_C" in f)
