from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import httpx2
import pytest

from summarizer.errors import RecordingError, ReplayMissError
from summarizer.llm import recording

BODY = {
    "model": "m",
    "messages": [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "art"},
    ],
    "temperature": 0,
}
ANSWER = {"model": "m-returned", "choices": [{"message": {"content": "{}"}}]}


def _request(body: dict[str, object], host: str = "a.example", key: str = "sk-a") -> httpx2.Request:
    return httpx2.Request(
        "POST",
        f"https://{host}/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
    )


def _server(answer: dict[str, object] = ANSWER) -> httpx2.MockTransport:
    return httpx2.MockTransport(lambda request: httpx2.Response(200, json=answer))


def _record(tmp_path: Path, body: dict[str, object] = BODY) -> Path:
    transport = recording.RecordTransport(_server(), tmp_path, context={"article": "a.txt"})
    transport.handle_request(_request(body))
    (path,) = tmp_path.glob("*.json")
    return path


def _body_digest(body: Any) -> str:
    """The digest format 1 kept: the body's alone."""
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _format_2_digest(data: dict[str, Any]) -> str:
    """The digest format 2 kept: the key and the response, not the meta."""
    covered = {"key": data["key"], "response": data["response"]}
    return hashlib.sha256(json.dumps(covered, sort_keys=True).encode()).hexdigest()


def test_key_ignores_host_headers_and_pydantic_version() -> None:
    a = recording.canonical(_request(BODY))
    b = recording.canonical(_request(BODY, host="127.0.0.1:8080", key="other"))
    assert recording.key_of(a) == recording.key_of(b)
    reask = dict(
        BODY,
        messages=[
            {
                "role": "user",
                "content": "bad\n  For further information visit https://errors.pydantic.dev/2.14/v/value_error",
            }
        ],
    )
    older = dict(
        BODY,
        messages=[
            {
                "role": "user",
                "content": "bad\n  For further information visit https://errors.pydantic.dev/2.9/v/value_error",
            }
        ],
    )
    assert recording.key_of(recording.canonical(_request(reask))) == recording.key_of(
        recording.canonical(_request(older))
    )
    changed = dict(BODY, temperature=0.5)
    assert recording.key_of(recording.canonical(_request(changed))) != recording.key_of(a)


def test_record_writes_readable_file_without_secrets(tmp_path: Path) -> None:
    path = _record(tmp_path)
    data = json.loads(path.read_text())
    assert path.stem == data["key"] == recording.key_of(data["request"])
    assert data["response"]["body"] == ANSWER
    assert data["meta"]["article"] == "a.txt"
    assert data["meta"]["model_returned"] == "m-returned"
    assert "openai" in data["meta"]["versions"]
    text = path.read_text()
    assert "sk-a" not in text and "Bearer" not in text and "a.example" not in text


def test_record_refuses_the_key_but_not_news_words_like_bearer(tmp_path: Path) -> None:
    prose = "The standard-bearer of the Bearer Foundation said the api_key: field was empty."
    news = dict(BODY, messages=[{"role": "user", "content": prose}])
    transport = recording.RecordTransport(_server(), tmp_path / "ok", context={})
    assert transport.handle_request(_request(news)).status_code == 200
    assert len(list((tmp_path / "ok").glob("*.json"))) == 1
    (tmp_path / "ok" / next((tmp_path / "ok").glob("*.json")).name).unlink()
    (tmp_path / "ok").rmdir()
    planted = recording.RecordTransport(
        _server({"echo": "my-secret-value-123"}),
        tmp_path,
        context={},
        secrets=("my-secret-value-123",),
    )
    with pytest.raises(RecordingError):
        planted.handle_request(_request(BODY))
    assert list(tmp_path.iterdir()) == []


def test_replay_returns_the_recording_and_never_needs_a_network(tmp_path: Path) -> None:
    path = _record(tmp_path)
    used: set[str] = set()
    client = httpx2.Client(
        transport=recording.ReplayTransport(tmp_path, rerecord_hint="cmd", used=used)
    )
    response = client.post("http://replay.invalid/v1/chat/completions", json=BODY)
    assert response.json() == ANSWER
    assert used == {path.stem}


def test_replay_miss_names_key_path_nearest_diff_and_command(tmp_path: Path) -> None:
    _record(tmp_path)
    other = dict(
        BODY, messages=[BODY["messages"][0], {"role": "user", "content": "another article"}]
    )  # type: ignore[index]
    transport = recording.ReplayTransport(
        tmp_path, rerecord_hint="summarizer summarize a.txt --record D"
    )
    with pytest.raises(ReplayMissError) as info:
        transport.handle_request(_request(other))
    message = str(info.value)
    key = recording.key_of(recording.canonical(_request(other)))
    assert key[:12] in message and str(tmp_path / f"{key}.json") in message
    assert "body.messages[1].content" in message
    assert "summarizer summarize a.txt --record D" in info.value.hint
    assert "\n" not in message


def test_edited_recording_is_detected(tmp_path: Path) -> None:
    path = _record(tmp_path)
    data = json.loads(path.read_text())
    data["response"]["body"]["model"] = "edited"
    path.write_text(json.dumps(data))
    with pytest.raises(RecordingError, match="changed after it was recorded"):
        recording.Recording.load(path)
    data = json.loads(_record(tmp_path / "b").read_text())
    data["request"]["body"]["temperature"] = 1
    (tmp_path / "b" / f"{data['key']}.json").write_text(json.dumps(data))
    with pytest.raises(RecordingError, match="does not match its name"):
        recording.Recording.load(tmp_path / "b" / f"{data['key']}.json")


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["response"].update(status=500),  # status is covered, not only the body
        lambda d: d["response"].update(headers={"x": "1"}),
        lambda d: d["response"].pop("status"),
        lambda d: d.pop("meta"),
        lambda d: d.pop("format"),
        lambda d: d.update(key="0" * 64),
        # A digest recomputed by the rule of format 1 (the body alone) is refused too.
        lambda d: d["meta"].update(response_sha256=_body_digest(d["response"]["body"])),
    ],
)
def test_any_edit_or_missing_part_of_a_recording_is_a_recording_error(
    tmp_path: Path, edit: Any
) -> None:
    path = _record(tmp_path)
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    with pytest.raises(RecordingError, match=path.name):
        recording.Recording.load(path)
    client = httpx2.Client(transport=recording.ReplayTransport(tmp_path, rerecord_hint="cmd"))
    with pytest.raises(RecordingError):  # exit 8, never "cannot reach" (5) or a miss (4)
        client.post("http://replay.invalid/v1/chat/completions", json=BODY)


def test_a_renamed_recording_is_a_recording_error_not_a_miss(tmp_path: Path) -> None:
    path = _record(tmp_path)
    path.rename(tmp_path / ("f" * 64 + ".json"))
    client = httpx2.Client(transport=recording.ReplayTransport(tmp_path, rerecord_hint="cmd"))
    with pytest.raises(RecordingError, match="f{64}.json does not match its name"):
        client.post("http://replay.invalid/v1/chat/completions", json=BODY)


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m.update(article="other.txt"),
        lambda m: m.update(strategy="single"),
        lambda m: m.pop("versions"),
    ],
)
def test_a_recordings_meta_is_covered_by_its_digest(tmp_path: Path, edit: Any) -> None:
    path = _record(tmp_path)
    data = json.loads(path.read_text())
    assert data["format"] == recording.FORMAT == 3
    edit(data["meta"])
    path.write_text(json.dumps(data))
    with pytest.raises(RecordingError, match="changed after it was recorded"):
        recording.Recording.load(path)


@pytest.mark.parametrize(
    ("fmt", "digest"),
    [(1, lambda d: _body_digest(d["response"]["body"])), (2, _format_2_digest)],
)
def test_recordings_of_earlier_formats_are_refused_with_the_fix(
    tmp_path: Path, fmt: int, digest: Any
) -> None:
    # Their digests left the meta out: an edited article or strategy would have passed.
    path = _record(tmp_path)
    data = json.loads(path.read_text())
    data["format"] = fmt
    data["meta"]["response_sha256"] = digest(data)
    path.write_text(json.dumps(data))
    with pytest.raises(RecordingError, match=f"is of format {fmt}") as caught:
        recording.Recording.load(path)
    assert "record again" in (caught.value.hint or "")


def test_the_cache_keeps_each_server_and_key_apart(tmp_path: Path) -> None:
    answers = iter([{"from": "A"}, {"from": "B"}, {"from": "A2"}])
    inner = httpx2.MockTransport(lambda request: httpx2.Response(200, json=next(answers)))

    def ask(url: str, key: str | None) -> Any:
        scope = recording.cache_scope(url, key)
        cache = recording.CacheTransport(inner, tmp_path, scope=scope, context={})
        return cache.handle_request(_request(BODY)).json()

    assert ask("http://a/v1", "k1") == {"from": "A"}
    assert ask("http://b/v1", "k1") == {"from": "B"}  # another server: not A's answer
    assert ask("http://a/v1", "k2") == {"from": "A2"}  # another key: not k1's answer
    assert ask("http://a/v1", "k1") == {"from": "A"}  # the same: from the cache
    written = "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    assert "k1" not in written and "http://a" not in written


def test_the_cache_returns_an_answer_it_cannot_store(tmp_path: Path) -> None:
    inner = httpx2.MockTransport(lambda request: httpx2.Response(200, json={"echo": "s3cret-key"}))
    cache = recording.CacheTransport(
        inner, tmp_path, scope="x", context={}, secrets=("s3cret-key",)
    )
    assert cache.handle_request(_request(BODY)).json() == {"echo": "s3cret-key"}  # paid for
    assert list(tmp_path.rglob("*.json")) == []  # but never stored with the key in it


def test_failures_are_not_recorded(tmp_path: Path) -> None:
    inner = httpx2.MockTransport(lambda request: httpx2.Response(500, json={"error": "x"}))
    transport = recording.RecordTransport(inner, tmp_path, context={})
    assert transport.handle_request(_request(BODY)).status_code == 500
    assert list(tmp_path.glob("*.json")) == []


def test_record_never_writes_through_a_link(tmp_path: Path) -> None:
    # Issue 24, row 6: a recording replaced by a link to another file.
    path = _record(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    path.unlink()
    path.symlink_to(victim)
    transport = recording.RecordTransport(_server(), tmp_path, context={})
    with pytest.raises(RecordingError, match="is a symbolic link"):
        transport.handle_request(_request(BODY))
    assert victim.read_text() == "keep me"


def test_the_cache_is_private_and_never_follows_a_link(tmp_path: Path) -> None:
    # Issue 24, rows 6 and 19: entries hold whole articles and answers.
    cache = recording.CacheTransport(_server(), tmp_path, scope="s", context={})
    assert cache.handle_request(_request(BODY)).json() == ANSWER
    (entry,) = (tmp_path / "s").glob("*.json")
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "s").stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    entry.unlink()
    entry.symlink_to(victim)
    again = recording.CacheTransport(_server({"new": 1}), tmp_path, scope="s", context={})
    assert again.handle_request(_request(BODY)).json() == {"new": 1}  # asked, still answered
    assert victim.read_text() == "keep me"


def test_a_cache_that_cannot_be_made_still_answers(tmp_path: Path) -> None:
    # Issue 24, rows 11-12: HOME a file, so the cache folder cannot exist.
    home = tmp_path / "home"
    home.write_text("a file, not a folder")
    cache = recording.CacheTransport(_server(), home / ".cache", scope="s", context={})
    assert cache.handle_request(_request(BODY)).json() == ANSWER


def test_forget_removes_what_the_call_stored(tmp_path: Path) -> None:
    cache = recording.CacheTransport(_server(), tmp_path, scope="s", context={})
    cache.handle_request(_request(BODY))
    assert list((tmp_path / "s").glob("*.json"))
    cache.forget()
    assert list((tmp_path / "s").glob("*.json")) == []


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_replay_reads_only_plain_files(tmp_path: Path, kind: str) -> None:
    # Issue 24, row 7: a FIFO would hang the read, /dev/zero fill memory.
    key = recording.key_of(recording.canonical(_request(BODY)))
    path = tmp_path / f"{key}.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    replay = recording.ReplayTransport(tmp_path, rerecord_hint="")
    with pytest.raises(RecordingError, match="is not a plain file"):
        replay.handle_request(_request(BODY))


def test_fixtures_check_takes_only_plain_article_names(tmp_path: Path) -> None:
    # Issue 24, row 8: meta.article "../../../../etc/passwd" was followed.
    from summarizer.run import fixtures

    path = _record(tmp_path)
    data = json.loads(path.read_text())
    data["meta"]["article"] = "../../../../etc/passwd"
    path.write_text(json.dumps(data))
    # The current format digests the meta: the edit itself is refused.
    with pytest.raises(RecordingError, match="changed after it was recorded"):
        fixtures.check(tmp_path, [tmp_path])
    # A digest forged anew over the edit (it is no secret) still names only a plain file.
    data["meta"]["response_sha256"] = recording._digest(data["key"], data["response"], data["meta"])
    path.write_text(json.dumps(data))
    report = fixtures.check(tmp_path, [tmp_path])
    assert report.problems == [
        "a recording names its article '../../../../etc/passwd': not a file name"
    ]
