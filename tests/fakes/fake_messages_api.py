"""A local fake of the Anthropic Messages API, for the real `anthropic` client to talk to.

Each request takes the next scripted behaviour (then `default`): "good", "slow", "rate_limited"
(429 with retry-after), "server_error" (500), "timeout" (answers after the client gave up),
"malformed_json" (a 200 whose body is not JSON), "bad_tool_input" (a tool call that fails the
schema), or "overreach" (recommends gate-failed and invented types with huge score moves).
Every request is logged with its time and tag (a profile skill starting with "tag:"), so a
test can count the calls made for each check (no double billing).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOOL_NAME = "record_visa_analysis"
TAG_PREFIX = "tag:"


class FakeMessagesAPI:
    def __init__(self, default: str = "good", slow_seconds: float = 0.3,
                 timeout_seconds: float = 3.0, retry_after: str = "0.1"):
        self.default = default
        self.script: list[str] = []
        self.slow_seconds = slow_seconds
        self.timeout_seconds = timeout_seconds
        self.retry_after = retry_after
        self.requests: list[dict] = []
        self.calls: list[tuple[float, str | None, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeMessagesAPI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def then(self, *behaviours: str) -> None:
        with self._lock:
            self.script.extend(behaviours)

    def calm(self) -> None:
        """Drop the rest of the script: every later request gets the default behaviour."""
        with self._lock:
            self.script.clear()

    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def calls_by_tag(self) -> dict[str, list[tuple[float, str]]]:
        """Return each tag's calls as (wall-clock time, behaviour answered), in order."""
        with self._lock:
            grouped = defaultdict(list)
            for at, tag, behaviour in self.calls:
                grouped[tag].append((at, behaviour))
            return dict(grouped)

    def _next(self, body: dict) -> str:
        with self._lock:
            self.requests.append(body)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            behaviour = self.script.pop(0) if self.script else self.default
            self.calls.append((time.time(), _tag(body), behaviour))
            return behaviour

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1


class _Server(ThreadingHTTPServer):
    request_queue_size = 256


def _handler_for(api: FakeMessagesAPI):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            behaviour = api._next(body)
            try:
                self._answer(behaviour, body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                api._done()

        def _answer(self, behaviour: str, body: dict) -> None:
            if behaviour == "rate_limited":
                return self._send(429, _error("rate_limit_error"), {"retry-after": api.retry_after})
            if behaviour == "server_error":
                return self._send(500, _error("api_error"))
            if behaviour == "timeout":
                time.sleep(api.timeout_seconds)
            if behaviour == "slow":
                time.sleep(api.slow_seconds)
            if behaviour == "malformed_json":
                return self._send_raw(200, b'{"id": "msg_1", "content": [ {"type": "tool_')
            self._send(200, _message(body, behaviour))

        def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
            self._send_raw(status, json.dumps(payload).encode(), headers)

        def _send_raw(self, status: int, raw: bytes, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    return Handler


def original_payload(body: dict) -> dict:
    """The engine's prompt payload: the first user message of the conversation."""
    return json.loads(body["messages"][0]["content"])


def _tag(body: dict) -> str | None:
    try:
        skills = original_payload(body)["profile"].get("skills") or []
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return next((s for s in skills if isinstance(s, str) and s.startswith(TAG_PREFIX)), None)


def _message(body: dict, behaviour: str) -> dict:
    findings = original_payload(body)["rules_findings"]
    if behaviour == "bad_tool_input":
        tool_input = {"analyses": [{"visa_type": f["visa_type"]} for f in findings]}
    elif behaviour == "overreach":
        tool_input = {"analyses": [_analysis(f, recommend=True, move=50) for f in findings]
                      + [_analysis({"visa_type": "EB-9 Moon", "verdict": "strong"}, True, 5)]}
    else:
        tool_input = {"analyses": [_analysis(f, f["verdict"] in ("strong", "viable"), 3)
                                   for f in findings]}
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "tool_use", "id": "toolu_fake", "name": TOOL_NAME,
                         "input": tool_input}],
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": 1200, "output_tokens": 300}}


def _analysis(finding: dict, recommend: bool, move: int) -> dict:
    return {"visa_type": finding["visa_type"],
            "narrative": f"{finding['visa_type']}: the rules verdict is {finding['verdict']}.",
            "strengths": ["documented peer review"], "weaknesses": ["few independent letters"],
            "rfe_risks": ["final merits"], "suggested_evidence": ["expert letters"],
            "recommend": recommend, "score_adjustment": move}


def _error(kind: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": kind.replace("_", " ")}}
