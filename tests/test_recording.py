from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

from summarizer import recording
from summarizer.errors import RecordingError, ReplayMissError

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


def test_record_refuses_anything_that_looks_like_a_key(tmp_path: Path) -> None:
    leaky = dict(BODY, messages=[{"role": "user", "content": "key sk-abcdefghijklmnopqrstuvwx"}])
    transport = recording.RecordTransport(_server(), tmp_path, context={})
    with pytest.raises(RecordingError, match="looks like an API key|like an API key"):
        transport.handle_request(_request(leaky))
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
    with pytest.raises(RecordingError, match="does not match its key"):
        recording.Recording.load(tmp_path / "b" / f"{data['key']}.json")


def test_failures_are_not_recorded(tmp_path: Path) -> None:
    inner = httpx2.MockTransport(lambda request: httpx2.Response(500, json={"error": "x"}))
    transport = recording.RecordTransport(inner, tmp_path, context={})
    assert transport.handle_request(_request(BODY)).status_code == 500
    assert list(tmp_path.glob("*.json")) == []
