"""Gunicorn configuration for the command and query services.

`visa command-service` and `visa query-service` already apply these settings.
To run gunicorn yourself:

    gunicorn -c deploy/gunicorn.conf.py --bind 0.0.0.0:8080 'cli.wsgi:command_app()'
    gunicorn -c deploy/gunicorn.conf.py --bind 0.0.0.0:8081 'cli.wsgi:query_app()'

Set PROMETHEUS_MULTIPROC_DIR to an empty, writable directory (a tmpfs) so
/metrics adds up every worker's counts.
"""

from cli.gunicorn_conf import (  # noqa: F401
    child_exit,
    graceful_timeout,
    keepalive,
    logconfig_dict,
    on_starting,
    threads,
    timeout,
    worker_tmp_dir,
)

workers = 2
