"""`visa command-service`: the command API under gunicorn."""

from __future__ import annotations

from cli.gunicorn_app import ensure_multiprocess_metrics, serve_web_service
from shared.config import load_settings


def run(args) -> int:
    load_settings()  # a configuration error stops the process before it restarts itself
    ensure_multiprocess_metrics("command-service", args.argv)
    from command_service.api_bootstrap import command_app  # after the metrics storage is chosen

    return serve_web_service(args, "command-service", command_app)
