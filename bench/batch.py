"""Batch and start-up figures.

    python bench/batch.py

(a) batch efficiency: N articles against a local OpenAI-compatible server that answers after
a fixed delay, at concurrency 16, as ideal time / measured time (ideal = N x delay /
concurrency), with the batch process's peak memory, for N = 200 and N = 1000; warm (after
one article in the same process) and cold (the first call's lazy imports inside the clock);
(b) `summarizer --help` wall time next to `python -c pass`;
(c) the seed's recorded brief replayed end to end through the CLI.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "us-hamas-direct-talks.txt"
DELAY, CONCURRENCY = 0.5, 16

# The clock starts after the imports and, for the warm figure, after one article summarised
# in the same process (the first call's lazy imports and set-up, reported apart as
# "warmup_s"): the figure is the batch's steady throughput, not the interpreter's start-up.
# The cold figure runs the same batch in a fresh process with only the imports done.
CHILD = """
import resource, sys, time
from pathlib import Path
t0 = time.monotonic()
from summarizer import config
from summarizer.run import batch
from summarizer.run import pipeline
import instructor, openai
imported = time.monotonic() - t0
t0 = time.monotonic()
if sys.argv[5] == "warm":
    pipeline.summarize(Path(sys.argv[1]).parent / "warmup.txt",
                       config.resolve(base_url=sys.argv[4], model="bench"))
warmup = time.monotonic() - t0
started = time.monotonic()
out = batch.run([sys.argv[1]], Path(sys.argv[2]),
                config.resolve(base_url=sys.argv[4], model="bench"), concurrency=int(sys.argv[3]))
elapsed = time.monotonic() - started
assert all(o.status == "ok" for o in out), [o.error for o in out if o.status != "ok"][:3]
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, imported, warmup)
"""


def batch_efficiency(url: str, n: int) -> dict[str, float]:
    figures: dict[str, float] = {"articles": n, "ideal_s": round(n * DELAY / CONCURRENCY, 2)}
    for start in ("warm", "cold"):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            text = SEED.read_text(encoding="utf-8")
            (Path(tmp) / "warmup.txt").write_text(text, encoding="utf-8")
            for i in range(n):
                (folder / f"a{i:04d}.txt").write_text(
                    f"{text}\nBench note {i}.\n", encoding="utf-8"
                )
            proc = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    CHILD,
                    str(folder),
                    str(Path(tmp) / "out"),
                    str(CONCURRENCY),
                    url,
                    start,
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
        elapsed, peak, imported, warmup = map(float, proc.stdout.split())
        if start == "warm":
            figures.update(
                measured_s=round(elapsed, 2),
                efficiency=round(figures["ideal_s"] / elapsed, 3),
                peak_rss_mb=round(peak, 1),
                import_s=round(imported, 2),
                warmup_s=round(warmup, 2),
            )
        else:
            figures.update(
                cold_measured_s=round(elapsed, 2),
                cold_efficiency=round(figures["ideal_s"] / elapsed, 3),
            )
    return figures


def wall(command: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def main() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.server", "--delay", str(DELAY)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        for n in (200, 1000):
            print(json.dumps({"bench": "batch", **batch_efficiency(url, n)}))
    finally:
        server.terminate()
        server.wait()
    exe = str(Path(sys.executable).with_name("summarizer"))
    print(
        json.dumps(
            {
                "bench": "startup",
                "python_c_pass_s": wall([sys.executable, "-c", "pass"]),
                "summarizer_help_s": wall([exe, "--help"]),
            }
        )
    )
    replay = [
        exe,
        "summarize",
        str(SEED),
        "--replay",
        str(ROOT / "fixtures" / "recorded"),
        "-f",
        "json",
        "-q",
    ]
    print(json.dumps({"bench": "replay_seed", "wall_s": wall(replay, runs=5)}))


if __name__ == "__main__":
    main()
