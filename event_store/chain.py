"""Tamper evidence: each firm's stored events are hash-chained as they are recorded.

Each firm's recorder (the SQLite one below, `postgres_recorder.py`) appends, in the
same transaction that inserts events, one chain link per new notification, whose
hash covers the previous link's hash and the event exactly as stored (id,
originator, version, topic and state bytes, so ciphertext when the state is
encrypted). Links are written under the lock that already serialises a firm's
inserts (SQLite's write lock; a per-firm advisory lock in PostgreSQL), so
concurrent saves from any number of processes extend one linear chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

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


def links_for(rows: Iterable[tuple], last: ChainLink | None) -> list[ChainLink]:
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
        links = links_for((tuple(r) for r in c.fetchall()), last)
        c.executemany(f"INSERT INTO {self.chain_table} (notification_id, prev_hash, hash)"
                      " VALUES (?, ?, ?)",
                      [(x.notification_id, x.prev_hash, x.hash) for x in links])
        return ids

    def chain_links(self) -> list[ChainLink]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT notification_id, prev_hash, hash FROM {self.chain_table}"
                      " ORDER BY notification_id")
            return [ChainLink(*r) for r in c.fetchall()]


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
