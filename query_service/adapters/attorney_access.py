"""Who may read, learned from the directory's events in the firm's own event store.

The query side never reads the command side's tables: it folds the attorney's stream
(AttorneyInvited, AttorneyRoleChanged, AttorneyDeactivated, AttorneyReactivated,
AttorneyPasswordSet, AttorneySignedOut); the version of the latest of
`contracts.TOKEN_EPOCH_EVENTS` is the epoch a token must carry. The command service appends
each of these before its own change commits, so a deactivation or sign-out is refused here
at once: every request reads the stream's version (on PostgreSQL in the gatekeeper's round
trip), and folds the stream again only when it grew since the fold this process remembers.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import contracts
from event_store import FirmStores, UnknownFirmError
from shared.access import AccessDeniedError
from shared.auth import Principal

REMEMBERED_ATTORNEYS = 10_000


@dataclass(frozen=True)
class AttorneyStanding:
    """An attorney's stream folded up to `version`."""

    version: int
    role: str | None
    active: bool
    epoch: int
    revoked: frozenset[str]


class AttorneyStreams:
    """Confirm a verified token against the attorney's own event stream."""

    def __init__(self, stores: FirmStores, beside_read_tables: bool = False):
        """beside_read_tables: the event store shares the read tables' PostgreSQL database."""
        self._stores = stores
        self._beside = beside_read_tables
        self._folded: dict[tuple[str, str], AttorneyStanding] = {}

    def probe(self, principal: Principal) -> list[tuple[str, tuple]]:
        """The stream-version read, for the gatekeeper's round trip on the same database."""
        if not self._beside:
            return []
        try:
            query = self._stores.for_firm(principal.firm_id).stream_version_query(
                principal.attorney_id)
        except (UnknownFirmError, ValueError):
            return []
        return [query] if query else []

    def confirm(self, principal: Principal,
                probed: list[list[dict]] | None = None) -> Principal:
        """Return the principal with the attorney's current role, or raise AccessDeniedError."""
        version = int(probed[0][0]["version"]) if probed else None
        standing = self._standing(principal.firm_id, principal.attorney_id, version)
        if standing.role is None or not standing.active:
            raise AccessDeniedError("the attorney is unknown or deactivated")
        if standing.epoch != principal.epoch:
            raise AccessDeniedError("the token predates the attorney's last change")
        if principal.token_id in standing.revoked:
            raise AccessDeniedError("the token was revoked")
        return principal.with_role(standing.role)

    def _standing(self, firm_id: str, attorney_id: str, version: int | None) -> AttorneyStanding:
        try:
            store, stream = self._stores.for_firm(firm_id), UUID(attorney_id)
            key = (firm_id, attorney_id)
            if version is None:
                version = store.stream_version(stream)
            remembered = self._folded.get(key)
            if remembered is not None and remembered.version == version:
                return remembered
            standing = fold(store.stream(stream))
        except (UnknownFirmError, ValueError):
            raise AccessDeniedError("the token names no firm or attorney") from None
        if len(self._folded) >= REMEMBERED_ATTORNEYS:
            self._folded.clear()
        self._folded[key] = standing
        return standing


def fold(events) -> AttorneyStanding:
    """Fold an attorney's events into their role, status, token epoch and revoked tokens."""
    role, active, revoked, epoch, version = None, False, set(), 0, 0
    for event in events:
        version = event.aggregate_version
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
    return AttorneyStanding(version, role, active, epoch, frozenset(revoked))
