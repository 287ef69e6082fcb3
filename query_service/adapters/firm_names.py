"""A firm's name, learned from the FirmCreated event in the firm's own event store."""

from __future__ import annotations

from uuid import UUID

import contracts
from event_store import FirmStores, UnknownFirmError


class FirmNames:
    """Read the firm's name from its own stream (the query side never reads the directory)."""

    def __init__(self, stores: FirmStores):
        self._stores = stores

    def name(self, firm_id: str) -> str | None:
        try:
            events = self._stores.for_firm(firm_id).stream(UUID(firm_id))
        except (UnknownFirmError, ValueError):
            return None
        names = [e.data["name"] for e in events if e.event_type == contracts.FIRM_CREATED]
        return names[-1] if names else None
