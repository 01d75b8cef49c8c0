"""Output files: where the user asked, whole or not at all, with the user's modes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from summarizer.errors import OutputError
from summarizer.files import write_atomic


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    dangling = tmp_path / "to-be.md"
    dangling.symlink_to(tmp_path / "created.md")
    write_atomic(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "created.md").read_text() == "made"


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_new_files_follow_the_umask_and_replaced_ones_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        import importlib

        import summarizer.files as files

        importlib.reload(files)  # the umask is read once, at import
        files.write_atomic(tmp_path / "new.json", "{}")
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640
    finally:
        os.umask(old)
        importlib.reload(files)
    kept = tmp_path / "kept.json"
    kept.write_text("x")
    kept.chmod(0o604)
    write_atomic(kept, "y")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604


@pytest.mark.parametrize("where", ["dir", "/proc/x.json"])
def test_unwritable_places_are_one_output_error(tmp_path: Path, where: str) -> None:
    path = tmp_path if where == "dir" else Path(where)
    with pytest.raises(OutputError, match=f"cannot write {path}"):
        write_atomic(path, "text")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_a_full_or_closed_stdout_is_a_one_line_error(redirect: str) -> None:
    # In a process of its own: Python's exit would flush stdout again and print a traceback.
    proc = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m summarizer schema {redirect}'],
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert proc.stderr.startswith("error: cannot write to standard output")


def test_dev_stdout_is_written_into_even_when_it_is_a_pipe() -> None:
    code = "from pathlib import Path; from summarizer.files import write_atomic; "
    code += "write_atomic(Path('/dev/stdout'), 'through stdout')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "through stdout"


def test_a_missing_folder_is_refused_not_made(tmp_path: Path) -> None:
    # Issue 24, row 20: -o /nonexist/dir/x.json made the folders silently.
    target = tmp_path / "no" / "such" / "x.json"
    with pytest.raises(OutputError, match="its folder .* does not exist"):
        write_atomic(target, "{}")
    assert not (tmp_path / "no").exists()
