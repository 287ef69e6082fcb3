"""Run a Flask app factory under gunicorn from the `visa` command."""

from __future__ import annotations

import os
import sys
import tempfile

from gunicorn.app.base import BaseApplication

from cli import gunicorn_conf
from shared.config import load_settings


class _Service(BaseApplication):
    def __init__(self, factory, options: dict):
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in {**gunicorn_settings(), **self._options}.items():
            self.cfg.set(key, value)

    def load(self):
        return self._factory()


def gunicorn_settings() -> dict:
    """Return the settings of cli.gunicorn_conf that gunicorn knows."""
    from gunicorn.config import Config

    known = Config().settings
    return {name: value for name, value in vars(gunicorn_conf).items() if name in known}


def run_gunicorn(factory, service: str, host: str, port: int, workers: int,
                 threads: int | None = None) -> int:
    """Serve the app built by factory in each worker; gunicorn handles SIGTERM gracefully."""
    options = {"bind": f"{host}:{port}", "workers": workers, "proc_name": f"visa-{service}",
               "logconfig_dict": gunicorn_conf.log_config(service)}
    if threads is not None:
        options["threads"] = threads
    _Service(factory, options).run()
    return 0


def serve_web_service(args, service: str, build) -> int:
    """Serve the app that build(settings) makes, validating the settings first."""
    settings = load_settings()
    return run_gunicorn(lambda: build(settings), service, args.host, args.port, args.workers,
                        getattr(args, "threads", None))


def ensure_multiprocess_metrics(service: str, argv: list[str]) -> None:
    """Give gunicorn's workers a shared metrics directory; call before importing the service.

    prometheus-client picks its storage when first imported, so a process started without
    PROMETHEUS_MULTIPROC_DIR restarts itself with one before anything imports it.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=f"visa-{service}-metrics-")
    os.execv(sys.executable, [sys.executable, "-m", "cli.main", *argv])
