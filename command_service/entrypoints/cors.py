"""Let the web app, served by the query service from another origin, call the command API."""

from __future__ import annotations

from flask import Flask, request

ALLOWED_HEADERS = ("Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-ID,"
                   " X-Visa-CSRF")
EXPOSED_HEADERS = "ETag, Retry-After, X-Request-ID, Location"


def allow_web_origins(app: Flask, origins: tuple[str, ...]) -> None:
    """Answer cross-origin requests from the listed origins only (the distributed deployment)."""
    allowed = {o.rstrip("/") for o in origins if o}

    @app.after_request
    def add_cors_headers(response):
        origin = request.headers.get("Origin", "")
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, PUT, DELETE"
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
            # The sign-in's refresh cookie travels with the web app's /v1/auth calls.
            response.headers["Access-Control-Allow-Credentials"] = "true"
        return response
