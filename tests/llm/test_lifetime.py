"""A process the tool starts dies with the tool, however the tool ends (here `sleep` stands
in for the model server; tests/llm/test_embedded.py does it with a real llama-server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.processes import alive, children, gone_within, name

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

# A parent that starts `sleep 600` as serve() starts the server, says the pid it started,
# and waits to be killed. argv[1] "plain" starts it as a bare Popen would (the counter-case).
_PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from summarizer.llm import embedded
    how = sys.argv[1]
    if how == "watchdog":
        embedded._parent_death_hook = lambda: None
    if how == "plain":
        proc = subprocess.Popen(["sleep", "600"])
    else:
        proc = embedded._start(["sleep", "600"], sys.stderr.buffer)
    print(proc.pid, flush=True)
    time.sleep(600)
    """
)


def _sleeper(how: str) -> tuple[subprocess.Popen[str], int]:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, how], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert parent.stdout is not None
    with parent.stdout:
        started = int(parent.stdout.readline())
    if how == "watchdog":  # the sleep is the watchdog's child
        deadline = time.monotonic() + 10
        while not children(started) and time.monotonic() < deadline:
            time.sleep(0.05)
        (started,) = children(started)
    # Each way is the one asked for: a broken hook must not pass here by a fallback.
    deadline = time.monotonic() + 10
    while name(started) != "sleep" and time.monotonic() < deadline:  # exec takes a moment
        time.sleep(0.05)
    assert name(started) == "sleep"
    return parent, started


@pytest.mark.parametrize("how", ["pdeathsig", "watchdog"])
def test_a_started_process_dies_when_its_parent_is_killed_outright(how: str) -> None:
    if how == "pdeathsig" and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    parent, child = _sleeper(how)
    try:
        time.sleep(0.5)
        assert alive(child), "it must live as long as its parent does"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert gone_within(child, 10)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


def test_a_bare_child_outlives_a_killed_parent() -> None:
    # The counter-case: without either, the child is orphaned and runs on.
    parent, child = _sleeper("plain")
    try:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert not gone_within(child, 2)
    finally:
        os.kill(child, signal.SIGKILL)


def test_the_watchdog_stops_its_command_when_told_to_stop() -> None:
    # serve()'s own clean stop: SIGTERM to the watchdog stops what it watches, and its exit
    # status is the command's, as a shell reports it.
    watchdog = subprocess.Popen(
        [sys.executable, "-m", "summarizer.llm.watchdog", "sleep", "600"],
        stdin=subprocess.PIPE,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 10
    while not children(watchdog.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    (child,) = children(watchdog.pid)
    watchdog.terminate()
    assert watchdog.wait(timeout=10) == 128 + signal.SIGTERM
    assert gone_within(child, 1)
    assert watchdog.stdin is not None
    watchdog.stdin.close()


def test_the_watchdog_ends_with_its_command_while_its_parent_lives() -> None:
    watchdog = subprocess.Popen(
        [sys.executable, "-m", "summarizer.llm.watchdog", "sh", "-c", "sleep 1; exit 3"],
        stdin=subprocess.PIPE,  # held open: the parent is alive throughout
        cwd=ROOT,
    )
    try:
        assert watchdog.wait(timeout=30) == 3
    finally:
        assert watchdog.stdin is not None
        watchdog.stdin.close()
