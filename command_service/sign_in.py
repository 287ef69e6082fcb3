"""Sign-in: the throttle is counted before any password is checked, then the password is.

Counting first (one atomic increment per bucket) means parallel guesses cannot all slip
past a check-then-count: of N simultaneous attempts at most the limit are evaluated, and
while a bucket is over its limit no password is checked at all, so a right one cannot
reset it. Two buckets: the email (every account with it) and the source address. A right
password resets the email's count and takes back its own hit on the address.

One email may have accounts in several firms. Its password is checked against each, and
only after a match is the choice of firms (those whose password matched) revealed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from shared.limits import Quota, RateCounters, Verdict
from shared.password_hashing import BoundedHasher, HashingBusyError


class SignInRefusedError(Exception):
    """Email, password (or firm) do not match an active account."""


class SignInThrottledError(Exception):
    """Too many failed sign-ins for this email or from this address."""

    def __init__(self, retry_after: int):
        super().__init__("too many failed sign-ins")
        self.retry_after = retry_after


class FirmChoiceNeededError(Exception):
    """The password matched accounts in several firms: the caller must name one."""

    def __init__(self, firms: list[dict]):
        super().__init__("choose a firm")
        self.firms = firms


@dataclass
class SignIn:
    directory: object  # sign_in_candidates(email, firm_id) -> list of accounts with hashes
    counters: RateCounters
    per_email: Quota
    per_address: Quota
    hasher: BoundedHasher
    _decoy: str = field(default="", init=False)
    _decoy_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def attempt(self, email: str, password: str, address: str,
                firm_id: str | None = None) -> dict:
        """Return the signed-in account, or raise one of this module's errors."""
        email_bucket = "login:" + email.strip().lower()
        address_bucket = "login-from:" + address
        self._count(email_bucket, address_bucket)
        try:
            matched = self._matching(email, password, firm_id)
        except HashingBusyError:
            # Not evaluated: the attempt must not count against the attorney.
            self.counters.refund(email_bucket, self.per_email)
            self.counters.refund(address_bucket, self.per_address)
            raise
        if not matched:
            raise SignInRefusedError("email or password is incorrect")
        self.counters.reset(email_bucket)
        self.counters.refund(address_bucket, self.per_address)
        if len(matched) > 1:
            raise FirmChoiceNeededError([{"id": a["firm_id"], "name": a["firm_name"]}
                                         for a in matched])
        return matched[0]

    def _count(self, email_bucket: str, address_bucket: str) -> None:
        verdicts: list[Verdict] = [self.counters.hit(email_bucket, self.per_email),
                                   self.counters.hit(address_bucket, self.per_address)]
        refused = [v for v in verdicts if not v.allowed]
        if refused:
            raise SignInThrottledError(max(max(v.retry_after for v in refused), 1))

    def _matching(self, email: str, password: str, firm_id: str | None) -> list[dict]:
        candidates = self.directory.sign_in_candidates(email, firm_id)
        if not candidates:
            self._verifies(password, None)
        return [a for a in candidates if self._verifies(password, a["password_hash"])
                and a["active"]]

    def _verifies(self, password: str, stored: str | None) -> bool:
        if stored and stored.startswith("scrypt$"):
            return self.hasher.verify(password, stored)
        # Unknown emails and invites not yet accepted cost a hash too, so timing does not
        # tell who has an account; they never match, whatever the password.
        self.hasher.verify(password, self._decoy_hash())
        return False

    def _decoy_hash(self) -> str:
        # Made once, under the lock and the hashing bound: a burst of first sign-ins must
        # not each compute it (16 MiB apiece) outside the bound.
        with self._decoy_lock:
            if not self._decoy:
                self._decoy = self.hasher.hash("decoy-password-never-used")
            return self._decoy
