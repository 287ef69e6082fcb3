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
        """Return the caller behind a bearer token, or raise GateRefusal.

        The firm's budget is counted and the attorney's standing read in one round trip
        (where they share a database); a refused token's hit is taken back.
        """
        try:
            principal = self.tokens.verify(bearer)
        except InvalidTokenError:
            raise GateRefusal(401, "unauthorized", UNAUTHORIZED) from None
        bucket = f"firm:{principal.firm_id}"
        verdict, probed = self.counters.hit_beside(bucket, self.firm_quota,
                                                   self.access.probe(principal))
        try:
            principal = self.access.confirm(principal, probed or None)
        except AccessDeniedError:
            self.counters.refund(bucket, self.firm_quota)
            raise GateRefusal(401, "unauthorized", UNAUTHORIZED) from None
        if not verdict.allowed:
            raise GateRefusal(429, "rate_limited", "Your firm sent too many requests; "
                              "retry after the Retry-After header's seconds.",
                              {"Retry-After": str(max(verdict.retry_after, 1))})
        return principal


UNAUTHORIZED = "The token is invalid, expired or revoked."
