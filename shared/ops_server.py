"""A small HTTP port for the CLI-run workers: /healthz, /readyz and /metrics."""

from __future__ import annotations

import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from flask import Flask, Response, jsonify

from shared.metrics import exposition
from shared.readiness import Readiness


def ops_app(alive: Callable[[], bool], readiness: Readiness) -> Flask:
    """Build the operations app: alive while the work loop runs, ready when probes pass."""
    app = Flask("visa_ops")

    @app.get("/healthz")
    def healthz():
        ok = alive()
        return jsonify({"status": "ok" if ok else "stalled"}), 200 if ok else 503

    @app.get("/readyz")
    def readyz():
        ready, checks = readiness.check()
        return jsonify({"status": "ready" if ready else "not_ready", "checks": checks}), (
            200 if ready else 503)

    @app.get("/metrics")
    def metrics():
        body, content_type = exposition()
        return Response(body, content_type=content_type)

    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:
        # Probes hit these endpoints every few seconds; their lines would drown the logs.
        return


class OpsServer:
    """Serve the operations app on a background thread until closed."""

    def __init__(self, host: str, port: int, app: Flask):
        self._server = make_server(host, port, app, server_class=_ThreadingServer,
                                   handler_class=_QuietHandler)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="ops-http",
                                        daemon=True)

    def start(self) -> OpsServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(5)
