"""Operations endpoints and request instrumentation for the Flask services."""

from __future__ import annotations

import hmac
import logging
import re
import uuid
from time import perf_counter

from flask import Flask, Response, g, jsonify, request

from shared.logs import bind_correlation_id
from shared.metrics import HTTP_REQUEST_SECONDS, exposition
from shared.readiness import Readiness

access_log = logging.getLogger("visa.access")
_QUIET_PATHS = ("/healthz", "/readyz", "/metrics")
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def install_operations(app: Flask, service: str, readiness: Readiness,
                       metrics_token: str | None = None) -> None:
    """Add /readyz and /metrics, time every request and write one JSON access line.

    With a metrics token, /metrics answers only `Authorization: Bearer <token>`.
    """

    @app.before_request
    def start_timer():
        g.started = perf_counter()
        # The id is the caller's to choose, but it is stored in events and logs:
        # anything but a short token is replaced by the request id.
        if not _is_token(g.get("request_id")):
            g.request_id = str(uuid.uuid4())
        if not _is_token(g.get("correlation_id")):
            g.correlation_id = g.request_id
        bind_correlation_id(g.correlation_id)

    @app.teardown_request
    def forget_correlation_id(_exc):
        bind_correlation_id(None)

    @app.after_request
    def observe(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = perf_counter() - g.get("started", perf_counter())
        HTTP_REQUEST_SECONDS.labels(service, request.method, route,
                                    str(response.status_code)).observe(elapsed)
        response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
        if request.path not in _QUIET_PATHS:
            access_log.info("%s %s %s", request.method, route, response.status_code,
                            extra={"status": response.status_code, "route": route,
                                   "duration_ms": round(elapsed * 1000, 1)})
        return response

    @app.get("/readyz")
    def readyz():
        ready, checks = readiness.check()
        return jsonify({"status": "ready" if ready else "not_ready", "checks": checks}), (
            200 if ready else 503)

    @app.get("/metrics")
    def metrics():
        if metrics_token and not _bears(metrics_token):
            return jsonify({"error": "unauthorized", "message": "Send Authorization: Bearer "
                            "<VISA_METRICS_TOKEN> (embedded: the data directory's metrics-token).",
                            "details": {}}), 401
        body, content_type = exposition()
        return Response(body, content_type=content_type)


def _bears(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                               token.encode())


def _is_token(value: str | None) -> bool:
    return bool(value) and _CORRELATION_ID.fullmatch(value) is not None
