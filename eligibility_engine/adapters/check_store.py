"""The check store on the event-store kernel: checks folded from, and recorded as, contract events.

The engine appends only to check streams (CheckStarted, RecommendationsProduced,
CheckFailed), with the kernel's optimistic version check; it never writes a client's stream.
"""

from __future__ import annotations

import contracts
from contracts.profile import DIRECT_IDENTIFIERS, fold_profile, quotable_texts
from eligibility_engine.domain.checks import (
    CheckAlreadyConcludedError,
    ProfileUnavailableError,
    RequestedCheck,
    fold_check,
)
from event_store import AppendConflictError, FirmStores, without_direct_identifiers


class KernelCheckStore:
    def __init__(self, stores: FirmStores):
        self._stores = stores

    def requested_check(self, firm_id: str, check_id: str) -> RequestedCheck:
        return fold_check(firm_id, self._stores.for_firm(firm_id).stream(check_id))

    def profile(self, firm_id: str, client_id: str, version: int) -> dict:
        # Free text is sealed like the identifiers: opened to be judged, identifiers left out.
        state = fold_profile(self._stores.for_firm(firm_id).stream(client_id, to_version=version,
                                                                   reveal=True))
        if state is None:
            raise ProfileUnavailableError(f"client {client_id} has no version {version}")
        return without_direct_identifiers(state["fields"])

    def identifiers(self, firm_id: str, client_id: str, version: int) -> dict:
        """The client's direct identifiers at a version, opened: only to scrub them from text."""
        events = self._stores.for_firm(firm_id).stream(client_id, to_version=version, reveal=True)
        state = fold_profile(events) or {"fields": {}}
        return {k: v for k, v in state["fields"].items()
                if k in DIRECT_IDENTIFIERS and isinstance(v, str)}

    def result(self, firm_id: str, check_id: str) -> dict | None:
        """The recommendations a concluded check produced, quotes opened, or None."""
        events = self._stores.for_firm(firm_id).stream(check_id)
        for event in events:
            if event.event_type == contracts.RECOMMENDATIONS_PRODUCED:
                keyring = self._stores.keyring
                if keyring is None:
                    return event.data["result"]
                client_id = events[0].data["client_id"]
                return keyring.sealer(firm_id, client_id).open_quotes(event.data["result"])
        return None

    def sealed_quotes(self, firm_id: str, client_id: str, version: int, value):
        """The value with every string quoting the client's own words sealed with its key."""
        keyring = self._stores.keyring
        if keyring is None:
            return value
        events = self._stores.for_firm(firm_id).stream(client_id, to_version=version,
                                                       reveal=True)
        texts, words = quotable_texts(events)
        sealer = keyring.sealer(firm_id, client_id)
        return sealer.seal_quotes(value, texts, words) if sealer.can_open else value

    def start(self, check: RequestedCheck, meta: dict) -> RequestedCheck:
        check.check_not_concluded()
        if check.status == "pending":
            try:
                self._append(check, contracts.CHECK_STARTED, {}, meta)
            except AppendConflictError:
                pass  # another worker started it first; the conclusion is still guarded
        return self.requested_check(check.firm_id, check.check_id)

    def conclude(self, check: RequestedCheck, result: dict, meta: dict) -> None:
        sealed = self.sealed_quotes(check.firm_id, check.client_id, check.profile_version,
                                    result)
        self._conclude(check, contracts.RECOMMENDATIONS_PRODUCED, {"result": sealed}, meta)

    def fail(self, check: RequestedCheck, message: str, retry_allowed: bool,
             meta: dict) -> None:
        self._conclude(check, contracts.CHECK_FAILED,
                       {"error_message": message, "retry_allowed": retry_allowed}, meta)

    def _conclude(self, check: RequestedCheck, event_type: str, payload: dict,
                  meta: dict) -> None:
        # Two engine workers can race on one check after a rebalance; the store's
        # version check lets exactly one of them record its outcome.
        current = self.requested_check(check.firm_id, check.check_id)
        current.check_not_concluded()
        try:
            self._append(current, event_type, payload, meta)
        except AppendConflictError:
            raise CheckAlreadyConcludedError(
                f"check {check.check_id} was concluded elsewhere") from None

    def _append(self, check: RequestedCheck, event_type: str, payload: dict,
                meta: dict) -> None:
        self._stores.for_firm(check.firm_id).append(check.check_id, check.version + 1,
                                                    event_type, payload, meta)
