"""Run a command that ends when the process that started it ends, on any platform.

``python -m summarizer.llm.watchdog COMMAND...`` starts COMMAND and waits for end of file
on its own stdin, which its parent holds as the write end of a pipe it never writes: the
kernel closes that pipe however the parent ends (SIGKILL and the OOM killer included), and
then COMMAND is stopped. Where the kernel can be asked to signal the child directly
(Linux's ``PR_SET_PDEATHSIG``), :mod:`summarizer.llm.embedded` does that instead; this is
the fallback for the platforms that cannot.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

GRACE = 3.0  # seconds COMMAND has to exit on SIGTERM before it is killed
POLL = 0.1  # seconds between looks at COMMAND, the pipe and the signal


def _status(code: int) -> int:
    """An exit status as a shell reports it: 128 + N for a command ended by signal N."""
    return 128 - code if code < 0 else code & 0xFF


def _stop(child: subprocess.Popen[bytes]) -> int:
    child.terminate()
    try:
        return _status(child.wait(timeout=GRACE))
    except subprocess.TimeoutExpired:
        child.kill()
        return _status(child.wait())


def main(command: list[str]) -> int:
    """Run ``command`` until it exits, this process's stdin reaches end of file, or this
    process gets SIGTERM; in the last two cases stop ``command``. Returns its exit status."""
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    # Only this thread waits on the child: Popen's waits share a lock, which a signal
    # handler waiting too would deadlock on. The handler and the reader only raise a flag.
    stop: list[str] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.append("told to stop"))

    def orphaned() -> None:
        while os.read(0, 1 << 16):  # b"" only when every writer of the pipe is gone
            pass
        stop.append("parent gone")

    threading.Thread(target=orphaned, daemon=True).start()
    while not stop:
        if (code := child.poll()) is not None:
            return _status(code)
        time.sleep(POLL)
    return _stop(child)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
