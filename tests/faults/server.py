"""A scriptable OpenAI-compatible fault server on 127.0.0.1, for tests only.

Hand-made, not recorded: each request to ``/v1/chat/completions`` takes the next action from
the script. Actions: ``good`` (a valid brief for the seed article, hand-written), ``status``
(any HTTP status, optional Retry-After), ``hang`` (sleep past the client's timeout), ``drop``
(close the connection without answering), ``truncate`` (promise more bytes than are sent),
``length`` (finish_reason "length"), ``refusal``, ``bad_schema``, ``bad_evidence``,
``bad_quote`` (a quote that is not in the article),
``answer`` (any brief the test passes), ``raw`` (HTTP 200 with any JSON body the test
passes, a completion or not), ``usage`` (a good brief with the token usage the
test passes), ``trickle`` (a good brief, one byte at a time), ``huge`` (a body of the size
the test passes), and ``logprobs`` (a one-token answer whose top
log-probabilities the test passes, for closed questions).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A valid extraction of seeds/us-hamas-direct-talks.txt, written by hand for the fault tests.
GOOD_BRIEF: dict[str, Any] = {
    "summary": "The US held direct talks with Hamas over hostages despite Israeli objections.",
    "parties": [
        {"id": "us", "name": "United States", "kind": "state", "speakers": ["Adam Boehler"]},
        {"id": "israel", "name": "Israel", "kind": "state", "speakers": ["Ron Dermer"]},
        {"id": "hamas", "name": "Hamas", "kind": "armed_group"},
    ],
    "positions": [
        {
            "holder": "israel",
            "topic": "direct US-Hamas talks",
            "stance": "opposes them",
            "quote": "Israeli officials strongly advised against it",
            "evidence": [3],
        }
    ],
    "demands": [
        {
            "by": "us",
            "of": "hamas",
            "what": "release the remaining hostages",
            "threat": "This is your last warning!",
            "evidence": [18, 19],
        }
    ],
    "deal_terms": [
        {
            "term": "long-term ceasefire",
            "proposed_by": None,
            "status": "proposed",
            "evidence": [9],
        }
    ],
}


def completion(content: str | None, finish: str = "stop", refusal: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": 0,
        "model": "fault-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }
    return json.dumps(body).encode()


@dataclass
class Script:
    actions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    default: tuple[str, dict[str, Any]] = ("status", {"code": 500})
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0  # the most requests the server held at once
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
        return None

    def do_GET(self) -> None:
        self._send(200, json.dumps({"data": [{"id": "fault-model"}]}).encode())

    def do_POST(self) -> None:
        script = self.server.script
        with script.lock:
            script.in_flight += 1
            script.peak_in_flight = max(script.peak_in_flight, script.in_flight)
        self._counted = True
        try:
            self._answer(script)
        finally:
            self._release()

    def _release(self) -> None:
        # A request stops counting as in flight before its last bytes go out: once the
        # client has them it may send its next request, which must not meet this one.
        if getattr(self, "_counted", False):
            self._counted = False
            with self.server.script.lock:
                self.server.script.in_flight -= 1

    def _answer(self, script: Script) -> None:
        length = int(self.headers.get("content-length", 0))
        script.requests.append(json.loads(self.rfile.read(length) or b"{}"))
        script.headers.append({k.lower(): v for k, v in self.headers.items()})
        action, args = script.actions.pop(0) if script.actions else script.default
        if action == "good":
            time.sleep(args.get("delay", 0))
            self._send(200, completion(json.dumps(GOOD_BRIEF)))
        elif action == "answer":
            self._send(200, completion(json.dumps(args["brief"])))
        elif action == "raw":
            self._send(200, json.dumps(args["body"]).encode())
        elif action == "trickle":
            body = completion(json.dumps(GOOD_BRIEF))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._release()
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(args.get("every", 0.2))
            except OSError:  # the client gave up, as it should
                return
        elif action == "huge":
            pad = "x" * args["bytes"]
            self._send(200, completion(json.dumps({**GOOD_BRIEF, "summary": pad})))
        elif action == "usage":
            body = json.loads(completion(json.dumps(GOOD_BRIEF)))
            body["usage"] = args["usage"]
            self._send(200, json.dumps(body).encode())
        elif action == "logprobs":
            body = json.loads(completion("B"))
            top = [{"token": t, "logprob": lp, "bytes": None} for t, lp in args["top"]]
            first = {"token": "B", "logprob": -0.1, "bytes": None, "top_logprobs": top}
            body["choices"][0]["logprobs"] = {"content": [first]}
            self._send(200, json.dumps(body).encode())
        elif action == "status":
            extra = {"Retry-After": str(args["retry_after"])} if "retry_after" in args else {}
            self._send(args["code"], b'{"error": {"message": "scripted"}}', extra)
        elif action == "hang":
            time.sleep(args.get("seconds", 3))
            self._send(200, completion(json.dumps(GOOD_BRIEF)))
        elif action == "drop":
            self.close_connection = True
            self.connection.close()
        elif action == "truncate":
            body = completion(json.dumps(GOOD_BRIEF))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif action == "length":
            self._send(200, completion(json.dumps(GOOD_BRIEF)[:200], finish="length"))
        elif action == "refusal":
            self._send(200, completion(None, refusal="I can't help with that."))
        elif action == "bad_schema":
            self._send(200, completion(json.dumps({"summary": 5, "parties": "none"})))
        elif action == "bad_quote":
            bad = json.loads(json.dumps(GOOD_BRIEF))
            bad["positions"][0]["quote"] = "Israel welcomed the direct talks"
            self._send(200, completion(json.dumps(bad)))
        elif action == "bad_evidence":
            bad = json.loads(json.dumps(GOOD_BRIEF))
            bad["positions"][0]["evidence"] = [99]
            self._send(200, completion(json.dumps(bad)))
        else:  # pragma: no cover - a typo in a test
            raise ValueError(action)

    def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self._release()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    script: Script

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a hang, a timeout): expected, and its traceback would land
        # in whatever stderr a later in-process test captures.
        return None


@contextmanager
def fault_server(
    *actions: str | tuple[str, dict[str, Any]],
    default: tuple[str, dict[str, Any]] = ("status", {"code": 500}),
) -> Iterator[tuple[str, Script]]:
    """Serve the scripted ``actions``, then ``default`` for every later request, on a free
    loopback port; yield (base URL, script)."""
    script = Script([(a, {}) if isinstance(a, str) else a for a in actions], default)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.script = script
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":  # a standalone good-answer server for bench/batch.py
    import argparse

    parser = argparse.ArgumentParser(description="fault server answering 'good' after a delay")
    parser.add_argument("--delay", type=float, default=0.5)
    args = parser.parse_args()
    with fault_server(default=("good", {"delay": args.delay})) as (url, _):
        print(url, flush=True)
        threading.Event().wait()
