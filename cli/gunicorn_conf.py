"""Gunicorn settings for the command and query services (a gunicorn config module).

`visa command-service` and `visa query-service` apply these; deploy/gunicorn.conf.py
re-exports them for operators who run gunicorn directly.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

threads = 4
timeout = 30
# Kubernetes waits terminationGracePeriodSeconds (30 s) before SIGKILL; workers
# get 20 s to finish in-flight requests after SIGTERM.
graceful_timeout = 20
keepalive = 5
# gunicorn's most: the API's query strings are bounded to fit, longer lines get a 414.
limit_request_line = 8190
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The Flask app writes one JSON access line per request with its correlation id.
accesslog = None


def log_config(service: str) -> dict:
    """Send gunicorn's own log lines through the product's JSON formatter."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "shared.logs.JsonFormatter", "service": service},
                       "text": {"()": "shared.logs.TextFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler",
                                "formatter": ("text" if os.environ.get("VISA_LOG_FORMAT", "")
                                              .lower() == "text" else "json"),
                                "stream": "ext://sys.stderr"}},
        "root": {"level": os.environ.get("VISA_LOG_LEVEL", "INFO").upper(),
                 "handlers": ["stderr"]},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["stderr"],
                                       "propagate": False}},
    }


logconfig_dict = log_config("web")


def on_starting(server) -> None:
    """Start with an empty metrics directory so a restart does not replay old counts."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    """Drop a dead worker's live gauges from the aggregated metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
