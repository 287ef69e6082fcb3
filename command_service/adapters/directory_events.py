"""Record the directory's changes as contract events in the firm's own event store.

The query side learns firms, attorneys, roles and revoked tokens from these events,
never from the command side's tables. One stream per firm (FirmCreated) and per attorney.
"""

from __future__ import annotations

from event_store import AppendConflictError, FirmStores

APPEND_ATTEMPTS = 5


class DirectoryEvents:
    def __init__(self, stores: FirmStores):
        self._stores = stores

    def is_new(self, firm_id: str, stream_id: str) -> bool:
        return not self._stores.for_firm(firm_id).stream(stream_id)

    def latest_version(self, firm_id: str, stream_id: str, event_types) -> int:
        """The stream's version of its latest event of these types (0 when none)."""
        return max((e.aggregate_version for e in self._stores.for_firm(firm_id).stream(stream_id)
                    if e.event_type in event_types), default=0)

    def record(self, firm_id: str, stream_id: str, event_type: str, payload: dict,
               meta: dict | None = None) -> int:
        """Append the event at the stream's next version; return that version."""
        store = self._stores.for_firm(firm_id)
        for attempt in range(1, APPEND_ATTEMPTS + 1):
            version = len(store.stream(stream_id)) + 1
            try:
                store.append(stream_id, version, event_type, payload,
                             meta or {"actor_kind": "operator"})
                return version
            except AppendConflictError:
                if attempt == APPEND_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")
