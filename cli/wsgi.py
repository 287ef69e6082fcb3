"""WSGI entry points for running the two web services under a plain gunicorn command.

Each imports only its own service's composition root, so an image of one service runs it.
"""

from __future__ import annotations

from shared.config import load_settings, log_format
from shared.logs import configure_logging
from shared.private_files import keep_files_private


def command_app():
    """Build the command service from the environment."""
    from command_service.api_bootstrap import command_app as build

    configure_logging("command-service", fmt=log_format(default="json"))
    keep_files_private()
    return build(load_settings())


def query_app():
    """Build the query service from the environment."""
    from query_service.api_bootstrap import query_app as build

    configure_logging("query-service", fmt=log_format(default="json"))
    keep_files_private()
    return build(load_settings())
