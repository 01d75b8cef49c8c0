"""A loopback server speaking the OpenAI Batch API's files and batches endpoints, for tests.

Hand-made, not recorded. ``POST /v1/files`` keeps an uploaded file; ``POST /v1/batches``
makes a batch of it; each ``GET /v1/batches/{id}`` moves the batch on one step
(``validating`` → ``in_progress`` → an end) and the end writes an output file and an error
file; ``GET /v1/batches`` lists them, ``POST /v1/batches/{id}/cancel`` cancels one, and
``GET /v1/files/{id}/content`` serves a file. Each request of a batch is answered by the
test's ``answer`` function (a response body, or ``None`` for an error line). ``expire``
makes the next batches expire with only their first few requests answered. A hostile
server is played with ``forged`` (rows added to the next output file), ``mangle`` (applied
to each row of it), ``output_id`` (the id the server gives an output file) and ``shown``
(fields that override what a batch looks like in flight), ``no_id`` (``"files"`` or
``"batches"``: the next such answer lacks its id) and ``failing_downloads`` (the next
downloads answer HTTP 503).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx2

from summarizer.llm.recording import Recording, canonical, key_of

Answer = Callable[[dict[str, Any]], dict[str, Any] | None]


def from_recordings(folder: Path) -> Answer:
    """Answer each request as the recordings in ``folder`` answered it live."""

    def answer(body: dict[str, Any]) -> dict[str, Any] | None:
        # The request a live call with this body would have sent, keyed as recordings are.
        sent = httpx2.Request("POST", "http://batch.invalid/v1/chat/completions", json=body)
        path = folder / f"{key_of(canonical(sent))}.json"
        return dict(Recording.load(path).response["body"]) if path.exists() else None

    return answer


@dataclass
class BatchServer:
    """What the server holds, and what the tests read back."""

    answer: Answer
    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Requests answered (a billed request) by custom_id, across batches.
    billed: list[str] = field(default_factory=list)
    # The next this many batches expire after answering ``expire_after`` requests.
    expire: int = 0
    expire_after: int = 0
    steps: int = 2  # retrievals before a batch ends
    forged: list[dict[str, Any]] = field(default_factory=list)
    mangle: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    output_id: Callable[[str], str] | None = None
    shown: dict[str, Any] = field(default_factory=dict)
    no_id: str | None = None
    failing_downloads: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _file(self, data: bytes, name: Callable[[str], str] | None = None) -> str:
        file_id = f"file-{len(self.files) + 1}"
        file_id = name(file_id) if name else file_id
        self.files[file_id] = data
        return file_id

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        batch_id = f"batch_{len(self.batches) + 1}"
        lines = self.files[body["input_file_id"]].decode().splitlines()
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": body["completion_window"],
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            "_lines": lines,
            "_steps": 0,
            "_expires": self.expire > 0,
        }
        self.expire = max(0, self.expire - 1)
        self.batches[batch_id] = batch
        return batch

    def step(self, batch: dict[str, Any]) -> None:
        if batch["status"] in ("completed", "expired", "cancelled", "failed"):
            return
        batch["_steps"] += 1
        if batch["_steps"] < self.steps:
            batch["status"] = "in_progress"
            batch.update(self.shown)
            return
        lines = batch["_lines"]
        todo = lines[: self.expire_after] if batch["_expires"] else lines
        out, errors = [], []
        for raw in todo:
            row = json.loads(raw)
            body = self.answer(row["body"])
            self.billed.append(row["custom_id"])
            if body is None:
                error = {"code": "server_error", "message": "the model failed on this request"}
                errors.append({"custom_id": row["custom_id"], "response": None, "error": error})
            else:
                response = {"status_code": 200, "body": body}
                out.append({"custom_id": row["custom_id"], "response": response, "error": None})
        if self.mangle is not None:
            out, self.mangle = [self.mangle(r) for r in out], None
        out, self.forged = out + self.forged, []
        batch["status"] = "expired" if batch["_expires"] else "completed"
        batch["request_counts"] = {
            "total": len(lines),
            "completed": len(out),
            "failed": len(errors),
        }
        if out:
            batch["output_file_id"] = self._file(
                "".join(json.dumps(r) + "\n" for r in out).encode(), self.output_id
            )
        if errors:
            batch["error_file_id"] = self._file(
                "".join(json.dumps(r) + "\n" for r in errors).encode()
            )

    def without_id(self, made: dict[str, Any], endpoint: str) -> dict[str, Any]:
        if self.no_id != endpoint:
            return made
        self.no_id = None
        return {k: v for k, v in made.items() if k != "id"}

    @staticmethod
    def public(batch: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in batch.items() if not k.startswith("_")}


def _multipart(content_type: str, data: bytes) -> bytes:
    """The ``file`` part of a multipart/form-data body."""
    boundary = re.search(r'boundary="?([^";]+)', content_type)
    assert boundary, content_type
    for part in data.split(b"--" + boundary.group(1).encode()):
        head, _, body = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return body.rsplit(b"\r\n", 1)[0]
    raise AssertionError("no file part")


def _handler(server: BatchServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _json(self, code: int, value: Any) -> None:
            body = json.dumps(value).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with server.lock:
                if m := re.fullmatch(r"/v1/files/(.+)/content", path):
                    if server.failing_downloads > 0:
                        server.failing_downloads -= 1
                        return self._json(503, {"error": {"message": "try again"}})
                    data = server.files.get(unquote(m.group(1)))
                    if data is None:
                        return self._json(404, {"error": {"message": "no such file"}})
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return None
                if m := re.fullmatch(r"/v1/batches/([\w-]+)", path):
                    batch = server.batches.get(m.group(1))
                    if batch is None:
                        return self._json(404, {"error": {"message": "no such batch"}})
                    server.step(batch)
                    return self._json(200, server.public(batch))
                if path == "/v1/batches":  # newest first, a page at a time, as OpenAI lists
                    query = parse_qs(self.path.partition("?")[2])
                    listed = [server.public(b) for b in reversed(server.batches.values())]
                    if after := query.get("after", [None])[0]:
                        ids = [b["id"] for b in listed]
                        listed = listed[ids.index(after) + 1 :] if after in ids else []
                    limit = int(query.get("limit", ["20"])[0])
                    page = {"object": "list", "data": listed[:limit]}
                    return self._json(200, {**page, "has_more": len(listed) > limit})
            return self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            path = self.path.split("?")[0]
            with server.lock:
                if path == "/v1/files":
                    file_id = server._file(_multipart(self.headers["Content-Type"], data))
                    made = {"id": file_id, "object": "file", "purpose": "batch"}
                    return self._json(200, server.without_id(made, "files"))
                if path == "/v1/batches":
                    made = server.public(server.create(json.loads(data)))
                    return self._json(200, server.without_id(made, "batches"))
                if m := re.fullmatch(r"/v1/batches/([\w-]+)/cancel", path):
                    batch = server.batches[m.group(1)]
                    batch["status"] = "cancelled"
                    return self._json(200, server.public(batch))
            return self._json(404, {"error": {"message": "not found"}})

    return Handler


@contextmanager
def batch_server(answer: Answer) -> Iterator[BatchServer]:
    """A :class:`BatchServer` on 127.0.0.1 for the duration of the block."""
    state = BatchServer(answer)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
