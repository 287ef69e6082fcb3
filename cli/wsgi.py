"""WSGI entry points for running the two web services under a plain gunicorn command."""

from __future__ import annotations

from cli import bootstrap
from shared.config import load_settings
from shared.logs import configure_logging


def command_app():
    """Build the command service from the environment."""
    configure_logging("command-service")
    return bootstrap.command_app(load_settings())


def query_app():
    """Build the query service from the environment."""
    configure_logging("query-service")
    return bootstrap.query_app(load_settings())
