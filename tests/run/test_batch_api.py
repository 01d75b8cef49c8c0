"""A corpus through the Batch API path, against a loopback Batch API answering from the
project's recordings: the same briefs as the live path, in rounds, resumable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from summarizer.config import Options, resolve
from summarizer.llm import batches
from summarizer.llm.embedded import DEFAULT_MODEL
from summarizer.run import batch_api
from summarizer.run.pipeline import summarize
from tests.conftest import RECORDED, ROOT, replayed
from tests.run.batch_api_server import BatchServer, batch_server, from_recordings

DEVSET = ROOT / "fixtures" / "devset"
# Three articles of the development set: a synthetic, a real one, the seed.
CORPUS = (
    "stingrays-toure-holdout.txt",
    "wn-korea-us-beef-protests.txt",
    "us-hamas-direct-talks.txt",
)
ITEMS = ("summary", "parties", "positions", "demands", "deal_terms")


@pytest.fixture(autouse=True)
def _quick_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The loopback server moves a batch on at each look: no need to wait a second between.
    monkeypatch.setattr(batch_api, "MIN_POLL", 0.0)


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in CORPUS:
        shutil.copy(DEVSET / name, folder / name)
    return folder


def _options(server: BatchServer) -> Options:
    # The recordings' model and strategy: the requests are the embedded path's, byte for byte.
    return resolve(base_url=server.url, api_key="sk-test", model=DEFAULT_MODEL, strategy="scored")


def _index(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]


def _items(path: Path) -> dict[str, Any]:
    brief = json.loads(path.read_text())
    return {k: brief[k] for k in ITEMS}


def test_a_corpus_gives_the_live_paths_briefs_in_two_rounds(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        outcomes = batch_api.run([str(folder)], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert {e["status"] for e in _index(out)} == {"ok"}
    # scored: the parties calls in one batch, every sentence's question in the next.
    assert len(server.batches) == 2
    assert len(server.billed) == len(set(server.billed))  # nothing asked twice
    for name in CORPUS:
        live = summarize(DEVSET / name, replayed())
        assert _items(out / f"{Path(name).stem}.json") == live.model_dump(
            mode="json", include=set(ITEMS)
        )


def test_a_batch_that_expires_part_done_is_asked_again_once_and_nothing_paid_twice(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        server.expire, server.expire_after = 1, 2  # the first batch answers 2 of its 3
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    first, again, *_ = server.batches.values()
    assert first["status"] == "expired" and first["request_counts"]["completed"] == 2
    # The one it had not answered went again in the next batch, with the next round's.
    (missed,) = [json.loads(x)["custom_id"] for x in first["_lines"]][2:]
    assert missed in [json.loads(x)["custom_id"] for x in again["_lines"]]
    assert len(server.billed) == len(set(server.billed))


def test_a_request_failed_twice_fails_its_article_with_the_reason_and_the_rest_go_on(
    tmp_path: Path,
) -> None:
    recorded = from_recordings(RECORDED)

    def answer(body: dict[str, Any]) -> dict[str, Any] | None:
        return None if "Stingrays" in json.dumps(body) else recorded(body)

    out = tmp_path / "out"
    with batch_server(answer) as server:
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    status = {o.name: o.status for o in outcomes}
    assert status == {
        "stingrays-toure-holdout": "failed",
        "wn-korea-us-beef-protests": "ok",
        "us-hamas-direct-talks": "ok",
    }
    (line,) = [e for e in _index(out) if e["status"] == "failed"]
    assert "the model failed on this request" in line["error"] and "asked 2 times" in line["error"]
    assert not (out / "stingrays-toure-holdout.json").exists()
    # Its parties call was sent twice (once, and once again), never a third time.
    stingrays = [c for c in server.billed if c.startswith(_sha("stingrays-toure-holdout.txt"))]
    assert len(stingrays) == 2


def _sha(name: str) -> str:
    from summarizer.article.source import load

    return load(DEVSET / name).sha256[:16]


def test_a_run_stopped_while_polling_polls_again_instead_of_resubmitting(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = _corpus(tmp_path)

    def stop(line: str) -> None:
        raise KeyboardInterrupt

    with batch_server(from_recordings(RECORDED)) as server:
        with pytest.raises(KeyboardInterrupt):
            batch_api.run([str(folder)], out, _options(server), poll_seconds=0, on_wait=stop)
        assert len(server.batches) == 1 and not (out / "index.jsonl").exists()
        outcomes = batch_api.run([str(folder)], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert len(server.batches) == 2  # the first one polled to its end, not made again
    assert len(server.billed) == len(set(server.billed))
    again = batch_api.run([str(folder)], out, _options(server), poll_seconds=0)
    assert [o.status for o in again] == ["skipped"] * len(CORPUS)


def test_a_run_killed_between_making_a_batch_and_noting_it_finds_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    folder = _corpus(tmp_path)
    create = batches.BatchAPI.create

    def create_then_die(self: batches.BatchAPI, file_id: str) -> dict[str, Any]:
        create(self, file_id)
        raise KeyboardInterrupt

    with batch_server(from_recordings(RECORDED)) as server:
        monkeypatch.setattr(batches.BatchAPI, "create", create_then_die)
        with pytest.raises(KeyboardInterrupt):
            batch_api.run([str(folder)], out, _options(server), poll_seconds=0)
        monkeypatch.setattr(batches.BatchAPI, "create", create)
        outcomes = batch_api.run([str(folder)], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert len(server.batches) == 2
    assert len(server.billed) == len(set(server.billed))


def test_requests_are_split_into_files_within_the_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "MAX_REQUESTS", 10)
    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    sizes = [b["request_counts"]["total"] for b in server.batches.values()]
    assert len(sizes) > 2 and max(sizes) <= 10
    lines = [len(batches.Queued("k" * 64, "c", {"x": "y" * 100}).line())] * 3
    monkeypatch.setattr(batches, "MAX_FILE_BYTES", lines[0] * 2)
    parts = batches.split([batches.Queued(f"{i}" * 64, "c", {"x": "y" * 100}) for i in range(3)])
    assert [len(p) for p in parts] == [2, 1]


def test_the_cost_is_the_batch_apis_half_price(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        options = _options(server)
        priced = Options(**{**vars(options), "prices": {DEFAULT_MODEL: (1.0, 2.0)}})
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, priced, poll_seconds=0)
    for o in outcomes:
        full = (o.prompt_tokens * 1.0 + o.completion_tokens * 2.0) / 1_000_000
        assert o.cost_usd == pytest.approx(full / 2, abs=1e-6) and o.prompt_tokens > 0


def test_max_cost_stops_before_a_batch_would_pass_it(tmp_path: Path) -> None:
    from summarizer.errors import CostLimitError

    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        priced = Options(**{**vars(_options(server)), "prices": {DEFAULT_MODEL: (1.0, 2.0)}})
        with pytest.raises(CostLimitError, match="Batch API's price"):
            batch_api.run([str(_corpus(tmp_path))], out, priced, poll_seconds=0, max_cost=1e-6)
        assert server.batches == {}


def test_the_embedded_model_has_no_batch_api() -> None:
    from summarizer.errors import ConfigError

    with pytest.raises(ConfigError, match="needs a server that offers the Batch API"):
        batch_api.run([str(DEVSET / CORPUS[0])], Path("unused"), resolve())


def test_the_cli_runs_a_corpus_through_the_batch_api_and_tells_what_the_batches_do(
    tmp_path: Path,
) -> None:
    from tests.conftest import cli

    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        args = ("--base-url", server.url, "--model", DEFAULT_MODEL, "--strategy", "scored")
        ran = cli(
            "batch",
            str(_corpus(tmp_path)),
            "--out",
            str(out),
            "--via",
            "batch-api",
            "--poll",
            "0",
            *args,
            env={"OPENAI_API_KEY": "sk-test"},
        )
    assert ran.returncode == 0, ran.stderr
    assert "submitted batch batch_1" in ran.stderr and "sk-test" not in ran.stderr
    assert {e["status"] for e in _index(out)} == {"ok"} and len(_index(out)) == len(CORPUS)
    bad = cli("batch", str(DEVSET / CORPUS[0]), "--out", str(out), "--via", "carrier-pigeon")
    assert bad.returncode == 3 and "unknown --via" in bad.stderr


def test_the_single_strategy_takes_one_round_per_answer_and_gives_the_live_briefs(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    folder = _corpus(tmp_path)
    with batch_server(from_recordings(RECORDED)) as server:
        options = resolve(
            base_url=server.url, api_key="sk-test", model=DEFAULT_MODEL, strategy="single"
        )
        outcomes = batch_api.run([str(folder)], out, options, poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    # One round, and one more for each re-ask an article needed (each call is a round).
    calls = [
        json.loads((out / f"{o.name}.json").read_text())["metadata"]["usage"]["calls"]
        for o in outcomes
    ]
    assert len(server.batches) == max(calls) == 3
    for name in CORPUS:
        live = summarize(DEVSET / name, replayed(strategy="single"))
        got = _items(out / f"{Path(name).stem}.json")
        assert got == live.model_dump(mode="json", include=set(ITEMS))


def test_an_unreadable_record_of_the_batches_is_a_one_line_error(tmp_path: Path) -> None:
    from summarizer.errors import RecordingError

    out = tmp_path / "out"
    (out / ".batch-api").mkdir(parents=True)
    (out / ".batch-api" / "batches.json").write_text("{not json")
    with batch_server(from_recordings(RECORDED)) as server:
        with pytest.raises(RecordingError, match="names the batches in flight"):
            batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)


def test_a_batch_cancelled_in_flight_is_asked_again_in_a_new_one(tmp_path: Path) -> None:
    import httpx2

    out = tmp_path / "out"
    cancelled: list[str] = []
    with batch_server(from_recordings(RECORDED)) as server:

        def cancel_the_first(line: str) -> None:
            if not cancelled:
                cancelled.append(httpx2.post(f"{server.url}/batches/batch_1/cancel").json()["id"])

        outcomes = batch_api.run(
            [str(_corpus(tmp_path))],
            out,
            _options(server),
            poll_seconds=0,
            on_wait=cancel_the_first,
        )
    assert cancelled == ["batch_1"] and server.batches["batch_1"]["status"] == "cancelled"
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert len(server.billed) == len(set(server.billed))  # the cancelled one billed nothing


# A hostile or broken Batch API server (issue 34): what it sends is data, never a path, and
# only what the tool asked for is taken as an answer.


def _told(server: BatchServer, out: Path, folder: Path, **kwargs: Any) -> list[str]:
    lines: list[str] = []
    batch_api.run(
        [str(folder)], out, _options(server), poll_seconds=0, on_wait=lines.append, **kwargs
    )
    return lines


def test_a_row_for_a_request_never_sent_is_ignored_and_touches_no_file(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim"
    out.mkdir()
    (out / "keep.json").write_text("a finished brief")
    victim.with_suffix(".json").write_text("the user's file")
    answer = {"status_code": 200, "body": {"choices": []}}
    with batch_server(from_recordings(RECORDED)) as server:
        server.forged = [
            {"custom_id": custom_id, "response": answer, "error": None}
            for custom_id in ("x-../../keep", f"x-{victim}", "0123456789abcdef-../../keep")
        ]
        told = _told(server, out, _corpus(tmp_path))
    assert (out / "keep.json").read_text() == "a finished brief"
    assert victim.with_suffix(".json").read_text() == "the user's file"
    assert {e["status"] for e in _index(out)} == {"ok"}
    assert any("ignored 3 rows for requests it was not sent" in line for line in told)


def test_a_request_answered_twice_takes_neither_answer_and_is_asked_again(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:

        def doubled(row: dict[str, Any]) -> dict[str, Any]:
            # A forged second answer to the first request of the first batch.
            if not server.forged:
                body = {"choices": [{"message": {"role": "assistant", "content": "FORGED"}}]}
                response = {"status_code": 200, "body": body}
                server.forged = [{"custom_id": row["custom_id"], "response": response}]
            return row

        server.mangle = doubled
        told = _told(server, out, _corpus(tmp_path))
    assert {e["status"] for e in _index(out)} == {"ok"}
    assert not any("FORGED" in p.read_text() for p in out.glob("*.json"))
    assert any("1 requests answered more than once" in line for line in told)
    for name in CORPUS:  # the briefs are the live path's: the doubled request was asked again
        live = summarize(DEVSET / name, replayed())
        assert _items(out / f"{Path(name).stem}.json") == live.model_dump(
            mode="json", include=set(ITEMS)
        )


@pytest.mark.parametrize("file_id", ["../index", "ABSOLUTE"])
def test_a_servers_file_id_is_never_a_path(file_id: str, tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim"
    victim.with_suffix(".jsonl").write_text("the user's file\n")
    chosen = str(victim) if file_id == "ABSOLUTE" else file_id
    with batch_server(from_recordings(RECORDED)) as server:
        server.output_id = lambda default: chosen
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert victim.with_suffix(".jsonl").read_text() == "the user's file\n"
    assert len(_index(out)) == len(CORPUS)  # index.jsonl neither truncated nor removed
    assert not list((out / ".batch-api").glob(".download-*"))  # nothing left behind


def test_max_cost_counts_the_batches_already_sent(tmp_path: Path) -> None:
    from summarizer.errors import CostLimitError

    estimates: list[float] = []
    real_estimate = batch_api._Rounds._estimate

    def noted(self: batch_api._Rounds, queued: list[batches.Queued]) -> float | None:
        found = real_estimate(self, queued)
        estimates.append(found or 0.0)
        return found

    prices, folder = {DEFAULT_MODEL: (1.0, 2.0)}, _corpus(tmp_path)
    with batch_server(from_recordings(RECORDED)) as server:
        options = Options(**{**vars(_options(server)), "prices": prices})
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(batch_api._Rounds, "_estimate", noted)
            batch_api.run([str(folder)], tmp_path / "all", options, poll_seconds=0)
    first, second = estimates[:2]
    # Room for the first batch, not for both: nothing is finished (billed) when the second
    # is about to go, but the first was sent.
    cap = first + second / 2
    with batch_server(from_recordings(RECORDED)) as server:
        options = Options(**{**vars(_options(server)), "prices": prices})
        with pytest.raises(CostLimitError, match=r"sent or spent"):
            batch_api.run([str(folder)], tmp_path / "out", options, poll_seconds=0, max_cost=cap)
        assert len(server.batches) == 1


def test_malformed_result_rows_and_counts_are_asked_again_not_a_crash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rows = iter(range(1000))

    def break_some(row: dict[str, Any]) -> dict[str, Any]:
        n = next(rows)
        if n == 0:
            return {**row, "response": "not an object"}
        if n == 1:
            return {**row, "response": {"status_code": 500, "body": {"error": ["a", "list"]}}}
        return row

    with batch_server(from_recordings(RECORDED)) as server:
        server.mangle = break_some
        server.shown = {"request_counts": [1]}
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert len(server.billed) == len(set(server.billed)) + 2  # the two broken rows, again


@pytest.mark.parametrize(("endpoint", "what"), [("files", "the upload"), ("batches", "creating")])
def test_an_upload_or_batch_without_an_id_is_the_servers_fault(
    endpoint: str, what: str, tmp_path: Path
) -> None:
    from summarizer.errors import ModelUnavailableError

    with batch_server(from_recordings(RECORDED)) as server:
        server.no_id = endpoint
        with pytest.raises(ModelUnavailableError, match=f"answered {what}.* without an id"):
            batch_api.run([str(_corpus(tmp_path))], tmp_path / "out", _options(server),
                          poll_seconds=0)  # fmt: skip


def test_a_download_answered_503_is_tried_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        server.failing_downloads = 1
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert server.failing_downloads == 0


def test_an_answer_over_the_cap_is_not_kept_and_is_asked_again(tmp_path: Path) -> None:
    from summarizer.llm.transport import MAX_RESPONSE_BYTES

    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        done = False

        def swollen(row: dict[str, Any]) -> dict[str, Any]:
            nonlocal done
            if done:
                return row
            done = True
            body = {**row["response"]["body"], "padding": "x" * (MAX_RESPONSE_BYTES + 1)}
            return {**row, "response": {"status_code": 200, "body": body}}

        server.mangle = swollen
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    kept = list((out / ".batch-api" / "answers").glob("*.json"))
    assert kept and max(p.stat().st_size for p in kept) < MAX_RESPONSE_BYTES


def test_the_default_model_is_priced_for_max_cost(tmp_path: Path) -> None:
    from summarizer.errors import CostLimitError

    with batch_server(from_recordings(RECORDED)) as server:
        options = resolve(base_url=server.url, api_key="sk-test", strategy="scored")
        assert options.model is None  # the server's default model, gpt-4o-mini
        with pytest.raises(CostLimitError, match=r"could cost \$\d"):
            batch_api.run([str(_corpus(tmp_path))], tmp_path / "out", options,
                          poll_seconds=0, max_cost=1e-9)  # fmt: skip


@pytest.mark.parametrize(
    ("folder", "entry"),
    [
        ("answers", {"key": "x"}),  # no body
        ("failed", {"key": "x"}),  # no reason
        ("queue", {"body": {}}),  # no key
    ],
)
def test_a_tampered_answer_book_entry_is_named_and_stops_the_run(
    folder: str, entry: dict[str, Any], tmp_path: Path
) -> None:
    from summarizer.errors import RecordingError

    out, articles = tmp_path / "out", _corpus(tmp_path)
    with batch_server(from_recordings(RECORDED)) as server:
        batch_api.run([str(articles)], out, _options(server), poll_seconds=0)
    book = out / ".batch-api"
    # Run the articles again from the book alone: their briefs and index are gone.
    for brief in out.glob("*.json"):
        brief.unlink()
    (out / "index.jsonl").unlink()
    victim = sorted((book / "answers").glob("*.json"))[0]
    if folder == "answers":
        victim.write_text(json.dumps(entry))
    else:
        (book / folder / victim.name).write_text(json.dumps(entry))
        if folder == "failed":
            victim.unlink()
    with batch_server(from_recordings(RECORDED)) as server:
        with pytest.raises(RecordingError, match=rf"{folder}/{victim.name} is not an entry"):
            batch_api.run([str(articles)], out, _options(server), poll_seconds=0)


def test_a_batch_that_never_ends_is_waited_on_no_longer_than_max_wait(tmp_path: Path) -> None:
    from summarizer.errors import ModelUnavailableError

    out, folder = tmp_path / "out", _corpus(tmp_path)
    with batch_server(from_recordings(RECORDED)) as server:
        server.steps = 10**9  # in progress for ever
        with pytest.raises(ModelUnavailableError, match="still in_progress at the end of"):
            batch_api.run([str(folder)], out, _options(server), poll_seconds=0.05, max_wait=0.5)
        looks = len(server.batches)
        server.steps = 2  # it ends; the same call waits on and sends nothing again
        outcomes = batch_api.run([str(folder)], out, _options(server), poll_seconds=0)
    assert looks == 1 and sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert len(server.billed) == len(set(server.billed))


@pytest.mark.parametrize(("poll", "wait"), [(0.5, 60.0), (30.0, 0.0), (30.0, float("nan"))])
def test_a_poll_under_a_second_or_no_max_wait_is_refused(
    poll: float, wait: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.errors import ConfigError

    monkeypatch.setattr(batch_api, "MIN_POLL", 1.0)  # as shipped, not as the fixture sets it
    with batch_server(from_recordings(RECORDED)) as server:
        with pytest.raises(ConfigError, match="--poll must be|--max-wait must be"):
            batch_api.run([], Path("unused"), _options(server), poll_seconds=poll, max_wait=wait)
        assert server.batches == {}


def test_a_batch_made_before_a_crash_is_found_past_the_first_page(tmp_path: Path) -> None:
    with batch_server(from_recordings(RECORDED)) as server:
        api = batches.BatchAPI(server.url, "sk-test", timeout=10, attempts=2)
        try:
            file_id = api.upload("in.jsonl", b"")
            made = api.create(file_id)
            for i in range(150):  # 150 newer batches, of other files
                server.batches[f"batch_other{i}"] = {**made, "id": f"batch_other{i}",
                                                     "input_file_id": f"file-other{i}"}  # fmt: skip
            found = api.find(file_id)
            assert found is not None and found["id"] == made["id"]
            assert api.find("file-never-uploaded") is None
        finally:
            api.close()


def test_a_queue_left_by_another_run_is_not_sent(tmp_path: Path) -> None:
    out = tmp_path / "out"
    book = batches.Book(out / ".batch-api").make()
    stranger = "f" * 64
    book.enqueue("0" * 64, {"model": DEFAULT_MODEL, "messages": []}, stranger)
    with batch_server(from_recordings(RECORDED)) as server:
        outcomes = batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert sorted(o.status for o in outcomes) == ["ok"] * len(CORPUS)
    assert not any(c.startswith(stranger[:16]) for c in server.billed)
    assert (out / ".batch-api" / "queue" / f"{'0' * 64}.json").exists()  # kept, not sent


def test_a_result_line_longer_than_any_answer_is_passed_over_unheld() -> None:
    import io

    lines = io.BytesIO(b'{"a": 1}\n' + b"x" * 100 + b'\n{"b": 2}\n')
    assert list(batch_api._bounded_lines(lines, 20)) == [b'{"a": 1}\n', b"", b'{"b": 2}\n']


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_record_of_the_batches_that_is_no_plain_file_is_refused_unread(
    kind: str, tmp_path: Path
) -> None:
    import os

    from summarizer.errors import RecordingError

    state = tmp_path / "out" / ".batch-api" / "batches.json"
    state.parent.mkdir(parents=True)
    if kind == "device":
        state.symlink_to("/dev/zero")  # read whole, it never ends
    else:
        os.mkfifo(state)  # read, it waits for a writer for ever
    with batch_server(from_recordings(RECORDED)) as server:
        with pytest.raises(RecordingError, match="names the batches in flight"):
            batch_api.run([str(_corpus(tmp_path))], tmp_path / "out", _options(server),
                          poll_seconds=0)  # fmt: skip


def test_a_download_cut_short_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.errors import ModelUnavailableError

    monkeypatch.setattr(batches, "MAX_OUTPUT_BYTES", 100)  # every output file is larger
    out = tmp_path / "out"
    with batch_server(from_recordings(RECORDED)) as server:
        with pytest.raises(ModelUnavailableError, match="larger than 100 bytes"):
            batch_api.run([str(_corpus(tmp_path))], out, _options(server), poll_seconds=0)
    assert not list((out / ".batch-api").glob("*.jsonl"))  # nothing half-downloaded kept
