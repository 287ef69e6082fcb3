"""Dead letters: events a consumer could not apply, set aside with the error so the firm moves on.

A poison event (one that fails the same way every time it is applied) would otherwise stall
its firm for good, since consumers apply a firm's events in order. Errors that a retry can
cure (the database is away, a lock timed out) are not poison: the caller lets them propagate
and the event is delivered again. Once an aggregate has an event set aside, its later events
are set aside behind it ("held"), so a retry applies them in their order.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import psycopg_pool
from eventsourcing import persistence

from contracts import EventEnvelope
from shared.logs import redact
from shared.metrics import EVENTS_QUARANTINED
from shared.sql import Database, Transaction, apply_schema

QUARANTINED, SKIPPED = "quarantined", "skipped"
HELD = "held behind an earlier quarantined event of the same aggregate (position {})"


def schema(table: str) -> list[str]:
    return [
        f"""CREATE TABLE IF NOT EXISTS {table} (
            consumer TEXT NOT NULL, firm_id TEXT NOT NULL, position BIGINT NOT NULL,
            event_type TEXT NOT NULL, aggregate_id TEXT NOT NULL, error TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL, first_failed_at TEXT NOT NULL,
            last_failed_at TEXT NOT NULL, PRIMARY KEY (consumer, firm_id, position))""",
        f"CREATE INDEX IF NOT EXISTS {table}_open ON {table} (consumer, status, firm_id)",
    ]


def is_transient(exc: BaseException) -> bool:
    """Say whether delivering the event again may succeed without anyone changing anything."""
    return isinstance(exc, (sqlite3.OperationalError, psycopg.OperationalError,
                            psycopg.InterfaceError, psycopg_pool.PoolTimeout,
                            persistence.OperationalError, persistence.InterfaceError,
                            ConnectionError, TimeoutError))


def describe(exc: BaseException) -> str:
    """The error as kept and shown to operators: its type and scrubbed message, storable."""
    text = redact(f"{type(exc).__name__}: {exc}")[:1000]
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


@dataclass(frozen=True)
class QuarantinedEvent:
    consumer: str
    firm_id: str
    position: int
    event_type: str
    aggregate_id: str
    error: str
    status: str
    attempts: int
    first_failed_at: str
    last_failed_at: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class Quarantine:
    """One consumer's set-aside events, in a table of the consumer's own database."""

    def __init__(self, db: Database, consumer: str, table: str):
        self.db = db
        self.consumer = consumer
        self.table = table

    def migrate(self) -> None:
        apply_schema(self.db, schema(self.table))

    def record(self, tx: Transaction, firm_id: str, position: int, event_type: str,
               aggregate_id: str, error: str) -> None:
        """Set an event aside (or note one more failed attempt at it)."""
        now = datetime.now(UTC).isoformat()
        tx.execute(
            f"INSERT INTO {self.table} (consumer, firm_id, position, event_type, aggregate_id,"
            " error, status, attempts, first_failed_at, last_failed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (consumer, firm_id, position)"
            f" DO UPDATE SET error = excluded.error, status = excluded.status,"
            f" attempts = {self.table}.attempts + 1, last_failed_at = excluded.last_failed_at",
            (self.consumer, firm_id, position, event_type, aggregate_id, error, QUARANTINED,
             now, now))
        EVENTS_QUARANTINED.labels(self.consumer, event_type).inc()

    def record_envelope(self, tx: Transaction, envelope: EventEnvelope, error: str) -> None:
        self.record(tx, envelope.firm_id, envelope.position, envelope.event_type,
                    envelope.aggregate_id, error)

    def held_aggregates(self, tx: Transaction, firm_id: str) -> dict[str, int]:
        """Each aggregate of the firm with an event still set aside, and its first position."""
        rows = tx.fetch_all(f"SELECT aggregate_id, MIN(position) AS first FROM {self.table}"
                            " WHERE consumer = ? AND firm_id = ? AND status = ?"
                            " GROUP BY aggregate_id", (self.consumer, firm_id, QUARANTINED))
        return {r["aggregate_id"]: int(r["first"]) for r in rows}

    def release(self, tx: Transaction, firm_id: str, position: int) -> None:
        """Forget an event that now applied."""
        tx.execute(f"DELETE FROM {self.table} WHERE consumer = ? AND firm_id = ?"
                   " AND position = ?", (self.consumer, firm_id, position))

    def skip(self, firm_id: str, position: int) -> bool:
        """Give up on an event for good (kept, marked skipped); False if none is open there."""
        with self.db.transaction() as tx:
            changed = tx.execute(f"UPDATE {self.table} SET status = ? WHERE consumer = ?"
                                 " AND firm_id = ? AND position = ? AND status = ?",
                                 (SKIPPED, self.consumer, firm_id, position, QUARANTINED))
        return changed > 0

    def events(self, firm_id: str | None = None, status: str | None = QUARANTINED,
               tx: Transaction | None = None) -> list[QuarantinedEvent]:
        """The set-aside events, oldest position first per firm."""
        if tx is None:
            with self.db.transaction() as own:
                return self.events(firm_id, status, own)
        clauses, params = ["consumer = ?"], [self.consumer]
        if firm_id is not None:
            clauses.append("firm_id = ?")
            params.append(firm_id)
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        rows = tx.fetch_all(f"SELECT * FROM {self.table} WHERE {' AND '.join(clauses)}"
                            " ORDER BY firm_id, position", params)
        return [QuarantinedEvent(**{k: r[k] for k in QuarantinedEvent.__dataclass_fields__})
                for r in rows]
