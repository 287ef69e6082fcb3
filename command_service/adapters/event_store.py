"""Per-firm event stores: a SQLite file per firm, or a PostgreSQL schema per firm.

A firm's application can only ever address its own file or schema, so no query
can read or append another firm's events by mistake.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable

import psycopg
from eventsourcing.postgres import PostgresFactory
from psycopg.types.composite import register_composite
from psycopg_pool import ConnectionPool

from command_service.application import FirmCaseFiles
from shared.config import Settings
from shared.privacy import ClientKeyring
from shared.tenancy import firm_schema, firm_store_file, parse_firm_id

_shared_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()


class SharedPoolPostgresFactory(PostgresFactory):
    """The library's PostgreSQL factory, with one connection pool for every firm schema.

    A pool per firm would need 150 × pool-size connections; the schema is
    baked into each recorder's statements, so the connections can be shared.
    """

    def __init__(self, env):
        super().__init__(env)
        key = self.env.get("VISA_POOL_KEY")
        with _pools_lock:
            if key not in _shared_pools:
                own = self.datastore.pool
                _shared_pools[key] = ConnectionPool(
                    kwargs=own.kwargs, connection_class=own.connection_class,
                    configure=own._configure, min_size=1,
                    max_size=int(self.env.get("VISA_POOL_MAX_SIZE") or 8),
                    open=False, timeout=30, check=ConnectionPool.check_connection,
                )
            self.datastore.pool = _shared_pools[key]
        _register_own_types_on_every_use(self.datastore)

    def close(self) -> None:
        # The pool outlives any single firm's application.
        pass


def _register_own_types_on_every_use(datastore) -> None:
    # Every firm schema has its own stored_event composite type under the same
    # name; a shared connection keeps the adapters of the last firm it served,
    # so each use re-registers this firm's before any statement runs.
    borrow = datastore.get_connection

    @contextmanager
    def get_connection():
        with borrow() as conn:
            for info in datastore.psycopg_type_adapters.values():
                register_composite(info, conn)
            yield conn

    datastore.get_connection = get_connection


class FirmStores:
    """Hand out each firm's FirmCaseFiles, created on first use."""

    def __init__(self, settings: Settings, on_saved: Callable[[str], None] | None = None,
                 keyring: ClientKeyring | None = None):
        self._settings = settings
        self._on_saved = on_saved
        self.keyring = keyring
        self._apps: dict[str, FirmCaseFiles] = {}
        self._lock = threading.Lock()

    def for_firm(self, firm_id: str) -> FirmCaseFiles:
        firm_id = parse_firm_id(firm_id)
        with self._lock:
            app = self._apps.get(firm_id)
            if app is None:
                app = FirmCaseFiles(firm_id, self._env_for(firm_id), self._on_saved,
                                    self.keyring)
                self._apps[firm_id] = app
            return app

    def _env_for(self, firm_id: str) -> dict:
        base = {"IS_SNAPSHOTTING_ENABLED": "no"}
        if not self._settings.uses_postgres:
            path = self._settings.data_dir / "event_store" / firm_store_file(firm_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            return {**base, "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                    "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30"}
        schema = firm_schema(firm_id)
        _create_schema(self._settings.database_url, schema)
        conninfo = psycopg.conninfo.conninfo_to_dict(self._settings.database_url)
        return {
            **base,
            "PERSISTENCE_MODULE": f"{__name__}:SharedPoolPostgresFactory",
            "POSTGRES_DBNAME": conninfo.get("dbname", "postgres"),
            "POSTGRES_HOST": conninfo.get("host", "127.0.0.1"),
            "POSTGRES_PORT": str(conninfo.get("port", 5432)),
            "POSTGRES_USER": conninfo.get("user", "postgres"),
            "POSTGRES_PASSWORD": conninfo.get("password", ""),
            "POSTGRES_SCHEMA": schema,
            "VISA_POOL_KEY": self._settings.database_url,
        }

    def close(self) -> None:
        with self._lock:
            for app in self._apps.values():
                app.close()
            self._apps.clear()


def _create_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')


def close_shared_pools() -> None:
    with _pools_lock:
        for pool in _shared_pools.values():
            pool.close()
        _shared_pools.clear()
