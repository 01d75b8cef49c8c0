"""The CLI as a user runs it: real exit codes, real stdout and stderr. In-process (Typer's
test runner) except where the process is what a test is about (the entry point, a planted
bug reaching `main`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RECORDED, ROOT, SEED, Ran, cli


def run(*args: str, stdin: bytes | None = None) -> Ran:
    return cli(*args, stdin=stdin)


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m summarizer ARGS`` in a process of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def _one_line_error(proc: Ran) -> str:
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    # Progress lines may come first; the error is one line, and the last.
    assert len(errors) == 1 and lines[-1] == errors[0], proc.stderr
    return errors[0]


def test_help_lists_commands_env_and_exit_codes() -> None:
    proc = run_process("--help")
    assert proc.returncode == 0
    for word in ("summarize", "fixtures", "OPENAI_API_KEY", "SUMMARIZER_MODEL", "Exit codes"):
        assert word in proc.stdout


def test_replay_json_to_stdout() -> None:
    proc = run("summarize", str(SEED), "--replay", str(RECORDED), "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    brief = json.loads(proc.stdout)
    assert brief["parties"] and brief["metadata"]["usage"]["calls"] >= 1


def test_replay_table_and_markdown(tmp_path: Path) -> None:
    proc = run("summarize", str(SEED), "--replay", str(RECORDED))
    assert proc.returncode == 0, proc.stderr
    assert "Parties" in proc.stdout and "Deal terms" in proc.stdout
    out = tmp_path / "brief.md"
    proc = run("summarize", str(SEED), "--replay", str(RECORDED), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert text.startswith("# Israel opposes direct US-Hamas talks")
    assert "## Demands" in text and "[S" in text


def test_stdin_dash(tmp_path: Path) -> None:
    proc = run("summarize", "-", "--replay", str(RECORDED), "-f", "json", stdin=SEED.read_bytes())
    # The same text from stdin cleans to the same article, so the same recording answers it.
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["source"] == "-"


@pytest.mark.parametrize(
    ("content", "code", "fragment"),
    [
        (b"", 2, "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", 2, "looks binary"),
    ],
)
def test_bad_input_one_line_no_output(
    tmp_path: Path, content: bytes, code: int, fragment: str
) -> None:
    src = tmp_path / "article.txt"
    src.write_bytes(content)
    out = tmp_path / "out.json"
    proc = run("summarize", str(src), "--replay", str(RECORDED), "-o", str(out))
    assert proc.returncode == code
    assert fragment in _one_line_error(proc)
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_missing_file() -> None:
    proc = run("summarize", "no/such/article.txt")
    assert proc.returncode == 2
    assert "does not exist" in _one_line_error(proc)


def test_replay_miss_exit_code_and_no_output(tmp_path: Path) -> None:
    src = tmp_path / "other.txt"
    src.write_text("Union and hospital agree a 4 percent raise. The union had demanded 9 percent.")
    out = tmp_path / "out.json"
    proc = run("summarize", str(src), "--replay", str(RECORDED), "-o", str(out))
    assert proc.returncode == 4
    line = _one_line_error(proc)
    assert "no recording for request" in line and "re-record with: summarizer summarize" in line
    assert not out.exists()


def test_dead_server_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = cli(
        "summarize",
        str(SEED),
        "--base-url",
        f"http://127.0.0.1:{port}/v1",
        "--model",
        "m",
        "--timeout",
        "2",
        "--max-attempts",
        "1",
    )
    assert proc.returncode == 5
    assert "cannot reach the model server" in _one_line_error(proc)


def test_fixtures_check_passes_on_current_recordings_and_names_stale_ones(
    tmp_path: Path,
) -> None:
    # The seed's recordings (both strategies, judgments included) and one from another
    # article that nothing here replays: that one is reported, and the check fails.
    seed = [
        p
        for p in RECORDED.glob("*.json")
        if json.loads(p.read_text())["meta"]["article"] == SEED.name
    ]
    for path in seed:
        shutil.copy(path, tmp_path)
    proc = run("fixtures", "check", str(tmp_path), "--articles", "seeds")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(seed)} of {len(seed)} recordings used" in proc.stdout
    other = next(p for p in RECORDED.glob("*.json") if p not in seed)
    shutil.copy(other, tmp_path)
    proc = run("fixtures", "check", str(tmp_path), "--articles", "seeds")
    assert proc.returncode == 1
    assert f"stale or unused: {other.name}" in proc.stdout


def test_judgments_flag_in_summarize_and_memo() -> None:
    proc = run("summarize", str(SEED), "--replay", str(RECORDED), "--judgments", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    brief = json.loads(proc.stdout)
    plain = json.loads(run("summarize", str(SEED), "--replay", str(RECORDED), "-f", "json").stdout)
    assert brief["judgments"]
    assert brief["metadata"]["usage"]["calls"] == plain["metadata"]["usage"]["calls"] + 1
    proc = run("summarize", str(SEED), "--replay", str(RECORDED), "--judgments")
    assert "Key judgments (analysis, not reported fact)" in proc.stdout
    for flag, shown in (("--judgments", True), ("--no-judgments", False)):
        proc = run("memo", str(SEED), "--replay", str(RECORDED), flag, "-f", "md")
        assert proc.returncode == 0, proc.stderr
        assert ("## Key judgments" in proc.stdout) is shown


def test_the_documented_library_example_runs() -> None:
    # The package docstring's example, as a library user copies it.
    import summarizer

    assert all(getattr(summarizer, name) is not None for name in summarizer.__all__)
    options = summarizer.resolve(replay=str(RECORDED))
    brief = summarizer.summarize(str(SEED), options)
    assert summarizer.render(brief, "md").startswith("# ")
    with pytest.raises(summarizer.ConfigError, match="cannot be used together"):
        summarizer.resolve(replay=RECORDED, record=RECORDED)


@pytest.mark.parametrize(
    ("command", "out", "fragment"),
    [
        ("summarize", "brief.html", "use one of .json, .markdown, .md, .txt"),
        ("summarize", "brief", "suffix '(none)'"),
        ("memo", "memo.pdf", "use one of .htm, .html, .markdown, .md, .txt"),
    ],
)
def test_an_unsupported_output_suffix_is_refused_not_written_as_a_table(
    tmp_path: Path, command: str, out: str, fragment: str
) -> None:
    proc = run(command, str(SEED), "--replay", str(RECORDED), "-o", str(tmp_path / out))
    assert proc.returncode == 2
    assert fragment in _one_line_error(proc)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", ["{tmp}", "/proc/brief.json"])
def test_an_unwritable_output_is_a_one_line_error(tmp_path: Path, out: str) -> None:
    target = out.format(tmp=tmp_path)
    proc = run("summarize", str(SEED), "--replay", str(RECORDED), "-f", "json", "-o", target)
    assert proc.returncode == 2
    assert f"cannot write {target}" in _one_line_error(proc)


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--timeout", "0"),
        ("--timeout", "-1"),
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--base-url", "not a url"),
    ],
)
def test_bad_flag_values_are_configuration_errors(flag: str, value: str) -> None:
    proc = run("summarize", str(SEED), "--model", "m", flag, value)
    assert proc.returncode == 3
    assert "must be a positive number" in _one_line_error(proc) or "not an http" in proc.stderr


def test_our_own_bug_is_an_internal_error_with_its_traceback_in_a_file(tmp_path: Path) -> None:
    # A bug planted in the grounding stage: never "the model's answer was invalid" (exit 6).
    code = (
        "import sys, summarizer.grounding.checks as g\n"
        "def broken(*a, **k): raise TypeError('planted bug')\n"
        "g.party_problem = broken\n"
        "from summarizer.cli import main\n"
        f"sys.argv = ['summarizer', 'summarize', {str(SEED)!r}, '--replay', {str(RECORDED)!r}]\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "internal error: TypeError: planted bug" in proc.stderr
    (crash,) = tmp_path.glob("summarizer-crash-*.txt")
    assert str(crash) in proc.stderr.replace("\n", "")
    assert "Traceback" in crash.read_text() and "planted bug" in crash.read_text()


def test_model_text_cannot_drive_a_terminal_or_a_markdown_viewer() -> None:
    from summarizer.brief.models import Brief
    from summarizer.renderers.formats import render

    data = json.loads(
        (ROOT / "fixtures" / "expected" / "us-hamas-direct-talks.brief.json").read_text()
    )
    data["metadata"].update(tool_version="t", created_at="now", seconds=1.0)
    data["summary"] = "Calm \x1b]0;pwned\x07\x1b[2J talks <script>alert(1)</script>"
    data["parties"][0]["name"] = "Israel <img src=x onerror=alert(1)>"
    brief = Brief.model_validate(data)
    table = render(brief, "table")
    assert "\x1b" not in table and "\x07" not in table and "Calm" in table
    markdown = render(brief, "md")
    assert "<script>" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown


@pytest.mark.parametrize("command", ["summarize", "batch", "memo", "diff", "eval"])
def test_every_command_that_calls_a_model_takes_the_same_model_flags(command: str) -> None:
    from summarizer.cli import _MODEL_FLAGS

    shown = run(command, "--help").stdout
    for name in _MODEL_FLAGS:
        assert f"--{name.replace('_', '-')}" in shown, name
    assert ("--allow-private-urls" in shown) is (command in ("summarize", "memo", "diff"))


def test_a_flag_is_checked_as_its_variable_is_in_every_command(tmp_path: Path) -> None:
    commands = [
        ["summarize", str(SEED)],
        ["memo", str(SEED)],
        ["diff", str(SEED), str(SEED)],
        ["batch", str(SEED), "--out", str(tmp_path / "o")],
        ["eval", str(tmp_path)],
    ]
    for command in commands:
        proc = run(*command, "--timeout", "0", "--model", "m")
        assert proc.returncode == 3, (command, proc.stderr)
        assert "--timeout must be a positive number" in _one_line_error(proc)


@pytest.mark.parametrize("command", ["memo", "diff", "eval"])
def test_ctrl_c_is_exit_130_in_every_command_that_calls_a_model(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.run import pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "summarize", interrupted)
    target = {"memo": [str(SEED)], "diff": [str(SEED), str(SEED)], "eval": ["fixtures/devset"]}
    proc = run(command, *target[command], "--replay", str(RECORDED))
    assert proc.returncode == 130 and "interrupted" in proc.stderr


@pytest.mark.parametrize("via", ["live", "batch-api"])
@pytest.mark.parametrize("cap", ["nan", "inf", "-1"])
def test_batch_refuses_a_max_cost_that_is_no_cap_before_any_call(
    via: str, cap: str, tmp_path: Path
) -> None:
    # Port 9 answers nothing: a call made anyway would end in "cannot reach", exit 5.
    server = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--max-cost", cap]
    out = str(tmp_path / "o")
    proc = cli("batch", str(SEED), "--out", out, "--via", via, *server, env={"OPENAI_API_KEY": "k"})
    assert proc.returncode == 3, proc.stderr
    assert "--max-cost must be a number of at least 0" in _one_line_error(proc)
    assert not (tmp_path / "o" / "index.jsonl").exists()


@pytest.mark.parametrize("where", ["missing", "file", "empty"])
def test_fixtures_check_of_no_recordings_fails(where: str, tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    if where == "file":
        folder.write_text("")
    elif where == "empty":
        folder.mkdir()
    proc = run("fixtures", "check", str(folder), "--articles", "seeds")
    assert proc.returncode != 0
    expected = {"missing": "does not exist", "file": "is not a folder", "empty": "no recordings"}
    assert expected[where] in proc.stdout + proc.stderr


@pytest.mark.parametrize("concurrency", ["0", "-3"])
def test_eval_refuses_a_concurrency_below_one(concurrency: str) -> None:
    proc = run("eval", "fixtures/devset", "--replay", str(RECORDED), "--concurrency", concurrency)
    assert proc.returncode == 3
    assert "--concurrency must be at least 1" in _one_line_error(proc)


def test_replay_of_a_file_says_it_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "r").write_text("")
    proc = run("summarize", str(SEED), "--replay", str(tmp_path / "r"))
    assert proc.returncode == 8
    assert "is not a folder" in _one_line_error(proc)


def test_batch_api_refuses_record(tmp_path: Path) -> None:
    flags = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--via", "batch-api"]
    proc = cli("batch", str(SEED), "--out", str(tmp_path / "o"), *flags,
               "--record", str(tmp_path / "rec"), env={"OPENAI_API_KEY": "k"})  # fmt: skip
    assert proc.returncode == 3
    assert "--record does not apply to --via batch-api" in _one_line_error(proc)


def test_terminal_escapes_in_a_file_name_never_reach_the_terminal(tmp_path: Path) -> None:
    named = tmp_path / "x\x1b]0;owned\x07\x1b[31m.txt"
    proc = run("summarize", str(named), "--replay", str(RECORDED))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    named.write_text("")  # now it is empty: a batch's "failed" line names it
    proc = run("batch", str(named), "--out", str(tmp_path / "o"), "--replay", str(RECORDED))
    assert proc.returncode == 9 and "failed" in proc.stderr and "is empty" in proc.stderr
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr


def test_record_into_a_folder_that_takes_no_file_is_refused_before_any_call(
    tmp_path: Path,
) -> None:
    # Root writes anywhere a mode allows nothing; /sys refuses even root a new file.
    folder = Path("/sys/kernel")
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
    # Port 9 answers nothing: a call made first would end in "cannot reach" (exit 5).
    flags = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--record", str(folder)]
    proc = run("summarize", str(SEED), *flags)
    assert proc.returncode == 8, proc.stderr
    assert f"cannot use {folder} for recordings" in _one_line_error(proc)


def test_the_cache_command_passes_over_links_and_folders(tmp_path: Path) -> None:
    from summarizer import config

    cached = config.response_cache_dir() / "scope"
    cached.mkdir(parents=True)
    (cached / "a.json").write_text("{}")
    (cached / "dangling.json").symlink_to(tmp_path / "gone.json")
    (cached / "d.json").mkdir()
    proc = run("cache")
    assert proc.returncode == 0 and "1 cached responses, 2 bytes" in proc.stdout
    proc = run("cache", "--clear")
    assert proc.returncode == 0 and "cleared 1 cached responses" in proc.stdout
    assert (cached / "d.json").is_dir() and (cached / "dangling.json").is_symlink()
