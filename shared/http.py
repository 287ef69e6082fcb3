"""What both Flask services share: the error format and bearer-token authentication."""

from __future__ import annotations

import functools
import uuid

from flask import Flask, current_app, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from shared.auth import InvalidTokenError, TokenIssuer

MAX_BODY_BYTES = 1_000_000


class ApiError(Exception):
    """An error answered in the documented format."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def error_response(status: int, code: str, message: str, details: dict | None = None):
    response = jsonify({"error": code, "message": message, "details": details or {}})
    response.status_code = status
    return response


def install_api_basics(app: Flask, tokens: TokenIssuer) -> None:
    """Register the error handlers, request ids and the token issuer on an app."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["tokens"] = tokens

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        g.correlation_id = request.headers.get("X-Correlation-ID") or g.request_id

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        details = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error_response(400, "validation_error", "The request has invalid fields.",
                              _flatten(details))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

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
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError(400, "malformed_json", "The body is not valid JSON.")
    if not isinstance(body, dict):
        raise ApiError(400, "validation_error", "The body must be a JSON object.",
                       {"_schema": "expected an object"})
    return body


def require_auth(view):
    """Authenticate the bearer token and expose the caller as g.principal."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthorized", "Send Authorization: Bearer <token>.")
        try:
            g.principal = current_app.extensions["tokens"].verify(token.strip())
        except InvalidTokenError:
            raise ApiError(401, "unauthorized", "The token is invalid or expired.") from None
        return view(*args, **kwargs)

    return wrapper


def require_writer() -> None:
    if not g.principal.can_write:
        raise ApiError(403, "forbidden", "Viewers have read-only access.")


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
