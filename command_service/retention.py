"""The retention policy: archive clients inactive for too long, then erase them.

A client untouched for `inactive` is archived by the policy; one the policy
archived and nobody touched for `grace` since is erased, as is one an attorney
archived and nobody touched for `inactive`. Candidates come from the read model;
each decision is re-checked on the client's own event stream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from command_service.adapters.event_store import FirmStores
from command_service.domain.client_profile import ClientProfile
from shared.sql import Database

log = logging.getLogger(__name__)
POLICY_ACTOR = "retention-policy"
_META = {"actor_id": POLICY_ACTOR, "actor_kind": "policy"}


@dataclass
class RetentionReport:
    archived: list[str] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)


class RetentionPolicy:
    """Apply the policy to every firm's clients as of a moment."""

    def __init__(self, stores: FirmStores, read_db: Database, inactive: timedelta,
                 grace: timedelta):
        self._stores = stores
        self._read_db = read_db
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
        sql = ("SELECT firm_id, client_id FROM clients WHERE status IN ('active', 'archived')"
               " AND updated_at < ?")
        params = [untouched_since.isoformat()]
        if firm_id:
            sql, params = sql + " AND firm_id = ?", params + [firm_id]
        with self._read_db.transaction() as tx:
            rows = tx.fetch_all(sql + " ORDER BY firm_id, client_id", params)
        return [(r["firm_id"], r["client_id"]) for r in rows]

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
