"""What both Flask services share: the error format, authentication and role checks."""

from __future__ import annotations

import functools
import re
import uuid

from flask import Flask, current_app, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from shared.gatekeeper import Gatekeeper, GateRefusal
from shared.idempotency import IdempotencyRefusal
from shared.json_responses import FastJSONProvider
from shared.text_input import JsonTooDeepError, TextInputError, check_text, parse_json

MAX_BODY_BYTES = 1_000_000
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
               412: "precondition_failed", 413: "payload_too_large",
               414: "uri_too_long", 415: "unsupported_media_type", 429: "rate_limited",
               431: "headers_too_large"}


class ApiError(Exception):
    """An error answered in the documented format."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, details: dict | None = None,
                   headers: dict | None = None):
    response = jsonify({"error": code, "message": message, "details": details or {}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def install_api_basics(app: Flask, gatekeeper: Gatekeeper) -> None:
    """Register the error handlers, request ids and the gatekeeper on an app."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json = FastJSONProvider(app)
    app.extensions["gatekeeper"] = gatekeeper
    app.extensions["tokens"] = gatekeeper.tokens

    @app.before_request
    def assign_request_id():
        g.request_id = _id_header("X-Request-ID") or str(uuid.uuid4())
        g.correlation_id = _id_header("X-Correlation-ID") or g.request_id

    @app.before_request
    def refuse_unstorable_query():
        for name, value in request.args.items(multi=True):
            _check_text(name, "query")
            _check_text(value, name)

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        # API answers carry client data and tokens: no browser or proxy may keep a copy.
        if not request.path.startswith("/assets/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(GateRefusal)
    def gate_refusal(exc: GateRefusal):
        return error_response(exc.status, exc.code, exc.message, {}, exc.headers)

    @app.errorhandler(IdempotencyRefusal)
    def idempotency_refusal(exc: IdempotencyRefusal):
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        details = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error_response(400, "validation_error", "The request has invalid fields.",
                              _flatten(details))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        code = _HTTP_CODES.get(status) or (exc.name or "error").lower().replace(" ", "_")
        headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
        return error_response(status, code, exc.description or exc.name, {}, headers)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side; the "
                              "request id identifies it in our logs.",
                              {"request_id": g.get("request_id")})


def json_body() -> dict:
    """Return the request's JSON object, or raise a 4xx in the error format."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        body = parse_json(request.get_data(cache=True))
    except JsonTooDeepError as exc:
        raise ApiError(400, "validation_error", "The body is nested too deeply.",
                       {"_schema": str(exc)}) from None
    except ValueError:
        raise ApiError(400, "malformed_json", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "validation_error", "The body must be a JSON object.",
                       {"_schema": "expected an object"})
    _check_text(body, "_schema")
    return body


def _check_text(value, where: str) -> None:
    try:
        check_text(value, where)
    except TextInputError as exc:
        raise ApiError(400, "validation_error", f"{exc.field} {exc.problem}.",
                       {exc.field: exc.problem}) from None


def _id_header(name: str) -> str | None:
    # The id is the caller's to choose, but it travels into events, Kafka headers and
    # logs: anything but a short token is replaced by a fresh id (never refused).
    raw = request.headers.get(name)
    return raw if raw is not None and _ID.fullmatch(raw) else None


_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def authorized(minimum_role: str):
    """Admit callers whose current role includes minimum_role (viewer < attorney < admin)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.principal = current_app.extensions["gatekeeper"].admit(bearer_token())
            if not g.principal.has_role(minimum_role):
                raise ApiError(403, "forbidden", f"This needs the {minimum_role} role or above.",
                               {"required_role": minimum_role, "your_role": g.principal.role})
            return view(*args, **kwargs)

        return wrapper

    return decorate


require_auth = authorized("viewer")


def require_writer() -> None:
    if not g.principal.can_write:
        raise ApiError(403, "forbidden", "Viewers have read-only access.")


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Send Authorization: Bearer <token>.")
    return token.strip()


def expected_version() -> int | None:
    """Read If-Match: None when absent or "*", else the version it names (-1 if unreadable)."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    tag = raw.removeprefix("W/").strip().strip('"')
    return int(tag) if tag.isdigit() and len(tag) < 12 else -1


def parse_uuid(raw: str, what: str) -> uuid.UUID:
    """Parse an id from the path; a malformed id is simply not found."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiError(404, "not_found", f"No {what} {raw}.") from None


def request_meta() -> dict:
    """The metadata every event of this request carries."""
    return {"actor_id": g.principal.attorney_id, "actor_kind": "attorney",
            "request_id": g.request_id, "correlation_id": g.correlation_id}


def _flatten(messages: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = "; ".join(str(v) for v in value)
        else:
            flat[name] = str(value)
    return flat
