"""Tamper evidence: each firm's stored events are hash-chained as they are recorded.

The recorders below extend the library's recorders: in the same transaction
that inserts events, they append one chain link per new notification, whose
hash covers the previous link's hash and the event exactly as stored (id,
originator, version, topic and state bytes, so ciphertext when the state is
encrypted). Links are written under the lock that already serialises inserts
(SQLite's write lock; PostgreSQL's EXCLUSIVE lock on the events table), so
concurrent saves from any number of processes extend one linear chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

GENESIS = "0" * 64


def link_hash(prev_hash: str, notification_id: int, originator_id: UUID | str,
              originator_version: int, topic: str, state: bytes) -> str:
    """Hash one stored event onto the previous link."""
    head = (f"{prev_hash}\n{notification_id}\n{UUID(str(originator_id))}\n"
            f"{originator_version}\n{topic}\n")
    # A tampered SQLite row may hold text instead of bytes; hash it, never crash.
    body = state.encode() if isinstance(state, str) else bytes(state)
    return hashlib.sha256(head.encode() + body).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    notification_id: int
    prev_hash: str
    hash: str


def _links_for(rows: Iterable[tuple], last: ChainLink | None) -> list[ChainLink]:
    prev = last.hash if last else GENESIS
    links = []
    for notification_id, originator_id, version, topic, state in rows:
        digest = link_hash(prev, notification_id, originator_id, version, topic, state)
        links.append(ChainLink(notification_id, prev, digest))
        prev = digest
    return links


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """The SQLite recorder, extending the firm's hash chain in each insert transaction."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {self.chain_table} (notification_id INTEGER"
                " PRIMARY KEY, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"]

    @property
    def chain_table(self) -> str:
        return self.events_table_name + "_chain"

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        c.execute(f"SELECT notification_id, prev_hash, hash FROM {self.chain_table}"
                  " ORDER BY notification_id DESC LIMIT 1")
        row = c.fetchone()
        last = ChainLink(*row) if row else None
        c.execute(f"SELECT rowid, originator_id, originator_version, topic, state"
                  f" FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid",
                  (last.notification_id if last else 0,))
        links = _links_for((tuple(r) for r in c.fetchall()), last)
        c.executemany(f"INSERT INTO {self.chain_table} (notification_id, prev_hash, hash)"
                      " VALUES (?, ?, ?)",
                      [(x.notification_id, x.prev_hash, x.hash) for x in links])
        return ids

    def chain_links(self) -> list[ChainLink]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT notification_id, prev_hash, hash FROM {self.chain_table}"
                      " ORDER BY notification_id")
            return [ChainLink(*r) for r in c.fetchall()]


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    """The PostgreSQL recorder, extending the firm's hash chain in each insert transaction.

    It appends without the library's pipeline: psycopg's pipeline sync can return while
    part of a large INSERT is still in libpq's output buffer and then wait for a reply
    the server cannot send (it is waiting for the rest of the statement), which hung
    batches of a few megabytes forever, holding the firm's lock. Outside a pipeline,
    psycopg flushes every statement completely before it waits for the answer.
    """

    def __init__(self, datastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        events = Identifier(self.events_table_name)
        self.chain_table = (schema, Identifier(self.events_table_name + "_chain"))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.{1} (notification_id bigint PRIMARY KEY,"
            " prev_hash text NOT NULL, hash text NOT NULL)").format(*self.chain_table))
        # One simple-protocol round trip: open the transaction, take the firm's write
        # lock, read where the log and the chain end.
        self._lock_and_read_head = SQL(
            "BEGIN; SET LOCAL lock_timeout = '{timeout}s';"
            " LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;"
            " SELECT (SELECT max(notification_id) FROM {schema}.{events}) AS last_id,"
            " l.notification_id, l.prev_hash, l.hash FROM (SELECT 1) AS one LEFT JOIN"
            " (SELECT * FROM {schema}.{chain} ORDER BY notification_id DESC LIMIT 1) AS l"
            " ON true").format(timeout=self.datastore.lock_timeout, schema=schema,
                               events=events, chain=self.chain_table[1])
        # The events and their links in one statement; positions are assigned here,
        # under the lock, so they follow commit order without gaps.
        self._insert_events_and_links = SQL(
            "WITH appended AS (INSERT INTO {schema}.{events} (notification_id, originator_id,"
            " originator_version, topic, state) SELECT * FROM unnest(%s::bigint[], %s::uuid[],"
            " %s::bigint[], %s::text[], %s::bytea[]))"
            " INSERT INTO {schema}.{chain} (notification_id, prev_hash, hash)"
            " SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[])"
        ).format(schema=schema, events=events, chain=self.chain_table[1])

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn:
            try:
                ids = self._append(conn, stored_events)
                conn.execute("COMMIT")
            except BaseException:
                conn.rollback()
                raise
        return ids

    def _append(self, conn, stored_events: Sequence[StoredEvent]) -> list[int]:
        cursor = conn.execute(self._lock_and_read_head)
        while cursor.nextset():
            pass
        head = cursor.fetchone()
        last = (ChainLink(head["notification_id"], head["prev_hash"], head["hash"])
                if head["notification_id"] is not None else None)
        # Past both ends: a deleted last event must not make a new one reuse its link's id.
        first = max(head["last_id"] or 0, head["notification_id"] or 0) + 1
        ids = list(range(first, first + len(stored_events)))
        links = _links_for(((i, e.originator_id, e.originator_version, e.topic, e.state)
                            for i, e in zip(ids, stored_events)), last)
        conn.execute(self._insert_events_and_links, (
            ids, [UUID(str(e.originator_id)) for e in stored_events],
            [e.originator_version for e in stored_events], [e.topic for e in stored_events],
            [bytes(e.state) for e in stored_events], [x.notification_id for x in links],
            [x.prev_hash for x in links], [x.hash for x in links]))
        return ids

    def chain_links(self) -> list[ChainLink]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SQL("SELECT notification_id, prev_hash, hash FROM {0}.{1}"
                             " ORDER BY notification_id").format(*self.chain_table))
            return [ChainLink(r["notification_id"], r["prev_hash"], r["hash"])
                    for r in curs.fetchall()]


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # altered, missing, broken_link, unchained
    notification_id: int
    detail: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "position": self.notification_id, "detail": self.detail}


def verify_chain(links: Sequence[ChainLink],
                 notifications: Sequence[Notification]) -> tuple[list[ChainProblem], str]:
    """Check every stored event against its link; return the problems and the chain head."""
    events = {n.id: n for n in notifications}
    by_id = {link.notification_id: link for link in links}
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    for position in sorted(events.keys() | by_id.keys()):
        link, event = by_id.get(position), events.get(position)
        if link is None:
            problems.append(ChainProblem("unchained", position, "event has no chain link"))
            continue
        if link.prev_hash != expected_prev:
            problems.append(ChainProblem("broken_link", position,
                                         "link does not follow the previous link (an event"
                                         " was removed or the events were reordered)"))
        if event is None:
            problems.append(ChainProblem("missing", position, "chained event is missing"))
        elif link_hash(link.prev_hash, event.id, event.originator_id, event.originator_version,
                       event.topic, event.state) != link.hash:
            problems.append(ChainProblem("altered", position,
                                         f"stored event of {event.originator_id}"
                                         f" v{event.originator_version} differs from its hash"))
        expected_prev = link.hash
    return problems, (links[-1].hash if links else GENESIS)
