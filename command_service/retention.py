"""The retention policy: archive clients inactive for too long, then erase them.

A client untouched for `inactive` is archived by the policy; one the policy
archived and nobody touched for `grace` since is erased, as is one an attorney
archived and nobody touched for `inactive`. Candidates come from one pass over each
firm's event log (the command side reads no other service's tables); each decision is
re-checked on the client's own event stream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from uuid import UUID

import contracts
from command_service.domain.client_profile import ClientProfile
from event_store import FirmStores

log = logging.getLogger(__name__)
POLICY_ACTOR = "retention-policy"
_META = {"actor_id": POLICY_ACTOR, "actor_kind": "policy"}


@dataclass
class RetentionReport:
    archived: list[str] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)


class RetentionPolicy:
    """Apply the policy to every firm's clients as of a moment."""

    def __init__(self, stores: FirmStores, firm_ids: Callable[[], Iterable[str]],
                 inactive: timedelta, grace: timedelta):
        self._stores = stores
        self._firm_ids = firm_ids
        self._inactive = inactive
        self._grace = grace

    def run(self, as_of: datetime, firm_id: str | None = None) -> RetentionReport:
        """Apply the policy as of a moment, to one firm or to all of them."""
        report = RetentionReport()
        since = as_of - min(self._inactive, self._grace)
        for firm, client_id in self._candidates(since, firm_id):
            self._apply(firm, UUID(client_id), as_of, report)
        return report

    def _candidates(self, untouched_since: datetime, firm_id: str | None) -> list[tuple[str, str]]:
        firms = [firm_id] if firm_id else sorted(self._firm_ids())
        return [(firm, client_id) for firm in firms
                for client_id in self._untouched_clients(firm, untouched_since)]

    def _untouched_clients(self, firm_id: str, since: datetime) -> list[str]:
        last_touched: dict[str, str] = {}
        status: dict[str, str] = {}
        store, position = self._stores.for_firm(firm_id), 0
        while batch := store.read_envelopes(position, 5000):
            for event in batch:
                if event.event_type in _PROFILE_EVENTS:
                    last_touched[event.aggregate_id] = event.occurred_at
                    status[event.aggregate_id] = _STATUS_AFTER.get(
                        event.event_type, status.get(event.aggregate_id, "active"))
            position = batch[-1].position
        return sorted(client for client, at in last_touched.items()
                      if datetime.fromisoformat(at) < since and status[client] in ("active", "archived"))

    def _apply(self, firm_id: str, client_id: UUID, as_of: datetime,
               report: RetentionReport) -> None:
        cases = self._stores.for_firm(firm_id)
        profile = cases.client_profile(client_id)
        if self._archive_due(profile, as_of):
            cases.archive_client(client_id, _META, profile.version)
            report.archived.append(str(client_id))
        elif self._erasure_due(profile, as_of):
            cases.erase_client(client_id, _META)
            report.erased.append(str(client_id))

    def _archive_due(self, profile: ClientProfile, as_of: datetime) -> bool:
        return profile.status == "active" and profile.modified_on < as_of - self._inactive

    def _erasure_due(self, profile: ClientProfile, as_of: datetime) -> bool:
        if profile.status != "archived":
            return False
        by_policy = getattr(profile, "archived_by", None) == POLICY_ACTOR
        return profile.modified_on < as_of - (self._grace if by_policy else self._inactive)


_PROFILE_EVENTS = (contracts.CLIENT_PROFILE_CREATED, contracts.CLIENT_PROFILE_EDITED,
                   contracts.CLIENT_PROFILE_ARCHIVED, contracts.CLIENT_PROFILE_ERASED,
                   contracts.CASE_OUTCOME_RECORDED)
_STATUS_AFTER = {contracts.CLIENT_PROFILE_CREATED: "active",
                 contracts.CLIENT_PROFILE_ARCHIVED: "archived",
                 contracts.CLIENT_PROFILE_ERASED: "erased"}
