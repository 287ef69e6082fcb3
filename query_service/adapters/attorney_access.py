"""Who may read, learned from the directory's events in the firm's own event store.

The query side never reads the command side's tables: it folds the attorney's stream
(AttorneyInvited, AttorneyRoleChanged, AttorneyDeactivated, AttorneyReactivated,
AttorneyPasswordSet, AttorneySignedOut) on each request; the version of the latest of
`contracts.TOKEN_EPOCH_EVENTS` is the epoch a token must carry. The command service appends
each of these before its own change commits, so a deactivation or sign-out is refused here
at once.
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
        role, active, revoked, epoch = None, False, set(), 0
        for event in events:
            if event.event_type in contracts.TOKEN_EPOCH_EVENTS:
                epoch = event.aggregate_version
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
        if epoch != principal.epoch:
            raise AccessDeniedError("the token predates the attorney's last change")
        if principal.token_id in revoked:
            raise AccessDeniedError("the token was revoked")
        return principal.with_role(role)
