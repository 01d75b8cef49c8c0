"""Batch runs: concurrency, failures, resumption after a kill, cache, cost limit."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from summarizer.article.text import Article
from summarizer.brief.models import Brief
from summarizer.config import Options, resolve
from summarizer.errors import CostLimitError
from summarizer.run import batch
from tests.conftest import RECORDED, ROOT, SEED, Ran, cli, replayed
from tests.faults.server import fault_server

DEVSET = ROOT / "fixtures" / "devset"


def priced(url: str, table: dict[str, tuple[float, float]]) -> Options:
    """Options for the fault server at ``url`` under the model name "priced" of ``table``."""
    return dataclasses.replace(resolve(base_url=url, model="priced"), prices=table)


def _index(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]


def _copies(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(n):
        shutil.copy(SEED, folder / f"a{i:03d}.txt")
    return folder


def test_replayed_batch_writes_every_brief_and_resumes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = [str(p) for p in sorted(DEVSET.glob("*.txt"))]
    n = len(files)
    assert n == len(list(DEVSET.glob("*.gold.json")))
    outcomes = batch.run([str(DEVSET / "*.txt")], out, replayed(), concurrency=4)
    assert sorted(o.status for o in outcomes) == ["ok"] * n
    assert len(list(out.glob("*.json"))) == n
    assert {e["status"] for e in _index(out)} == {"ok"}
    again = batch.run(files, out, replayed(), concurrency=4)
    assert [o.status for o in again] == ["skipped"] * n
    assert len(_index(out)) == n  # nothing re-done


def test_brief_written_before_a_kill_gets_its_index_line_on_the_rerun(tmp_path: Path) -> None:
    # A kill between a brief's write and its index line leaves the brief unindexed; the
    # kill test below reaches that window only now and then, so this makes it on purpose.
    articles, out = _copies(tmp_path, 3), tmp_path / "out"
    batch.run([str(articles)], out, replayed(), concurrency=1)
    lines = (out / "index.jsonl").read_text().splitlines()
    (out / "index.jsonl").write_text("".join(line + "\n" for line in lines if '"a001"' not in line))
    again = batch.run([str(articles)], out, replayed(), concurrency=1)
    assert [o.status for o in again] == ["skipped"] * 3  # no article is done twice
    entries = _index(out)
    assert sorted(str(e["name"]) for e in entries if e["status"] == "ok") == [
        "a000",
        "a001",
        "a002",
    ]
    recovered = next(e for e in entries if e["name"] == "a001")
    assert isinstance(recovered["prompt_tokens"], int) and recovered["prompt_tokens"] > 0
    batch.run([str(articles)], out, replayed(), concurrency=1)
    assert len(_index(out)) == 3  # and once only


def test_concurrency_bounds_requests_in_flight_not_threads(tmp_path: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    for i in range(12):  # distinct texts: no cache hit
        (articles / f"c{i}.txt").write_text(SEED.read_text() + f"\nNote {i}.\n")
    with fault_server(default=("good", {"delay": 0.2})) as (url, script):
        outcomes = batch.run(
            [str(articles)], tmp_path / "out", resolve(base_url=url, model="m"), concurrency=4
        )
    assert [o.status for o in outcomes] == ["ok"] * 12
    # Five threads (a spare has its request ready), but never more than four at the server.
    assert script.peak_in_flight == 4


def test_two_batches_in_one_process_keep_their_own_bounds(tmp_path: Path) -> None:
    # A short batch ends while a long one runs: the long one must stay bounded.
    def folder(name: str, n: int) -> str:
        (tmp_path / name).mkdir()
        for i in range(n):
            (tmp_path / name / f"{name}{i}.txt").write_text(SEED.read_text() + f"\n{name} {i}.\n")
        return str(tmp_path / name)

    short, long = folder("short", 4), folder("long", 24)
    with (
        fault_server(default=("good", {"delay": 0.1})) as (url_a, _),
        fault_server(default=("good", {"delay": 0.2})) as (url_b, script_b),
        ThreadPoolExecutor(2) as runner,
    ):
        done = [
            runner.submit(
                batch.run,
                [src],
                tmp_path / f"out-{i}",
                resolve(base_url=url, model="m"),
                concurrency=4,
            )
            for i, (src, url) in enumerate([(short, url_a), (long, url_b)])
        ]
        outcomes = [f.result() for f in done]
    assert [len(o) for o in outcomes] == [4, 24]
    assert all(o.status == "ok" for run in outcomes for o in run)
    assert script_b.peak_in_flight == 4


def test_one_failure_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    (folder / "empty.txt").write_text("")
    out = tmp_path / "out"
    outcomes = {o.name: o for o in batch.run([str(folder)], out, replayed())}
    assert outcomes["good"].status == "ok" and (out / "good.json").exists()
    assert outcomes["empty"].status == "failed" and outcomes["empty"].exit_code == 2
    assert "is empty" in (outcomes["empty"].error or "")
    assert not (out / "empty.json").exists()


def test_same_stem_in_two_folders_gets_two_outputs(tmp_path: Path) -> None:
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        shutil.copy(SEED, tmp_path / sub / "seed.txt")
    names = batch.output_names(batch.expand([str(tmp_path / "x"), str(tmp_path / "y")]))
    assert len(set(names.values())) == 2


def _batch_process(
    articles: Path, out: Path, *flags: str, stderr: Any = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """``summarizer batch`` in a process of its own (the tests about killing it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    command = [sys.executable, "-m", "summarizer", "batch", str(articles), "--out", str(out)]
    return subprocess.Popen(
        [*command, "--no-cache", *flags], env=env, stderr=stderr, cwd=ROOT, text=True
    )


def test_killed_batch_reruns_to_every_article_exactly_once(tmp_path: Path) -> None:
    articles, out = _copies(tmp_path, 12), tmp_path / "out"
    command = ["--concurrency", "2", "--model", "fault-model"]
    with fault_server(default=("good", {"delay": 0.3})) as (url, script):
        proc = _batch_process(articles, out, *command, "--base-url", url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (out / "index.jsonl").exists() and len(_index(out)) >= 3:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        first = _index(out)
        assert 3 <= len(first) < 12, "the kill came too late to test anything"
        for brief in out.glob("*.json"):
            json.loads(brief.read_text())  # every brief there is whole
        # The rerun need not be a process of its own: the kill was the first one's.
        again = ["batch", str(articles), "--out", str(out), "--no-cache", "--base-url", url]
        rerun = cli(*again, *command)
        assert rerun.returncode == 0, rerun.stderr
    entries = _index(out)
    done = [e["name"] for e in entries if e["status"] == "ok"]
    assert sorted(done) == [f"a{i:03d}" for i in range(12)]  # each exactly once
    assert len(list(out.glob("a*.json"))) == 12
    assert not list(out.glob(".*.tmp"))  # nothing temporary is left behind


def test_response_cache_answers_unchanged_requests(tmp_path: Path) -> None:
    articles, cache = _copies(tmp_path, 3), tmp_path / "cache"
    with fault_server(default=("good", {})) as (url, script):
        # One at a time: identical requests in flight together would all miss the cache.
        first = batch.run(
            [str(articles)],
            tmp_path / "o1",
            resolve(base_url=url, model="m", cache=cache),
            concurrency=1,
        )
        assert len(script.requests) == 1  # identical articles: one call, then cache hits
        second = batch.run(
            [str(articles)], tmp_path / "o2", resolve(base_url=url, model="m", cache=cache)
        )
        assert len(script.requests) == 1
    assert sum(o.cached_calls for o in first) == 2
    assert all(o.cached_calls == 1 for o in second)


def test_max_cost_stops_before_it_is_passed(tmp_path: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    for i in range(6):  # distinct texts, so no cache hit makes them free
        (articles / f"b{i}.txt").write_text(SEED.read_text() + f"\nNote {i}.\n")
    prices = {"priced": (1000.0, 1000.0)}  # 150 tokens a call: $0.15 per article
    with fault_server(default=("good", {})) as (url, _):
        with pytest.raises(CostLimitError, match=r"stopped before the estimated cost passes \$0.4"):
            batch.run(
                [str(articles)],
                tmp_path / "out",
                priced(url, prices),
                max_cost=0.4,
                concurrency=1,
            )
    done = [e for e in _index(tmp_path / "out") if e["status"] == "ok"]
    assert 1 <= len(done) <= 2
    assert sum(float(e["cost_usd"] or 0) for e in done) <= 0.4


def _batch_cli(*args: str) -> Ran:
    return cli("batch", *args)


def test_an_unexpected_error_fails_its_article_and_is_never_lost(tmp_path: Path) -> None:
    from summarizer.run.pipeline import summarize

    articles, out = _copies(tmp_path, 3), tmp_path / "out"
    (out / "a001.json").mkdir(parents=True)  # its brief cannot be written there

    def buggy(source: Article, options: Options) -> Brief:
        if source.source.endswith("a002.txt"):
            raise TypeError("a bug of ours")
        return summarize(source, options)

    outcomes = {o.name: o for o in batch.run([str(articles)], out, replayed(), summarize=buggy)}
    assert outcomes["a000"].status == "ok"
    assert outcomes["a001"].status == "failed" and "is a directory" in str(outcomes["a001"].error)
    assert outcomes["a002"].status == "failed" and outcomes["a002"].exit_code == 1
    assert "internal error TypeError" in str(outcomes["a002"].error)
    assert sorted(e["name"] for e in _index(out)) == ["a000", "a001", "a002"]


def test_the_cli_exits_9_when_any_article_fails_for_any_reason(tmp_path: Path) -> None:
    articles, out = _copies(tmp_path, 2), tmp_path / "out"
    (out / "a001.json").mkdir(parents=True)
    proc = _batch_cli(str(articles), "--out", str(out), "--replay", str(RECORDED))
    assert proc.returncode == 9, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [e["status"] for e in sorted(_index(out), key=lambda e: str(e["name"]))] == [
        "ok",
        "failed",
    ]


def test_a_fifo_and_a_symlink_loop_fail_their_lines_without_stopping_the_batch(
    tmp_path: Path,
) -> None:
    articles, out = _copies(tmp_path, 1), tmp_path / "out"
    os.mkfifo(articles / "pipe.txt")  # reading it would wait for a writer forever
    (articles / "loop.txt").symlink_to(articles / "loop.txt")
    proc = _batch_cli(str(articles), "--out", str(out), "--replay", str(RECORDED))
    assert proc.returncode == 9, proc.stderr
    lines = {e["name"]: e for e in _index(out)}
    assert lines["a000"]["status"] == "ok"
    assert "not a regular file" in str(lines["pipe"]["error"])
    assert "Too many levels of symbolic links" in str(lines["loop"]["error"])


def test_ctrl_c_stops_a_batch_at_once_even_with_articles_in_flight(tmp_path: Path) -> None:
    articles, out, log = _copies(tmp_path, 4), tmp_path / "out", tmp_path / "stderr.txt"
    with fault_server(default=("hang", {"seconds": 30})) as (url, script), log.open("w") as err:
        flags = ["--base-url", url, "--model", "m", "--timeout", "60"]
        proc = _batch_process(articles, out, *flags, stderr=err)
        deadline = time.monotonic() + 30
        while not script.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert script.requests, "the batch never reached the server"
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)  # the server would hold each article 30 s
        finally:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert "Traceback" not in log.read_text()


def test_a_second_batch_into_a_busy_folder_is_refused_and_deletes_nothing(
    tmp_path: Path,
) -> None:
    from summarizer.errors import OutputError

    articles, out = _copies(tmp_path, 1), tmp_path / "out"
    out.mkdir()
    in_flight = out / ".a000.json.x1y2.tmp"  # the first batch's brief being written
    with batch._locked(out):
        in_flight.write_text("{")
        with pytest.raises(OutputError, match="in use by another batch"):
            batch.run([str(articles)], out, replayed())
        assert in_flight.exists()
    assert batch.run([str(articles)], out, replayed())[0].status == "ok"


def test_out_that_is_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    articles, out = _copies(tmp_path, 1), tmp_path / "out.json"
    out.write_text("keep me")
    proc = _batch_cli(str(articles), "--out", str(out), "--replay", str(RECORDED))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "is a file, not a folder" in proc.stderr and out.read_text() == "keep me"


def test_failed_articles_calls_count_toward_max_cost(tmp_path: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    for i in range(20):
        (articles / f"b{i:02d}.txt").write_text(SEED.read_text() + f"\nNote {i}.\n")
    prices = {"priced": (1000.0, 1000.0)}  # 150 tokens a call: $0.15 a call
    with fault_server(default=("bad_schema", {})) as (url, script):
        with pytest.raises(CostLimitError):
            batch.run(
                [str(articles)],
                tmp_path / "out",
                priced(url, prices),
                max_cost=0.0001,
                concurrency=1,
            )
    failed = _index(tmp_path / "out")
    assert len(failed) == 1 and failed[0]["status"] == "failed"
    assert failed[0]["cost_usd"] == pytest.approx(0.45)  # 3 calls (2 re-asks), all billed
    assert len(script.requests) == 3  # one article, then stopped


def test_an_index_that_cannot_grow_stops_the_batch_and_is_never_torn(tmp_path: Path) -> None:
    # Issue 24, row 2: under `ulimit -f` the index got a torn last line and the run said
    # "ok 49 failed 0", exit 0. Here the file size limit falls inside the next line.
    articles, out = _copies(tmp_path, 2), tmp_path / "out"
    out.mkdir()
    earlier = json.dumps({"name": "x", "source": "x.txt", "status": "ok"}) + "\n"
    limit = 4096
    (out / "index.jsonl").write_text(earlier * ((limit - 40) // len(earlier)))
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from summarizer import config\nfrom summarizer.run import batch\n"
        "try:\n"
        f"    options = config.resolve(replay={str(RECORDED)!r})\n"
        f"    batch.run([{str(articles)!r}], Path({str(out)!r}), options)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
        "    sys.exit(3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.startswith("OutputError cannot add to") and "index.jsonl" in proc.stdout
    text = (out / "index.jsonl").read_text()
    assert text.endswith("\n") and all(json.loads(line) for line in text.splitlines())


def test_a_second_batch_never_replaces_another_articles_brief(tmp_path: Path) -> None:
    # Issue 24, row 9: `batch a/ --out d` then `batch b/ --out d`, both with x.txt.
    from summarizer.errors import OutputError

    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    a.mkdir()
    b.mkdir()
    shutil.copy(SEED, a / "x.txt")
    shutil.copy(ROOT / "fixtures" / "devset" / "nurses-strike-mediator-proposal.txt", b / "x.txt")
    batch.run([str(a)], out, replayed())
    first = (out / "x.json").read_text()
    with pytest.raises(OutputError, match=r"is the brief of .*a/x\.txt; .*b/x\.txt would replace"):
        batch.run([str(b)], out, replayed())
    assert (out / "x.json").read_text() == first
    assert [e["source"] for e in _index(out)] == [str(a / "x.txt")]
    batch.run([str(a)], out, replayed())  # the same batch again: resumed, not refused
