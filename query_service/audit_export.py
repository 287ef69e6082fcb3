"""Compliance replay: a firm's whole event history, identifiers opened, as JSON Lines.

Read straight from the firm's event store (not the read tables), page by page, so an
export of any size streams in constant memory. An erased client's identifiers stay
sealed: their key was destroyed, and the export shows the tokens as stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

import orjson

from contracts import EventEnvelope
from event_store import FirmStores

@dataclass
class ExportCount:
    events: int = 0


class AuditExport:
    """Stream one firm's decrypted event history, oldest first."""

    def __init__(self, stores: FirmStores):
        self._stores = stores

    def lines(self, firm_id: str, as_of: datetime | None = None,
              count: ExportCount | None = None) -> Iterator[str]:
        """Yield one JSON line per event that occurred at or before as_of (default: all)."""
        for envelope in self._stores.for_firm(firm_id).history():
            if as_of is None or datetime.fromisoformat(envelope.occurred_at) <= as_of:
                if count is not None:
                    count.events += 1
                yield audit_line(envelope)


def audit_line(e: EventEnvelope) -> str:
    # orjson: a concluded check's result is about 100 KB of JSON.
    return orjson.dumps({"position": e.position, "event_type": e.event_type,
                         "schema_version": e.schema_version, "aggregate_id": e.aggregate_id,
                         "aggregate_version": e.aggregate_version, "occurred_at": e.occurred_at,
                         "data": e.data, "meta": e.meta}, default=str).decode()
