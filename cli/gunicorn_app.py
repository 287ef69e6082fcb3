"""Run a Flask app factory under gunicorn from the `visa` command."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Service(BaseApplication):
    def __init__(self, factory, options: dict):
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._factory()


def run_gunicorn(factory, host: str, port: int, workers: int) -> int:
    """Serve the app built by factory in each worker; gunicorn handles SIGTERM gracefully."""
    _Service(factory, {"bind": f"{host}:{port}", "workers": workers, "threads": 4,
                       "graceful_timeout": 20, "accesslog": "-",
                       # No query string: a search term can be a client's name.
                       "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss',
                       # gunicorn's most; longer lines get its own 414, outside the error format.
                       "limit_request_line": 8190}).run()
    return 0
