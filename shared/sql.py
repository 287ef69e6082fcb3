"""A small SQL gateway over SQLite (embedded) or PostgreSQL (distributed).

Statements are written once with `?` placeholders and run on either engine.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool


# A connection handed out within this many seconds is trusted without a round trip; an
# idle one is pinged first, so one broken by a database restart is replaced, not handed out.
IDLE_CHECK_SECONDS = 5.0
_handed_out_at: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def check_when_idle(conn: psycopg.Connection) -> None:
    """The pools' check: ping a connection only when it has been idle for a while."""
    now = time.monotonic()
    if now - _handed_out_at.get(conn, float("-inf")) > IDLE_CHECK_SECONDS:
        ConnectionPool.check_connection(conn)
    _handed_out_at[conn] = now


_savepoint_ids = itertools.count(1)


class Transaction:
    """One open transaction; rows come back as dicts."""

    def __init__(self, conn, dialect: str):
        self._conn = conn
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cur = self._conn.execute(self._adapt(sql), tuple(params))
        return cur.rowcount

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters, without a round trip per row."""
        if not rows:
            return
        if self.dialect == "postgresql":
            with self._conn.cursor() as cur:
                cur.executemany(self._adapt(sql), [tuple(r) for r in rows])
            return
        self._conn.executemany(sql, rows)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
                    ) -> None:
        """Insert many rows into a table: PostgreSQL's COPY where it may, else executemany.

        PostgreSQL refuses COPY into a table whose row-level security applies to this
        session (forced policies do, to an owner that is not a superuser).
        """
        if not rows:
            return
        insert = (f"INSERT INTO {table} ({', '.join(columns)})"
                  f" VALUES ({', '.join('?' * len(columns))})")
        if self.dialect != "postgresql":
            self._conn.executemany(insert, rows)
            return
        if self.fetch_one("SELECT row_security_active(?) AS active", (table,))["active"]:
            self.execute_many(insert, rows)
            return
        with self._conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        cur = self._conn.execute(self._adapt(sql), tuple(params))
        return [dict(row) for row in cur.fetchall()]

    def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> dict | None:
        cur = self._conn.execute(self._adapt(sql), tuple(params))
        row = cur.fetchone()
        return dict(row) if row is not None else None

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """Send statements without waiting for each result (PostgreSQL); reads still wait."""
        if self.dialect != "postgresql":
            yield
            return
        with self._conn.pipeline():
            yield

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo only this block's statements if it raises; the transaction carries on."""
        if self.dialect == "postgresql":
            with self._conn.transaction():  # nested: a savepoint
                yield
            return
        name = f"sp_{next(_savepoint_ids)}"
        self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._conn.execute(f"ROLLBACK TO {name}")
            self._conn.execute(f"RELEASE {name}")
            raise
        self._conn.execute(f"RELEASE {name}")

    def _adapt(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql


class Database:
    """Open transactions against one SQLite file or one PostgreSQL database."""

    def __init__(self, *, sqlite_path: Path | None = None, postgres_url: str | None = None,
                 pool_size: int = 4):
        if (sqlite_path is None) == (postgres_url is None):
            raise ValueError("give exactly one of sqlite_path or postgres_url")
        self._sqlite_path = sqlite_path
        self._pool: ConnectionPool | None = None
        self._local = threading.local()
        self._open_lock = threading.Lock()
        self._pool_opened = False
        if postgres_url is not None:
            self.dialect = "postgresql"
            self._pool = ConnectionPool(
                postgres_url, min_size=1, max_size=pool_size, open=False,
                kwargs={"row_factory": dict_row, "autocommit": False},
                check=check_when_idle,
            )
        else:
            self.dialect = "sqlite"
            sqlite_path.parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run a block in one transaction: commit on success, roll back on error."""
        if self._pool is not None:
            self._open_pool()
            with self._pool.connection() as conn:
                with conn.transaction():
                    yield Transaction(conn, self.dialect)
            return
        conn = self._sqlite_connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield Transaction(conn, self.dialect)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _open_pool(self) -> None:
        # Opening is not thread-safe; the first transactions may race.
        if not self._pool_opened:
            with self._open_lock:
                if not self._pool_opened:
                    self._pool.open(wait=True, timeout=30)
                    self._pool_opened = True

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """Run a read-only block; on SQLite it does not wait for the write lock."""
        if self._pool is not None:
            with self.transaction() as tx:
                yield tx
            return
        conn = self._sqlite_connection()
        conn.execute("BEGIN")
        try:
            yield Transaction(conn, self.dialect)
        finally:
            conn.rollback()

    def _sqlite_connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._sqlite_path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # Erased identifiers and destroyed keys must not linger in free pages.
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
        return conn

    def script(self, statements: Sequence[tuple[str, Sequence[Any]]], *, write: bool = False,
               wait_for_flush: bool = True) -> list[list[dict]]:
        """Run statements in one transaction and return each one's rows.

        On PostgreSQL the whole transaction is one round trip: the parameters are bound
        on this side (psycopg's client-side binding quotes them) and the statements go
        as one simple-protocol query between BEGIN and COMMIT. wait_for_flush=False lets
        a write commit without waiting for its WAL flush (counters that may lose the last
        few hits in a crash, never a fact).
        """
        if self._pool is None:
            with (self.transaction() if write else self.read()) as tx:
                return [tx.fetch_all(sql, params) for sql, params in statements]
        self._open_pool()
        with self._pool.connection() as conn:
            return _run_script(conn, statements, write, wait_for_flush)

    def truncate_wal(self) -> bool:
        """SQLite: move the write-ahead log into the database file and empty it.

        After an erasure, the log's older frames still hold the rows as they were; with
        secure_delete the database file itself keeps no freed bytes. False when a reader
        held the log past the busy timeout (the frames are then overwritten later).
        PostgreSQL: nothing to do here (see the README on its residual window).
        """
        if self._pool is not None:
            return True
        busy, _, _ = self._sqlite_connection().execute(
            "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    def ping(self, timeout: float = 3.0) -> None:
        """Run a trivial query, raising if the database does not answer within the timeout."""
        if self._pool is None:
            self._sqlite_connection().execute("SELECT 1")
            return
        # A probe must not wait the pool's 30 s while the database is away.
        self._pool.open(wait=False)
        with self._pool.connection(timeout=timeout) as conn:
            conn.execute("SELECT 1")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def _run_script(conn: psycopg.Connection, statements, write: bool,
                wait_for_flush: bool) -> list[list[dict]]:
    binder = psycopg.ClientCursor(conn)
    body = [binder.mogrify(sql.replace("?", "%s"), tuple(params)) for sql, params in statements]
    opening = ["BEGIN" if write else "BEGIN READ ONLY"]
    if not wait_for_flush:
        opening.append("SET LOCAL synchronous_commit = off")
    conn.autocommit = True  # the script carries its own BEGIN and COMMIT
    try:
        cursor = conn.execute("; ".join([*opening, *body, "COMMIT"]))
        results = []
        for index in range(len(opening) + len(body)):
            if index >= len(opening):
                results.append([dict(r) for r in cursor.fetchall()]
                               if cursor.description else [])
            cursor.nextset()
        return results
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.autocommit = False


def database_for(settings, name: str, pool_size: int = 4) -> Database:
    """Open the database a component owns: PostgreSQL when configured, else a SQLite file."""
    if settings.uses_postgres:
        return Database(postgres_url=settings.database_url, pool_size=pool_size)
    return Database(sqlite_path=settings.sqlite_path(name))


def is_unique_violation(exc: BaseException) -> bool:
    return isinstance(exc, (sqlite3.IntegrityError, psycopg.errors.UniqueViolation))


def apply_schema(db: Database, statements) -> None:
    """Run CREATE ... IF NOT EXISTS statements, serialised across processes on PostgreSQL.

    Two services starting together would otherwise race on PostgreSQL's catalog
    even with IF NOT EXISTS.
    """
    with db.transaction() as tx:
        if tx.dialect == "postgresql":
            tx.execute("SELECT pg_advisory_xact_lock(7420151)")
        for statement in statements:
            tx.execute(statement)
