"""Fresh PostgreSQL databases, one per test or run, dropped after.

They are created on the machine's server unless the suite chose another (a testcontainers
PostgreSQL, see tests/support/infrastructure.py) with use_postgres_server(), which starts it
when the first database is needed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
_server: dict = {"admin_url": POSTGRES_ADMIN_URL, "start": None}


def use_postgres_server(start: Callable[[], str]) -> None:
    """Create this process's databases on the server start() starts (and returns the URL of)."""
    _server.update(admin_url=None, start=start)


def postgres_admin_url() -> str:
    if _server["admin_url"] is None:
        _server["admin_url"] = _server["start"]()
    return _server["admin_url"]


@contextmanager
def fresh_database(prefix: str = "visa_test"):
    """Create a database named after prefix, yield its URL, and drop it afterwards."""
    admin_url = postgres_admin_url()
    name = f"{prefix}_{secrets.token_hex(5)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
