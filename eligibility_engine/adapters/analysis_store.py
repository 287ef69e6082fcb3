"""The analyses of checks on the event-store kernel: one stream per check's analysis.

The analysis is not part of the check's stream on purpose: the command side rebuilds its
`EligibilityCheck` aggregate from that stream (to accept assessments), and an event it has
no class for would break it. The analysis stream's id is derived from the check id (uuid5),
so anyone can find it; its first event is the conclusion, and the store's version check lets
exactly one analysis be recorded per check.
"""

from __future__ import annotations

from uuid import UUID, uuid5

import contracts
from eligibility_engine.adapters.check_store import KernelCheckStore
from event_store import AppendConflictError, FirmStores

ANALYSIS_NAMESPACE = UUID("8f5c2a8e-3f0b-4d5e-9a53-6c1b2f7d4e10")


class AnalysisAlreadyRecordedError(Exception):
    """Another worker recorded this check's analysis first."""


def analysis_stream_id(check_id: str) -> UUID:
    return uuid5(ANALYSIS_NAMESPACE, str(check_id))


class KernelAnalysisStore:
    def __init__(self, stores: FirmStores):
        self._stores = stores

    def is_recorded(self, firm_id: str, check_id: str) -> bool:
        return bool(self._stores.for_firm(firm_id).stream(analysis_stream_id(check_id)))

    def produced(self, firm_id: str, check_id: str, analysis: dict, meta: dict) -> None:
        """Record the model's opinion; what quotes the client is sealed with its key."""
        checks = KernelCheckStore(self._stores)
        check = checks.requested_check(firm_id, check_id)
        sealed = checks.sealed_quotes(firm_id, check.client_id, check.profile_version, analysis)
        self._append(firm_id, check_id, contracts.ANALYSIS_PRODUCED,
                     {"check_id": check_id, "analysis": sealed}, meta)

    def failed(self, firm_id: str, check_id: str, reason: str, message: str, usage: dict,
               retry_allowed: bool, meta: dict) -> None:
        self._append(firm_id, check_id, contracts.ANALYSIS_FAILED,
                     {"check_id": check_id, "reason": reason, "message": message,
                      "usage": usage, "retry_allowed": retry_allowed}, meta)

    def _append(self, firm_id: str, check_id: str, event_type: str, payload: dict,
                meta: dict) -> None:
        try:
            self._stores.for_firm(firm_id).append(analysis_stream_id(check_id), 1, event_type,
                                                  payload, meta)
        except AppendConflictError:
            raise AnalysisAlreadyRecordedError(f"check {check_id}'s analysis exists") from None
