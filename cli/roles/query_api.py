"""`visa query-service`: the query API and the web app under gunicorn."""

from __future__ import annotations

from cli.gunicorn_app import ensure_multiprocess_metrics, serve_web_service
from shared.config import load_settings


def run(args) -> int:
    load_settings()  # a configuration error stops the process before it restarts itself
    ensure_multiprocess_metrics("query-service", args.argv)
    from query_service.api_bootstrap import query_app  # after the metrics storage is chosen

    return serve_web_service(args, "query-service", query_app)
