"""Tamper evidence: each firm's stored events are chained, under a key, as they are recorded.

Each firm's recorder (the SQLite one below, `postgres_recorder.py`) appends, in the
same transaction that inserts events, one chain link per new notification, whose
hash covers the previous link's hash and the event exactly as stored (id,
originator, version, topic and state bytes, so ciphertext when the state is
encrypted). Links are written under the lock that already serialises a firm's
inserts (SQLite's write lock; a per-firm advisory lock in PostgreSQL), so
concurrent saves from any number of processes extend one linear chain.

Each link is an HMAC-SHA256 under a per-firm key derived from the master key, which lives
outside the database: someone who can write the database but does not hold the master key
cannot forge an event and recompute the links after it. Chains written before links were
keyed are re-linked once, after verifying them, by `visa migrate` (`adopt_keyed_chain`).
Signed checkpoints of the chain heads (`checkpoints.py`) cover even a holder of the key.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

GENESIS = "0" * 64


def chain_key(master_key: bytes, firm_id: str) -> bytes:
    """The firm's chain key: derived from the master key, never stored beside the events."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"visa audit chain v1 {firm_id}".encode()).derive(master_key)


def link_hash(key: bytes | None, prev_hash: str, notification_id: int,
              originator_id: UUID | str, originator_version: int, topic: str,
              state: bytes) -> str:
    """Chain one stored event onto the previous link (key None: the unkeyed links of old)."""
    head = (f"{prev_hash}\n{notification_id}\n{UUID(str(originator_id))}\n"
            f"{originator_version}\n{topic}\n")
    # A tampered SQLite row may hold text instead of bytes; hash it, never crash.
    body = state.encode() if isinstance(state, str) else bytes(state)
    if key is None:
        return hashlib.sha256(head.encode() + body).hexdigest()
    return hmac.new(key, head.encode() + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    notification_id: int
    prev_hash: str
    hash: str


def links_for(key: bytes | None, rows: Iterable[tuple],
              last: ChainLink | None) -> list[ChainLink]:
    prev = last.hash if last else GENESIS
    links = []
    for notification_id, originator_id, version, topic, state in rows:
        digest = link_hash(key, prev, notification_id, originator_id, version, topic, state)
        links.append(ChainLink(notification_id, prev, digest))
        prev = digest
    return links


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """The SQLite recorder, extending the firm's hash chain in each insert transaction."""

    chain_key: bytes | None = None  # set by the firm's store once it is built

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
        links = links_for(required_key(self.chain_key), (tuple(r) for r in c.fetchall()), last)
        c.executemany(f"INSERT INTO {self.chain_table} (notification_id, prev_hash, hash)"
                      " VALUES (?, ?, ?)",
                      [(x.notification_id, x.prev_hash, x.hash) for x in links])
        return ids

    def chain_links(self) -> list[ChainLink]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT notification_id, prev_hash, hash FROM {self.chain_table}"
                      " ORDER BY notification_id")
            return [ChainLink(*r) for r in c.fetchall()]

    def replace_chain(self, links: Sequence[ChainLink]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {self.chain_table}")
            c.executemany(f"INSERT INTO {self.chain_table} (notification_id, prev_hash, hash)"
                          " VALUES (?, ?, ?)",
                          [(x.notification_id, x.prev_hash, x.hash) for x in links])


def required_key(key: bytes | None) -> bytes:
    if not key:
        raise RuntimeError("the firm's chain key is not set: open stores through FirmStores")
    return key


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # altered, missing, broken_link, unchained
    notification_id: int
    detail: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "position": self.notification_id, "detail": self.detail}


def verify_chain(links: Sequence[ChainLink], notifications: Sequence[Notification],
                 key: bytes | None) -> tuple[list[ChainProblem], str]:
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
        elif link_hash(key, link.prev_hash, event.id, event.originator_id, event.originator_version,
                       event.topic, event.state) != link.hash:
            problems.append(ChainProblem("altered", position,
                                         f"stored event of {event.originator_id}"
                                         f" v{event.originator_version} differs from its hash"))
        expected_prev = link.hash
    return problems, (links[-1].hash if links else GENESIS)


def rechained(links: Sequence[ChainLink], notifications: Sequence[Notification],
              key: bytes) -> list[ChainLink] | None:
    """The keyed chain for an intact chain of unkeyed links, or None when it needs none.

    Raises ValueError when the unkeyed chain does not verify: history that was already
    tampered with is never re-linked (that would launder it).
    """
    if not links or not verify_chain(links, notifications, key)[0]:
        return None
    problems, _ = verify_chain(links, notifications, None)
    if problems:
        raise ValueError(f"the chain does not verify, keyed or not: {problems[0].detail}")
    return links_for(key, ((n.id, n.originator_id, n.originator_version, n.topic, n.state)
                           for n in notifications), None)
