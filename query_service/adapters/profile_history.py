"""Rebuild a client profile as it stood at a moment, from the firm's event store."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from command_service.adapters.event_store import FirmStores
from command_service.domain.client_profile import ClientProfile


class ProfileHistory:
    """Replay a client's stored events up to a time; nothing is read from the read tables."""

    def __init__(self, stores: FirmStores):
        self._stores = stores

    def profile_as_of(self, firm_id: str, client_id: UUID, as_of: datetime) -> dict | None:
        """Return the profile as it stood at as_of, or None if it did not exist then."""
        app = self._stores.for_firm(firm_id)
        version = None
        for stored in app.recorder.select_events(client_id):
            event = app.mapper.to_domain_event(stored)
            if event.timestamp > as_of:
                break
            version = event.originator_version
        if version is None:
            return None
        profile = app.repository.get(client_id, version=version)
        if not isinstance(profile, ClientProfile):
            return None
        return {"id": str(profile.id), "version": profile.version, "status": profile.status,
                **profile.fields, "created_by": profile.created_by,
                "created_at": profile.created_on.isoformat(),
                "updated_at": profile.modified_on.isoformat(), "as_of": as_of.isoformat()}
