"""Writing files all or nothing, where the user asked, as the user's other files are; and
which files are safe to read whole."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from summarizer.errors import OutputError

# The process's umask, read once at import (reading it means setting it, which is not
# thread-safe): new files get the mode any other program would give them.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def plain_file(path: Path, max_bytes: int, *, links: bool = True) -> bool:
    """Whether ``path`` is a plain file of at most ``max_bytes``, safe to read whole: not a
    FIFO (which would wait for a writer), a device (``/dev/zero`` never ends) or a folder;
    not through a link unless ``links``. Raises OSError (FileNotFoundError) as ``stat``."""
    st = path.stat() if links else path.lstat()
    return stat.S_ISREG(st.st_mode) and st.st_size <= max_bytes


def _unwritable(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        return OutputError(
            f"cannot write {path}: its folder {path.parent} does not exist",
            hint="create the folder first, or give a path in an existing one",
        )
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        reason = "it is a directory"
    return OutputError(
        f"cannot write {path}: {reason}", hint="give a file path in a writable folder"
    )


def write_atomic(path: Path, text: str, *, durable: bool = False, mode: int | None = None) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one, never
    a part: a temporary file beside it, renamed over it. ``durable`` also syncs it to disk
    first, so that a killed process or a crash cannot leave an empty file behind.

    A symbolic link is written through to its target (the link stays); a target that is not
    a regular file (a FIFO, a terminal, ``/dev/stdout``) is written directly, never replaced.
    A new file gets ``0666 & ~umask`` and a replaced one keeps its mode, unless ``mode`` is
    given. Raises :class:`~summarizer.errors.OutputError` when it cannot be written."""
    try:
        st: os.stat_result | None = path.stat()  # through any symlink
    except FileNotFoundError:
        st = None  # new, or a link to a file still to be made
    except OSError as exc:
        raise _unwritable(path, exc) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise _unwritable(path, IsADirectoryError())
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            # By its own name: /dev/stdout's target may be a pipe with no path of its own.
            with path.open("w", encoding="utf-8") as fh:
                fh.write(text)
            return
        target = Path(os.path.realpath(path))  # a link stays; the file it names is replaced
        kept = st.st_mode if st else 0o666 & ~_UMASK
        _replace(target, text, durable, kept if mode is None else mode)
    except OSError as exc:
        raise _unwritable(path, exc) from None


def _replace(target: Path, text: str, durable: bool, mode: int) -> None:
    # A folder that does not exist is a typo more often than a wish: never made silently.
    if not target.parent.is_dir():
        raise FileNotFoundError(2, f"its folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            os.fchmod(fh.fileno(), stat.S_IMODE(mode))
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output, raising :class:`OutputError` (not a traceback at
    exit) when it is closed, full or a closed pipe."""
    try:
        if sys.stdout is None:
            raise OSError(9, "standard output is closed")
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        # Python would try to flush again at exit and print a traceback: give it nowhere.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        raise OutputError(
            f"cannot write to standard output: {exc.strerror or type(exc).__name__}",
            hint="write to a file with -o, or check the disk or the pipe",
        ) from None
