"""A firm's stored rows as plain tuples, for replays that read many of them.

The library builds a StoredEvent or Notification per row from dict rows, UUID objects and
bytea in text format (hex, twice the bytes on the wire). A replay wants only the bytes: on
PostgreSQL they are read in binary format with the id as text, about half the library's
time for a page of events; on SQLite the library's own reads are kept.
"""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier


class StoredRow(NamedTuple):
    position: int  # 0 where read by stream, not from the firm's log
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def log_rows(recorder, after: int, limit: int) -> list[StoredRow]:
    """The firm's rows stored after a position, in log order."""
    if isinstance(recorder, PostgresAggregateRecorder):
        return _postgres_rows(recorder, _LOG, (after, limit))
    return [StoredRow(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
            for n in recorder.select_notifications(after, limit, inclusive_of_start=False)]


def stream_rows(recorder, aggregate_id: UUID, to_version: int | None = None) -> list[StoredRow]:
    """One aggregate's rows in version order, up to to_version (all without it)."""
    if isinstance(recorder, PostgresAggregateRecorder):
        if to_version is None:
            return _postgres_rows(recorder, _STREAM, (aggregate_id,))
        return _postgres_rows(recorder, _STREAM_UP_TO, (aggregate_id, to_version))
    return [StoredRow(0, str(s.originator_id), s.originator_version, s.topic, s.state)
            for s in recorder.select_events(aggregate_id, lte=to_version)]


_COLUMNS = "originator_id::text, originator_version, topic, state FROM {schema}.{table}"
_LOG = (f"SELECT notification_id, {_COLUMNS} WHERE notification_id > %s"
        " ORDER BY notification_id LIMIT %s")
_STREAM = f"SELECT 0, {_COLUMNS} WHERE originator_id = %s ORDER BY originator_version"
_STREAM_UP_TO = (f"SELECT 0, {_COLUMNS} WHERE originator_id = %s AND originator_version <= %s"
                 " ORDER BY originator_version")


@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def _postgres_rows(recorder: PostgresAggregateRecorder, query: str, params: tuple) -> list:
    statement = SQL(query).format(schema=Identifier(recorder.datastore.schema),
                                  table=Identifier(recorder.events_table_name))
    with recorder.datastore.get_connection() as conn, \
            conn.cursor(binary=True, row_factory=tuple_row) as cursor:
        cursor.execute(statement, params, prepare=True)
        return [StoredRow._make(row) for row in cursor.fetchall()]
