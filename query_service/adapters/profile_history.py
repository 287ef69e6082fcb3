"""Rebuild a client profile as it stood at a moment, from the firm's event store."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from contracts.profile import fold_profile
from event_store import FirmStores


class ProfileHistory:
    """Replay a client's stored events up to a time; nothing is read from the read tables."""

    def __init__(self, stores: FirmStores):
        self._stores = stores

    def profile_as_of(self, firm_id: str, client_id: UUID, as_of: datetime) -> dict | None:
        """Return the profile as it stood at as_of, or None if it did not exist then."""
        events = [e for e in self._stores.for_firm(firm_id).stream(client_id, reveal=True)
                  if datetime.fromisoformat(e.occurred_at) <= as_of]
        state = fold_profile(events)
        if state is None:
            return None
        return {"id": str(client_id), "version": events[-1].aggregate_version,
                "status": state["status"], **state["fields"], "created_by": state["created_by"],
                "created_at": events[0].occurred_at, "updated_at": events[-1].occurred_at,
                "as_of": as_of.isoformat()}
