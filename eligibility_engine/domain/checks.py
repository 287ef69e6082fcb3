"""A requested check as the engine sees it, folded from the check's contract events."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import contracts
from contracts import EventEnvelope

CONCLUDED = ("completed", "failed")


class CheckError(Exception):
    """The engine cannot go on with a check."""


class CheckNotFoundError(CheckError):
    """No check with that id in the firm's store."""


class CheckAlreadyConcludedError(CheckError):
    """The check already has its result or its failure (maybe from another worker)."""


class ProfileUnavailableError(CheckError):
    """The pinned profile version cannot be read."""


@dataclass(frozen=True)
class RequestedCheck:
    firm_id: str
    check_id: str
    client_id: str
    profile_version: int
    force_refresh: bool
    status: str
    version: int
    requested_at: datetime

    @property
    def is_concluded(self) -> bool:
        return self.status in CONCLUDED

    def check_not_concluded(self) -> None:
        if self.is_concluded:
            raise CheckAlreadyConcludedError(f"check {self.check_id} is already {self.status}")


_STATUS_AFTER = {contracts.CHECK_STARTED: "processing",
                 contracts.RECOMMENDATIONS_PRODUCED: "completed",
                 contracts.CHECK_FAILED: "failed"}


def fold_check(firm_id: str, events: list[EventEnvelope]) -> RequestedCheck:
    """Fold a check's stream into its current state."""
    if not events or events[0].event_type != contracts.CHECK_REQUESTED:
        raise CheckNotFoundError("no such eligibility check")
    first = events[0]
    check = RequestedCheck(firm_id, first.aggregate_id, first.data["client_id"],
                           first.data["profile_version"], first.data["force_refresh"],
                           "pending", first.aggregate_version,
                           datetime.fromisoformat(first.occurred_at))
    for event in events[1:]:
        check = replace(check, status=_STATUS_AFTER.get(event.event_type, check.status),
                        version=event.aggregate_version)
    return check
