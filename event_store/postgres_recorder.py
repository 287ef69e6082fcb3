"""A firm's PostgreSQL recorder: appends in one round trip, hash-chained, announced.

Each append must keep three promises: positions follow commit order without gaps (so
the relay never passes a position that fills in later), every event gets its chain
link in the same transaction, and the relay is woken at commit. A per-firm advisory
lock serialises the firm's appends (lighter than the library's EXCLUSIVE table lock,
which also stopped autovacuum's ANALYZE); positions and links are computed here, from
the bytes in hand, on top of the chain head this process last saw; the firm's append
function checks that head under the lock and inserts events and links, announcing the
append, in one autocommitted statement. When another writer moved the head meanwhile,
the function refuses and the append is retried in an explicit transaction that reads
the head under the lock first.

Nothing here uses psycopg's pipeline mode: its sync could return with part of a large
INSERT still in libpq's output buffer and then wait forever for an answer the server
could not send (it was waiting for the rest of the statement), holding the lock.
"""

from __future__ import annotations

import threading
from typing import Any, Sequence
from uuid import UUID

from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

from event_store.chain import GENESIS, ChainLink, links_for, required_key

STORED_CHANNEL = "visa_events_stored"
# Advisory locks taken with two keys never collide with single-key ones (the DDL lock).
APPEND_LOCK_CLASS = 7_310_512


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL recorder with the firm's hash chain and one-trip appends."""

    chain_key: bytes | None = None  # set by the firm's store once it is built

    def __init__(self, datastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        names = self._names = _Names(self.datastore.schema, self.events_table_name)
        self.chain_table = (names.schema, names.chain)
        self.sql_create_statements += [
            SQL("CREATE TABLE IF NOT EXISTS {schema}.{chain} (notification_id bigint PRIMARY KEY,"
                " prev_hash text NOT NULL, hash text NOT NULL)").format(**names.sql),
            *_append_functions(names, self.datastore.lock_timeout),
        ]
        self._append_call = SQL("SELECT * FROM {schema}.{append}(%s, %s, %s, %s, %s, %s, %s,"
                                " %s, %s)").format(**names.sql)
        self._lock_and_read_head = SQL(
            "BEGIN; {lock_timeout} SELECT pg_advisory_xact_lock({lock_keys});"
            " SELECT * FROM {schema}.{head}()").format(
            lock_timeout=_lock_timeout_statement(self.datastore.lock_timeout), **names.sql)
        self._insert_and_announce = SQL(
            "WITH new (id, originator, version, topic, state, prev_hash, hash) AS (SELECT * FROM"
            " unnest(%s::bigint[], %s::uuid[], %s::bigint[], %s::text[], %s::bytea[],"
            " %s::text[], %s::text[])), appended AS (INSERT INTO {schema}.{events}"
            " (notification_id, originator_id, originator_version, topic, state)"
            " SELECT id, originator, version, topic, state FROM new), linked AS (INSERT INTO"
            " {schema}.{chain} (notification_id, prev_hash, hash) SELECT id, prev_hash, hash"
            " FROM new) SELECT pg_notify({channel}, {firm})").format(**names.sql)
        self._select_stream = SQL("SELECT originator_version, topic, state FROM {schema}.{events}"
                                  " WHERE originator_id = %s").format(**names.sql)
        self._head: ChainLink | None = None
        self._head_lock = threading.Lock()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn:
            links = self._append_on_known_head(conn, stored_events)
            if links is None:
                links = self._append_under_lock(conn, stored_events)
        self._remember(links[-1])
        return [link.notification_id for link in links]

    def _append_on_known_head(self, conn, events: Sequence[StoredEvent]) -> list[ChainLink] | None:
        """One round trip, if the head this process last saw is still the firm's head."""
        head = self._head
        if head is None:
            return None
        links = _links_after(self.chain_key, head, events)
        row = conn.execute(self._append_call, (head.notification_id, head.hash,
                                               *_arguments(events, links)),
                           prepare=True).fetchone()
        return links if row["appended"] else None

    def _append_under_lock(self, conn, events: Sequence[StoredEvent]) -> list[ChainLink]:
        try:
            cursor = conn.execute(self._lock_and_read_head)
            while cursor.nextset():
                pass
            row = cursor.fetchone()
            links = _links_after(self.chain_key, ChainLink(row["last_id"], "", row["last_hash"]),
                                 events)
            conn.execute(self._insert_and_announce, _arguments(events, links))
            conn.execute("COMMIT")
        except BaseException:
            conn.rollback()
            raise
        return links

    def _remember(self, head: ChainLink) -> None:
        with self._head_lock:
            if self._head is None or head.notification_id > self._head.notification_id:
                self._head = head

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), *, inclusive_of_start: bool = True
                             ) -> Sequence[Notification]:
        """The library's read of the log, in binary: states arrive as sent, not hex-encoded.

        A check's stored state is ~120 KB; in text format the server doubles it into hex and
        the client decodes it back, which took half the time of reading a firm's history.
        """
        where, params = [], []
        if start is not None:
            where.append("notification_id >= %s" if inclusive_of_start
                         else "notification_id > %s")
            params.append(start)
        if stop is not None:
            where.append("notification_id <= %s")
            params.append(stop)
        if topics:
            where.append("topic = ANY(%s)")
            params.append(list(topics))
        statement = SQL("SELECT notification_id, originator_id, originator_version, topic, state"
                        " FROM {schema}.{events}").format(**self._names.sql)
        if where:
            statement += SQL(" WHERE " + " AND ".join(where))
        statement += SQL(" ORDER BY notification_id LIMIT %s")
        with self.datastore.get_connection() as conn, conn.cursor(binary=True) as curs:
            curs.execute(statement, [*params, limit], prepare=True)
            return [Notification(id=row["notification_id"], originator_id=row["originator_id"],
                                 originator_version=row["originator_version"],
                                 topic=row["topic"], state=bytes(row["state"]))
                    for row in curs.fetchall()]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(self, originator_id: UUID | str, *, gt: int | None = None,
                      lte: int | None = None, desc: bool = False,
                      limit: int | None = None) -> Sequence[StoredEvent]:
        """The library's read of one stream (an aggregate's load), in binary.

        Every row has the id asked for, so it is not read back: building a UUID per row
        from the wire cost as much as the rest of reading a client of 200 events.
        """
        stream_id = originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
        statement, params = self._select_stream, [stream_id]
        for bound, clause in ((gt, " AND originator_version > %s"),
                              (lte, " AND originator_version <= %s")):
            if bound is not None:
                statement, params = statement + SQL(clause), [*params, bound]
        statement += SQL(" ORDER BY originator_version DESC" if desc
                         else " ORDER BY originator_version ASC")
        if limit is not None:
            statement, params = statement + SQL(" LIMIT %s"), [*params, limit]
        with self.datastore.get_connection() as conn, \
                conn.cursor(binary=True, row_factory=tuple_row) as curs:
            curs.execute(statement, params, prepare=True)
            return [StoredEvent(originator_id=stream_id, originator_version=version,
                                topic=topic, state=state)
                    for version, topic, state in curs.fetchall()]

    def chain_links(self) -> list[ChainLink]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SQL("SELECT notification_id, prev_hash, hash FROM {0}.{1}"
                             " ORDER BY notification_id").format(*self.chain_table))
            return [ChainLink(r["notification_id"], r["prev_hash"], r["hash"])
                    for r in curs.fetchall()]

    def replace_chain(self, links: Sequence[ChainLink]) -> None:
        """Swap the firm's links, under its append lock, in one transaction."""
        with self.datastore.get_connection() as conn:
            with conn.transaction():
                conn.execute(SQL("SELECT pg_advisory_xact_lock({lock_keys})").format(
                    **self._names.sql))
                conn.execute(SQL("DELETE FROM {0}.{1}").format(*self.chain_table))
                with conn.cursor() as curs:
                    curs.executemany(SQL("INSERT INTO {0}.{1} (notification_id, prev_hash, hash)"
                                         " VALUES (%s, %s, %s)").format(*self.chain_table),
                                     [(x.notification_id, x.prev_hash, x.hash) for x in links])
        with self._head_lock:
            self._head = None


class _Names:
    """The identifiers of one firm's tables and functions."""

    def __init__(self, schema: str, events_table: str):
        self.schema = Identifier(schema)
        self.chain = Identifier(events_table + "_chain")
        firm_hex = events_table.removeprefix("firm_").removesuffix("_events")
        self.sql = {
            "schema": self.schema, "events": Identifier(events_table), "chain": self.chain,
            "append": Identifier("append_" + events_table),
            "head": Identifier("head_of_" + events_table),
            "lock_keys": SQL("{0}, hashtext({1})").format(Literal(APPEND_LOCK_CLASS),
                                                         Literal(events_table)),
            "channel": Literal(STORED_CHANNEL), "firm": Literal(_firm_id(firm_hex)),
        }


def _firm_id(firm_hex: str) -> str:
    try:
        return str(UUID(firm_hex))
    except ValueError:  # a table that is not a firm's (the library's default name)
        return firm_hex


def _lock_timeout_statement(seconds: int):
    return SQL("SET LOCAL lock_timeout = {0};").format(Literal(f"{seconds}s")) if seconds \
        else SQL("")


def _append_functions(names: _Names, lock_timeout: int) -> list:
    # The head: past both the last event and the last link (a deleted last event must
    # not make a new one reuse its link's position), with the last link's hash.
    head = SQL(
        "CREATE OR REPLACE FUNCTION {schema}.{head}() RETURNS TABLE (last_id bigint,"
        " last_hash text) LANGUAGE sql STABLE AS $$ SELECT greatest("
        " (SELECT coalesce(max(notification_id), 0) FROM {schema}.{events}),"
        " (SELECT coalesce(max(notification_id), 0) FROM {schema}.{chain})),"
        " coalesce((SELECT hash FROM {schema}.{chain} ORDER BY notification_id DESC LIMIT 1),"
        " {genesis}) $$").format(genesis=Literal(GENESIS), **names.sql)
    append = SQL(
        "CREATE OR REPLACE FUNCTION {schema}.{append}(expected_id bigint, expected_hash text,"
        " ids bigint[], originators uuid[], versions bigint[], topics text[], states bytea[],"
        " prev_hashes text[], hashes text[]) RETURNS TABLE (appended boolean)"
        " LANGUAGE plpgsql AS $$ DECLARE head record; BEGIN"
        " {lock_timeout} PERFORM pg_advisory_xact_lock({lock_keys});"
        " SELECT * INTO head FROM {schema}.{head}();"
        " IF head.last_id <> expected_id OR head.last_hash <> expected_hash THEN"
        " RETURN QUERY SELECT false; RETURN; END IF;"
        " INSERT INTO {schema}.{events} (notification_id, originator_id, originator_version,"
        " topic, state) SELECT * FROM unnest(ids, originators, versions, topics, states);"
        " INSERT INTO {schema}.{chain} (notification_id, prev_hash, hash)"
        " SELECT * FROM unnest(ids, prev_hashes, hashes);"
        " PERFORM pg_notify({channel}, {firm}); RETURN QUERY SELECT true; END $$"
    ).format(lock_timeout=(
        SQL("PERFORM set_config('lock_timeout', {0}, true);").format(Literal(f"{lock_timeout}s"))
        if lock_timeout else SQL("")), **names.sql)
    return [head, append]


def _links_after(key: bytes | None, head: ChainLink,
                 events: Sequence[StoredEvent]) -> list[ChainLink]:
    first = head.notification_id + 1
    return links_for(required_key(key), ((first + n, e.originator_id, e.originator_version,
                                          e.topic, e.state)
                      for n, e in enumerate(events)), head)


def _arguments(events: Sequence[StoredEvent], links: list[ChainLink]) -> tuple:
    return ([x.notification_id for x in links], [UUID(str(e.originator_id)) for e in events],
            [e.originator_version for e in events], [e.topic for e in events],
            [bytes(e.state) for e in events], [x.prev_hash for x in links],
            [x.hash for x in links])
