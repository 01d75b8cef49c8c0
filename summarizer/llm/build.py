"""One-time setup of the embedded model: build ``llama-server`` and join the default weights.

``llama-server`` is built from the llama.cpp sources vendored in llama-cpp-python's source
distribution on PyPI (MIT), compiled for this machine's CPU; only the server target is built
(a few minutes on 2 cores). Everything later runs offline.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from summarizer.errors import LocalModelError
from summarizer.llm.embedded import built_server, default_model_path

SOURCE_PACKAGE = "llama-cpp-python==0.3.36"
_PROGRESS = re.compile(rb"^\[\s*(\d+)%\]")
CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_TOOLS=ON",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_OPENSSL=OFF",
    # Built for this CPU, but without its AMX tiles: where the kernel or a container does not
    # grant a process the AMX state (arch_prctl), ggml's AMX matrix code dies with SIGSEGV on
    # the first multiplication, as it did on a Sapphire Rapids VM. AVX-512 still does the work.
    "-DCMAKE_C_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16",
    "-DCMAKE_CXX_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16",
)
# What a built server is stamped with: a change of source or of flags rebuilds it.
BUILD_ID = f"{SOURCE_PACKAGE} {' '.join(CMAKE_FLAGS)}"

Progress = Callable[[str], None]


def _stamp() -> Path:
    return built_server().with_suffix(".source")


def _run(command: list[str], cwd: Path, what: str, progress: Progress | None) -> None:
    log = cwd / "build.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            if progress and (m := _PROGRESS.match(line)):
                progress(f"{what}: {int(m.group(1))}%")
        code = proc.wait()
    if code != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        raise LocalModelError(
            f"{what} failed (exit {code}): {' | '.join(tail)[:300]}",
            hint="install cmake and a C++ compiler, or use --base-url with a running server",
        )


def _source(workdir: Path, tarball: Path | None, progress: Progress | None) -> Path:
    if tarball is None:
        if progress:
            progress(f"downloading the source of {SOURCE_PACKAGE}")
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                str(workdir),
                SOURCE_PACKAGE,
            ],
            workdir,
            "downloading llama.cpp sources",
            None,
        )
        found = sorted(workdir.glob("llama_cpp_python-*.tar.gz"))
        if not found:
            raise LocalModelError("pip did not fetch the llama.cpp sources")
        tarball = found[0]
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir / "src", filter="data")
    roots = list((workdir / "src").glob("*/vendor/llama.cpp"))
    if not roots:
        raise LocalModelError(f"{tarball.name} has no vendor/llama.cpp directory")
    return roots[0]


def setup(
    *, source: Path | None = None, force: bool = False, progress: Progress | None = None
) -> Path:
    """Build ``llama-server`` (unless already built) and join the default model.

    ``source`` is a llama-cpp-python sdist to build from instead of downloading one.
    Returns the path of the server binary.
    """
    target = built_server()
    stamp = _stamp()
    if force or not (target.is_file() and stamp.is_file() and stamp.read_text() == BUILD_ID):
        for tool in ("cmake", "c++"):
            if shutil.which(tool) is None:
                raise LocalModelError(
                    f"building llama-server needs {tool}, which is not installed",
                    hint="install cmake and a C++ compiler (e.g. apt-get install cmake g++)",
                )
        with tempfile.TemporaryDirectory(prefix="summarizer-build-") as tmp:
            work = Path(tmp)
            root = _source(work, source, progress)
            build = work / "build"
            _run(
                ["cmake", "-S", str(root), "-B", str(build), *CMAKE_FLAGS],
                work,
                "configuring",
                progress,
            )
            jobs = str(os.cpu_count() or 2)
            _run(
                ["cmake", "--build", str(build), "--target", "llama-server", "-j", jobs],
                work,
                "building llama-server",
                progress,
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = target.with_suffix(".new")
            shutil.copy2(build / "bin" / "llama-server", staged)
            os.replace(staged, target)
            stamp.write_text(BUILD_ID)
    default_model_path(progress)
    return target
