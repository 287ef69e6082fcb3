"""Per-firm event stores: a SQLite file per firm, or a PostgreSQL table per firm.

A firm's application is bound to its own file or table (`event_store.firm_<id>_events`)
when it is built, so no statement it runs can read or append another firm's events.
All firm tables share one schema because the library's composite row type is
per schema, and one connection pool serves them all.
"""

from __future__ import annotations

import threading
import uuid
from typing import Callable

import psycopg
from eventsourcing.postgres import PostgresFactory
from psycopg_pool import ConnectionPool

from event_store.chain import chain_key
from event_store.firm_store import FirmEventStore
from event_store.keyring import ClientKeyring
from event_store.postgres_recorder import STORED_CHANNEL
from event_store.tenancy import EVENT_STORE_SCHEMA, firm_store_file, parse_firm_id
from shared.config import Settings
from shared.sql import check_when_idle

CHAIN = "event_store.chain"
POSTGRES_RECORDER = "event_store.postgres_recorder"
_pools_lock = threading.Lock()


class _SharedPool(ConnectionPool):
    """A pool that the library's per-firm datastores use but cannot close."""

    def close(self, timeout: float = 5.0) -> None:
        # Each firm's datastore closes "its" pool when it is closed or
        # garbage collected; the shared pool must outlive all of them.
        pass

    def close_shared(self) -> None:
        super().close()


_shared_pools: dict[str, _SharedPool] = {}


class SharedPoolPostgresFactory(PostgresFactory):
    """The library's PostgreSQL factory, with one connection pool for every firm's table.

    A pool per firm would need 150 × pool-size connections; the table name is
    baked into each recorder's statements, so the connections can be shared.
    """

    def __init__(self, env):
        super().__init__(env)
        key = self.env.get("VISA_POOL_KEY")
        with _pools_lock:
            if key not in _shared_pools:
                own = self.datastore.pool
                _shared_pools[key] = _SharedPool(
                    kwargs=own.kwargs, connection_class=own.connection_class,
                    configure=own._configure, min_size=1,
                    max_size=int(self.env.get("VISA_POOL_MAX_SIZE") or 8),
                    open=False, timeout=30, check=check_when_idle,
                )
            self.datastore.pool = _shared_pools[key]

    def close(self) -> None:
        # The pool outlives any single firm's application.
        pass


class FirmStores:
    """Hand out each firm's store, created on first use.

    `application` is the class each firm's store is built as: the kernel's FirmEventStore
    for readers and the engine, the command service's subclass with its use cases there.
    """

    def __init__(self, settings: Settings, on_saved: Callable[[str], None] | None = None,
                 keyring: ClientKeyring | None = None,
                 application: type[FirmEventStore] = FirmEventStore):
        self._settings = settings
        self._on_saved = on_saved
        self.keyring = keyring
        self._application = application
        self._apps: dict[str, FirmEventStore] = {}
        self._lock = threading.Lock()

    def for_firm(self, firm_id: str) -> FirmEventStore:
        firm_id = parse_firm_id(firm_id)
        with self._lock:
            app = self._apps.get(firm_id)
            if app is None:
                app = self._open(firm_id)
                self._apps[firm_id] = app
            return app

    def firm_ids(self) -> list[str]:
        """Every firm that has an event store, in id order (the kernel's own list of firms)."""
        if not self._settings.uses_postgres:
            folder = self._settings.data_dir / "event_store"
            names = [p.name.removesuffix(".sqlite") for p in folder.glob("*.sqlite")]
        else:
            with psycopg.connect(self._settings.database_url, autocommit=True) as conn:
                rows = conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
                    " AND table_name LIKE 'firm\\_%%\\_events'", (EVENT_STORE_SCHEMA,)).fetchall()
            names = [r[0].removeprefix("firm_").removesuffix("_events") for r in rows]
        return sorted(str(uuid.UUID(name)) for name in names if _is_hex_id(name))

    def _open(self, firm_id: str) -> FirmEventStore:
        if not self._settings.uses_postgres:
            return self._application(firm_id, self._env_for(firm_id), self._on_saved,
                                     self.keyring, self._chain_key(firm_id))
        # Every process opens a firm's store on first use and the library creates its
        # table then; a lock serialises that DDL across processes (concurrent CREATE ...
        # IF NOT EXISTS and CREATE OR REPLACE can fail on each other).
        with psycopg.connect(self._settings.database_url, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK_KEY,))
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{EVENT_STORE_SCHEMA}"')
            app = self._application(firm_id, self._env_for(firm_id), self._on_saved,
                                     self.keyring, self._chain_key(firm_id))
            _drop_announcement_trigger(conn, app.name + "_events")
        return app

    def _chain_key(self, firm_id: str) -> bytes:
        return chain_key(self._settings.master_key, firm_id)

    def _env_for(self, firm_id: str) -> dict:
        base = {"IS_SNAPSHOTTING_ENABLED": "no"}
        if not self._settings.uses_postgres:
            path = self._settings.data_dir / "event_store" / firm_store_file(firm_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            return {**base, "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                    "APPLICATION_RECORDER_TOPIC": f"{CHAIN}:ChainedSQLiteApplicationRecorder",
                    "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30"}
        conninfo = psycopg.conninfo.conninfo_to_dict(self._settings.database_url)
        return {
            **base,
            "PERSISTENCE_MODULE": f"{__name__}:SharedPoolPostgresFactory",
            "POSTGRES_DBNAME": conninfo.get("dbname", "postgres"),
            "POSTGRES_HOST": conninfo.get("host", "127.0.0.1"),
            "POSTGRES_PORT": str(conninfo.get("port", 5432)),
            "POSTGRES_USER": conninfo.get("user", "postgres"),
            "POSTGRES_PASSWORD": conninfo.get("password", ""),
            "POSTGRES_SCHEMA": EVENT_STORE_SCHEMA,
            "APPLICATION_RECORDER_TOPIC":
                f"{POSTGRES_RECORDER}:ChainedPostgresApplicationRecorder",
            "VISA_POOL_KEY": self._settings.database_url,
        }

    def close(self) -> None:
        with self._lock:
            for app in self._apps.values():
                app.close()
            self._apps.clear()


def _is_hex_id(name: str) -> bool:
    try:
        return uuid.UUID(name).hex == name
    except ValueError:
        return False


DDL_LOCK_KEY = 7_310_512_001


def _drop_announcement_trigger(conn: psycopg.Connection, table: str) -> None:
    """Drop the per-statement trigger that announced appends before the append function did.

    Looked up first: DROP TRIGGER takes the table's strongest lock even when there is
    nothing to drop, and would queue every append behind a long read.
    """
    exists = conn.execute(
        "SELECT 1 FROM pg_trigger WHERE tgname = 'announce_appends'"
        " AND tgrelid = to_regclass(%s)", (f"{EVENT_STORE_SCHEMA}.{table}",)).fetchone()
    if exists:
        conn.execute(f"DROP TRIGGER announce_appends ON {EVENT_STORE_SCHEMA}.{table}")
        conn.execute(f"DROP FUNCTION IF EXISTS {EVENT_STORE_SCHEMA}.announce_{table}()")


def close_shared_pools() -> None:
    with _pools_lock:
        for pool in _shared_pools.values():
            pool.close_shared()
        _shared_pools.clear()
