"""Rebuild a client profile as it stood at a moment, from the firm's event store.

The events are folded with the client's identifiers sealed and only the profile that
results is opened: an edit carries its field's old and new value, so opening each event
would decrypt two values per edit to keep one of them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from contracts import EventEnvelope
from contracts.profile import fold_profile
from event_store import FirmStores


class ProfileHistory:
    """Replay a client's stored events up to a time; nothing is read from the read tables."""

    def __init__(self, stores: FirmStores):
        self._stores = stores

    def profile_as_of(self, firm_id: str, client_id: UUID, as_of: datetime) -> dict | None:
        """Return the profile as it stood at as_of, or None if it did not exist then."""
        events = [e for e in self._stores.for_firm(firm_id).stream(client_id)
                  if datetime.fromisoformat(e.occurred_at) <= as_of]
        state = self._opened_fold(firm_id, client_id, events)
        if state is None:
            return None
        return {"id": str(client_id), "version": events[-1].aggregate_version,
                "status": state["status"], **state["fields"], "created_by": state["created_by"],
                "created_at": events[0].occurred_at, "updated_at": events[-1].occurred_at,
                "as_of": as_of.isoformat()}

    def _opened_fold(self, firm_id: str, client_id: UUID,
                     events: list[EventEnvelope]) -> dict | None:
        state = fold_profile(events)
        keyring = self._stores.keyring
        if state is None or keyring is None:
            return state
        sealer = keyring.sealer(firm_id, str(client_id))
        if not sealer.can_open:
            # The key is gone: every sealed value reads as None, and an edit to None
            # removes its field, so the events are opened (to None) before the fold.
            return fold_profile([replace(e, data=sealer.open_profile_data(e.data))
                                 for e in events])
        return {**state, "fields": sealer.open_profile_data({"fields": state["fields"]})["fields"]}
