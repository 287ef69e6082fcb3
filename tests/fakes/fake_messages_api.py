"""A local fake of the Anthropic Messages API that behaves like the current model.

It answers `POST /v1/messages` as a server-sent event stream (message_start, a thinking
block, text deltas, message_delta with the stop reason and usage, message_stop; `ping`s
while it "thinks") and refuses what claude-sonnet-5-5 refuses, with the API's 400s: a forced
`tool_choice` (`any` or `tool`), `thinking` other than adaptive or between_tools (and
between_tools above high effort), non-default sampling parameters, an assistant prefill, and
an `output_config.format` schema with keywords structured outputs do not take (numeric and
length bounds) or an object that allows additional properties. It emulates prompt caching:
a system prefix marked `cache_control` of at least the model's minimum size is written on
first use and read afterwards (cache_creation / cache_read input tokens). It also serves the
Message Batches API (`/v1/messages/batches`).

Each request takes the next scripted behaviour (then `default`): "good", "slow" (pings for
`slow_seconds`, then the answer), "rate_limited" (429 + retry-after), "overloaded" (529),
"server_error" (500), "timeout" (no response until the client gives up), "malformed_json",
"bad_answer" (JSON that fails the engine's validation), "max_tokens", "refusal", or
"overreach" (promotes every type, cites criteria of other types, quotes facts it invented).
Every request is logged with its time and tag (a profile skill starting with "tag:").
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TAG_PREFIX = "tag:"
KNOWN_MODELS = {"claude-sonnet-5-5": 512, "claude-sonnet-5": 1024, "claude-opus-5-5": 1024,
                "claude-haiku-4-5": 2048, "claude-sonnet-4-6": 1024}
UNSUPPORTED_SCHEMA_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                               "multipleOf", "minLength", "maxLength", "maxItems",
                               "minProperties", "maxProperties")
CACHE_TTL_SECONDS = 300


class FakeMessagesAPI:
    def __init__(self, default: str = "good", slow_seconds: float = 0.3,
                 timeout_seconds: float = 3.0, retry_after: str = "0.1",
                 ping_seconds: float = 0.2, batch_seconds: float = 0.2):
        self.default = default
        self.script: list[str] = []
        self.slow_seconds = slow_seconds
        self.timeout_seconds = timeout_seconds
        self.retry_after = retry_after
        self.ping_seconds = ping_seconds
        self.batch_seconds = batch_seconds
        self.requests: list[dict] = []
        self.refused: list[dict] = []
        self.calls: list[tuple[float, str | None, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.batches: dict[str, dict] = {}
        # Cleared, every answer keeps "thinking" (pings) until it is set again: a test can
        # hold calls in flight and count them without relying on timing.
        self.gate = threading.Event()
        self.gate.set()
        self._cache: dict[str, float] = {}
        self._ids = itertools.count(1)
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

    def request_id(self) -> str:
        return f"req_fake_{next(self._ids):06d}"

    def usage(self, body: dict, answer: str) -> dict:
        """Token counts (4 characters a token) with the prompt cache applied."""
        prefix, rest = _cached_prefix(body)
        tokens = {"input_tokens": _tokens(rest), "output_tokens": _tokens(answer),
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        if prefix and _tokens(prefix) >= KNOWN_MODELS.get(body["model"], 1024):
            key = hashlib.sha256(f"{body['model']}\n{prefix}".encode()).hexdigest()
            with self._lock:
                cached = self._cache.get(key, 0) > time.monotonic() - CACHE_TTL_SECONDS
                self._cache[key] = time.monotonic()
            tokens["cache_read_input_tokens" if cached else "cache_creation_input_tokens"] = \
                _tokens(prefix)
        else:
            tokens["input_tokens"] += _tokens(prefix)
        return tokens


class _Server(ThreadingHTTPServer):
    request_queue_size = 256


def _handler_for(api: FakeMessagesAPI):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path.startswith("/v1/messages/batches"):
                return self._create_batch(body)
            problem = refusal_of(body)
            if problem:
                api.refused.append(body)
                return self._send(*problem)
            behaviour = api._next(body)
            try:
                self._answer(behaviour, body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                api._done()

        def do_GET(self):
            parts = self.path.strip("/").split("/")
            batch = api.batches.get(parts[3]) if len(parts) >= 4 else None
            if batch is None:
                return self._send(404, _error("not_found_error", "no such batch"))
            ended = time.monotonic() >= batch["ends_at"]
            if parts[-1] == "results":
                lines = "".join(json.dumps(r) + "\n" for r in batch["results"]) if ended else ""
                return self._send_raw(200, lines.encode(), "application/x-jsonl")
            self._send(200, _batch_view(api, batch, ended))

        def _create_batch(self, body: dict) -> None:
            results = []
            for item in body["requests"]:
                problem = refusal_of(item["params"])
                if problem:
                    results.append({"custom_id": item["custom_id"], "result": {
                        "type": "errored", "error": problem[1]}})
                    continue
                api._next(item["params"])
                api._done()
                answer, stop = _answer_text(api.default, item["params"])
                results.append({"custom_id": item["custom_id"], "result": {
                    "type": "succeeded", "message": _message(api, item["params"], answer, stop)}})
            batch_id = f"msgbatch_{uuid.uuid4().hex[:20]}"
            api.batches[batch_id] = {"id": batch_id, "results": results,
                                     "created_at": time.time(),
                                     "ends_at": time.monotonic() + api.batch_seconds}
            self._send(200, _batch_view(api, api.batches[batch_id], False))

        def _answer(self, behaviour: str, body: dict) -> None:
            errors = {"rate_limited": (429, "rate_limit_error", {"retry-after": api.retry_after}),
                      "overloaded": (529, "overloaded_error", {}),
                      "server_error": (500, "api_error", {})}
            if behaviour in errors:
                status, kind, headers = errors[behaviour]
                return self._send(status, _error(kind, kind.replace("_", " ")), headers)
            if behaviour == "timeout":
                time.sleep(api.timeout_seconds)
            answer, stop = _answer_text(behaviour, body)
            self._stream(body, answer, stop, api.slow_seconds if behaviour == "slow" else 0)

        def _stream(self, body: dict, answer: str, stop: str, thinking_seconds: float) -> None:
            message = _message(api, body, answer, stop)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("request-id", message["id"].replace("msg", "req"))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            start = {**message, "content": [], "stop_reason": None,
                     "usage": {**message["usage"], "output_tokens": 1}}
            self._event("message_start", {"type": "message_start", "message": start})
            self._event("content_block_start", {"type": "content_block_start", "index": 0,
                        "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
            until = time.monotonic() + thinking_seconds
            while time.monotonic() < until or not api.gate.is_set():
                self._event("ping", {"type": "ping"})
                api.gate.wait(min(api.ping_seconds, max(0.01, until - time.monotonic())))
            self._event("content_block_delta", {"type": "content_block_delta", "index": 0,
                        "delta": {"type": "signature_delta", "signature": "sig-fake"}})
            self._event("content_block_stop", {"type": "content_block_stop", "index": 0})
            self._event("content_block_start", {"type": "content_block_start", "index": 1,
                        "content_block": {"type": "text", "text": ""}})
            for i in range(0, len(answer), 2000):
                self._event("content_block_delta", {"type": "content_block_delta", "index": 1,
                            "delta": {"type": "text_delta", "text": answer[i:i + 2000]}})
            self._event("content_block_stop", {"type": "content_block_stop", "index": 1})
            self._event("message_delta", {"type": "message_delta", "delta": {
                "stop_reason": stop, "stop_sequence": None}, "usage": message["usage"]})
            self._event("message_stop", {"type": "message_stop"})

        def _event(self, name: str, data: dict) -> None:
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
            self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

        def _send_raw(self, status: int, raw: bytes, kind: str,
                      headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("request-id", api.request_id())
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    return Handler


def refusal_of(body: dict) -> tuple[int, dict] | None:
    """The 400 (or 404) the current model answers to a request shape it does not take."""
    def bad(message: str) -> tuple[int, dict]:
        return 400, _error("invalid_request_error", message)

    model = body.get("model")
    if model not in KNOWN_MODELS:
        return 404, _error("not_found_error", f"model: {model}")
    choice = (body.get("tool_choice") or {}).get("type")
    if choice in ("any", "tool"):
        return bad(f"tool_choice.type: '{choice}' (forced tool use) is not supported on this "
                   "model. Use tool_choice 'auto' with strict tools, or output_config.format.")
    thinking = (body.get("thinking") or {}).get("type", "adaptive")
    effort = (body.get("output_config") or {}).get("effort", "high")
    if thinking == "disabled":
        return bad("thinking.type: 'disabled' is not supported on this model; use "
                   "'between_tools' to turn off up-front thinking.")
    if thinking not in ("adaptive", "between_tools"):
        return bad(f"thinking.type: '{thinking}' is not supported on this model; use "
                   "'adaptive' with output_config.effort.")
    if thinking == "between_tools" and effort in ("xhigh", "max"):
        return bad(f"thinking.type 'between_tools' is not supported at effort '{effort}'.")
    for name, default in (("temperature", 1.0), ("top_p", None), ("top_k", None)):
        if name in body and body[name] != default:
            return bad(f"{name}: non-default sampling parameters are not supported on this model.")
    if (body.get("messages") or [{}])[-1].get("role") == "assistant":
        return bad("Prefilling the assistant message is not supported on this model; use "
                   "output_config.format.")
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
    return bad(_schema_problem(schema)) if schema and _schema_problem(schema) else None


def _schema_problem(schema, path: str = "schema") -> str | None:
    if isinstance(schema, dict):
        for keyword in UNSUPPORTED_SCHEMA_KEYWORDS:
            if keyword in schema:
                return f"output_config.format.{path}: '{keyword}' is not supported"
        if schema.get("minItems", 0) > 1:
            return f"output_config.format.{path}: minItems above 1 is not supported"
        if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
            return f"output_config.format.{path}: objects must set additionalProperties: false"
        for key, value in schema.items():
            found = _schema_problem(value, f"{path}.{key}")
            if found:
                return found
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            found = _schema_problem(value, f"{path}[{i}]")
            if found:
                return found
    return None


def original_payload(body: dict) -> dict:
    """The engine's case: the JSON document that opens the user message."""
    content = body["messages"][0]["content"]
    return json.JSONDecoder().raw_decode(content)[0]


def _tag(body: dict) -> str | None:
    try:
        skills = original_payload(body)["profile"].get("skills") or []
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return next((s for s in skills if isinstance(s, str) and s.startswith(TAG_PREFIX)), None)


def _cached_prefix(body: dict) -> tuple[str, str]:
    system = body.get("system") or []
    blocks = [system] if isinstance(system, str) else system
    marked = max((i for i, b in enumerate(blocks) if isinstance(b, dict)
                  and b.get("cache_control")), default=-1)
    prefix = "".join(b["text"] for b in blocks[:marked + 1])
    rest = "".join(b["text"] if isinstance(b, dict) else b for b in blocks[marked + 1:])
    return prefix, rest + json.dumps(body.get("messages"))


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _message(api: FakeMessagesAPI, body: dict, answer: str, stop: str) -> dict:
    return {"id": f"msg_{uuid.uuid4().hex[:20]}", "type": "message", "role": "assistant",
            "model": body["model"], "stop_reason": stop, "stop_sequence": None,
            "content": [{"type": "thinking", "thinking": "", "signature": "sig-fake"},
                        {"type": "text", "text": answer}],
            "usage": api.usage(body, answer)}


def _answer_text(behaviour: str, body: dict) -> tuple[str, str]:
    if behaviour == "refusal":
        return "", "refusal"
    case = original_payload(body)
    document = json.dumps(_analysis(case, overreach=behaviour == "overreach"))
    if behaviour == "max_tokens":
        return document[: len(document) // 2], "max_tokens"
    if behaviour == "malformed_json":
        return document[: len(document) // 3], "end_turn"
    if behaviour == "bad_answer":
        return json.dumps({"analyses": [{"visa_type": f["visa_type"]}
                                        for f in case["rules_findings"]]}), "end_turn"
    return document, "end_turn"


def _analysis(case: dict, overreach: bool) -> dict:
    quotes = _quotable(case["profile"])
    every_id = sorted({f["id"] for t in case["rules_findings"] for f in t["findings"]})
    return {"analyses": [_type_analysis(t, quotes, every_id, overreach)
                         for t in case["rules_findings"]]}


def _type_analysis(finding: dict, quotes: list[str], every_id: list[str],
                   overreach: bool) -> dict:
    ids = [f["id"] for f in finding["findings"]] or every_id[:1]
    met = [f["id"] for f in finding["findings"] if f["met"]] or ids[:1]
    claim = {"text": f"{finding['visa_type']}: the record as the rules read it.",
             "criterion_ids": met[:2], "profile_quotes": quotes[:1]}
    if overreach:
        # Other types' criteria first: a claim that borrows them is not this type's evidence.
        borrowed = [i for i in every_id if i not in ids][:10] + ids[:2]
        invented = {"text": "An acclaimed leader in the field.", "criterion_ids": borrowed,
                    "profile_quotes": ["Nobel laureate", *quotes[:1]]}
        return {"visa_type": finding["visa_type"], "summary": invented,
                "criterion_opinions": [{"criterion_id": i, "view": "likely_met",
                                        "reasoning": "Clearly satisfied.",
                                        "profile_quotes": ["world-famous"]} for i in every_id[:30]],
                "strengths": [invented, claim], "weaknesses": [], "rfe_risks": [],
                "suggested_evidence": [], "score_adjustment": 5}
    doubtful = [f["id"] for f in finding["findings"] if f["met"] is False] or ids[:1]
    return {"visa_type": finding["visa_type"], "summary": claim,
            "criterion_opinions": [{"criterion_id": met[0], "view": "likely_met",
                                    "reasoning": "The evidence recorded supports it.",
                                    "profile_quotes": quotes[:1]}],
            "strengths": [claim],
            "weaknesses": [{"text": "Little independent corroboration yet.",
                            "criterion_ids": doubtful[:1], "profile_quotes": []}],
            "rfe_risks": [{"text": "Final merits: sustained acclaim.", "criterion_ids": ids[:1],
                           "profile_quotes": []}],
            "suggested_evidence": [{"text": "Independent expert letters.",
                                    "criterion_ids": ids[:1]}],
            "score_adjustment": 2 if finding["verdict"] in ("strong", "viable") else -1}


def _quotable(profile: dict) -> list[str]:
    numbers = [f"{k}: {v}" for k, v in sorted(profile.items())
               if isinstance(v, (int, float)) and not isinstance(v, bool)]
    texts = [v for k, v in sorted(profile.items()) if isinstance(v, str)]
    return numbers + texts or ["(no facts)"]


def _batch_view(api: FakeMessagesAPI, batch: dict, ended: bool) -> dict:
    count = len(batch["results"])
    succeeded = sum(r["result"]["type"] == "succeeded" for r in batch["results"])
    return {"id": batch["id"], "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {"processing": 0 if ended else count,
                               "succeeded": succeeded if ended else 0,
                               "errored": count - succeeded if ended else 0,
                               "canceled": 0, "expired": 0},
            "created_at": "2026-12-05T00:00:00Z", "expires_at": "2026-12-06T00:00:00Z",
            "ended_at": "2026-12-05T00:01:00Z" if ended else None,
            "archived_at": None, "cancel_initiated_at": None,
            "results_url": f"{api.base_url}/v1/messages/batches/{batch['id']}/results"
            if ended else None}


def _error(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}}
