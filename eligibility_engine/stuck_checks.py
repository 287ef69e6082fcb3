"""Find checks left `processing` by a worker that died or hung: requeue once, then fail."""

from __future__ import annotations

import logging
import threading
from uuid import UUID

from command_service.adapters.event_store import FirmStores
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.check_handler import ENGINE_ACTOR, CheckHandler
from shared.logs import correlated
from shared.metrics import CHECKS, CHECKS_STUCK

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2


class StuckCheckSweeper:
    """Periodically resolve every check whose lease is older than the stuck-check limit."""

    def __init__(self, stores: FirmStores, leases: CheckLeases, handler: CheckHandler,
                 limit_seconds: float):
        self._stores = stores
        self._leases = leases
        self._handler = handler
        self.limit_seconds = limit_seconds

    def sweep_once(self) -> int:
        """Requeue or fail every overdue check; return how many were found."""
        overdue = self._leases.overdue(self.limit_seconds)
        CHECKS_STUCK.set(len(overdue))
        for lease in overdue:
            if not self._leases.claim(lease):
                continue
            with correlated(lease["correlation_id"]):
                try:
                    self._resolve(lease)
                except Exception:
                    # The lease stays, one attempt older: the next sweep fails the check.
                    log.exception("check %s could not be resolved", lease["check_id"])
        return len(overdue)

    def _resolve(self, lease: dict) -> None:
        check_id = UUID(lease["check_id"])
        if lease["attempts"] < MAX_ATTEMPTS:
            log.warning("check %s stuck in processing since %s; requeued", check_id,
                        lease["started_at"], extra={"attempts": lease["attempts"]})
            CHECKS.labels("requeued").inc()
            self._handler.run_check(lease["firm_id"], check_id,
                                    {"correlation_id": lease["correlation_id"]})
            return
        log.error("check %s stuck after %s attempts; failed", check_id, lease["attempts"])
        minutes = max(1, round(self.limit_seconds / 60))
        self._handler.fail(
            self._stores.for_firm(lease["firm_id"]), check_id,
            f"The check did not finish: the eligibility engine stopped or stalled "
            f"{lease['attempts']} times (each time for over {minutes} min). "
            f"Request the check again.",
            {"actor_id": ENGINE_ACTOR, "actor_kind": "engine",
             "correlation_id": lease["correlation_id"]})
        self._leases.release(lease["firm_id"], lease["check_id"])

    def run(self, stop: threading.Event, every_seconds: float = 30.0) -> None:
        """Sweep until stop is set; a failed sweep is logged and tried again."""
        while not stop.wait(every_seconds):
            try:
                self.sweep_once()
            except Exception:
                log.exception("stuck-check sweep failed; retrying")
