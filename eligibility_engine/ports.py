"""The engine's ports: where checks are read and recorded, what it remembers, what time it is,
and the analyst that gives an opinion on a concluded check."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from eligibility_engine.domain.checks import RequestedCheck


class CheckStore(Protocol):
    """A firm's checks and the profile versions they pin."""

    def requested_check(self, firm_id: str, check_id: str) -> RequestedCheck:
        """Return the check's current state, or raise CheckNotFoundError."""

    def profile(self, firm_id: str, client_id: str, version: int) -> dict:
        """Return the profile's fields at a version, identifiers left out."""

    def identifiers(self, firm_id: str, client_id: str, version: int) -> dict:
        """Return the client's direct identifiers (to scrub them from free text, never to send)."""

    def result(self, firm_id: str, check_id: str) -> dict | None:
        """Return the recommendations a concluded check produced, or None."""

    def start(self, check: RequestedCheck, meta: dict) -> RequestedCheck:
        """Record CheckStarted unless another worker did; return the fresh state."""

    def conclude(self, check: RequestedCheck, result: dict, meta: dict) -> None:
        """Record RecommendationsProduced, or raise CheckAlreadyConcludedError."""

    def fail(self, check: RequestedCheck, message: str, retry_allowed: bool,
             meta: dict) -> None:
        """Record CheckFailed, or raise CheckAlreadyConcludedError."""


class EngineMemory(Protocol):
    """What the engine remembers of one firm: outcomes, stored analyses, concluded checks."""

    def outcome_counts(self) -> dict[str, dict[str, int]]: ...

    def stored_analysis(self, key: str) -> dict | None: ...

    def store_analysis(self, key: str, analysis: dict) -> None: ...

    def previous_check(self, client_id: str, check_id: str) -> dict | None: ...

    def forget_client(self, client_id: str) -> None: ...

    def remember_check(self, check_id: str, client_id: str, profile_version: int,
                       snapshot: dict) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class AnalysisUnavailable(Exception):
    """No usable analysis; `reason` says why (a stable code), `usage` what was spent."""

    def __init__(self, reason: str, message: str, usage: dict | None = None,
                 retry_allowed: bool = True):
        super().__init__(message)
        self.reason = reason
        self.usage = usage or {}
        self.retry_allowed = retry_allowed
