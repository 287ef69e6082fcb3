"""Who may read, learned from the directory's events in the firm's own event store.

The query side never reads the command side's tables: it folds the attorney's stream
(AttorneyInvited, AttorneyRoleChanged, AttorneyDeactivated, AttorneyReactivated,
AttorneySignedOut) on each request. The command service appends each of these before
its own change commits, so a deactivation or sign-out is refused here at once.
"""

from __future__ import annotations

from uuid import UUID

import contracts
from event_store import FirmStores, UnknownFirmError
from shared.access import AccessDeniedError
from shared.auth import Principal


class AttorneyStreams:
    """Confirm a verified token against the attorney's own event stream."""

    def __init__(self, stores: FirmStores):
        self._stores = stores

    def confirm(self, principal: Principal) -> Principal:
        """Return the principal with the attorney's current role, or raise AccessDeniedError."""
        try:
            events = self._stores.for_firm(principal.firm_id).stream(UUID(principal.attorney_id))
        except (UnknownFirmError, ValueError):
            raise AccessDeniedError("the token names no firm or attorney") from None
        role, active, revoked = None, False, set()
        for event in events:
            if event.event_type == contracts.ATTORNEY_INVITED:
                role, active = event.data["role"], True
            elif event.event_type == contracts.ATTORNEY_ROLE_CHANGED:
                role = event.data["role"]
            elif event.event_type in (contracts.ATTORNEY_DEACTIVATED,
                                      contracts.ATTORNEY_REACTIVATED):
                active = event.event_type == contracts.ATTORNEY_REACTIVATED
            elif event.event_type == contracts.ATTORNEY_SIGNED_OUT:
                revoked.add(event.data["token_id"])
        if role is None or not active:
            raise AccessDeniedError("the attorney is unknown or deactivated")
        if principal.token_id in revoked:
            raise AccessDeniedError("the token was revoked")
        return principal.with_role(role)
