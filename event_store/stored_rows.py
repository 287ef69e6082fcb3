"""A firm's stored rows as plain tuples, for reads that decode them the short way.

The firm's recorder reads them (in binary on PostgreSQL: a state arrives as stored, not
hex-encoded); a row keeps the originator's id as text, as envelopes carry it.
"""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID


class StoredRow(NamedTuple):
    position: int  # 0 where read by stream, not from the firm's log
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def log_rows(recorder, after: int, limit: int) -> list[StoredRow]:
    """The firm's rows stored after a position, in log order."""
    return [StoredRow(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
            for n in recorder.select_notifications(after, limit, inclusive_of_start=False)]


def stream_rows(recorder, aggregate_id: UUID, to_version: int | None = None) -> list[StoredRow]:
    """One aggregate's rows in version order, up to to_version (all without it)."""
    stream_id = str(aggregate_id)
    return [StoredRow(0, stream_id, s.originator_version, s.topic, s.state)
            for s in recorder.select_events(aggregate_id, lte=to_version)]
