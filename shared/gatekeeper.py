"""The checks every authenticated request passes: token, attorney status, role, firm budget."""

from __future__ import annotations

from dataclasses import dataclass

from shared.access import AccessConfirmation, AccessDeniedError
from shared.auth import InvalidTokenError, Principal, TokenIssuer
from shared.limits import Quota, RateCounters


class GateRefusal(Exception):
    """The request may not proceed; status, code and headers say why."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


@dataclass
class Gatekeeper:
    tokens: TokenIssuer
    access: AccessConfirmation
    counters: RateCounters
    firm_quota: Quota

    def admit(self, bearer: str) -> Principal:
        """Return the caller behind a bearer token, or raise GateRefusal."""
        try:
            principal = self.access.confirm(self.tokens.verify(bearer))
        except (InvalidTokenError, AccessDeniedError):
            raise GateRefusal(401, "unauthorized", "The token is invalid, expired or revoked.") \
                from None
        self.spend_firm_budget(principal.firm_id)
        return principal

    def spend_firm_budget(self, firm_id: str) -> None:
        verdict = self.counters.hit(f"firm:{firm_id}", self.firm_quota)
        if not verdict.allowed:
            raise GateRefusal(429, "rate_limited", "Your firm sent too many requests; "
                              "retry after the Retry-After header's seconds.",
                              {"Retry-After": str(max(verdict.retry_after, 1))})

