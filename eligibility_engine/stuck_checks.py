"""Find checks left `processing` by an engine that died or a worker that hung: requeue once,
then fail with a message the attorney can act on."""

from __future__ import annotations

import logging
import threading
from uuid import UUID

from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.check_handler import ENGINE_ACTOR, CheckHandler
from shared.logs import correlated
from shared.metrics import CHECKS, CHECKS_STUCK

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2


class StuckCheckSweeper:
    """Renew this engine's leases, and resolve every lease that is stuck or abandoned.

    A lease not renewed for `lease_seconds` belongs to an engine that died; one older than
    `limit_seconds` belongs to a worker that hung.
    """

    def __init__(self, leases: CheckLeases, handler: CheckHandler,
                 limit_seconds: float, lease_seconds: float = 30.0):
        self._leases = leases
        self._handler = handler
        self.limit_seconds = limit_seconds
        self.lease_seconds = lease_seconds

    def renew_leases(self) -> None:
        self._leases.renew(self._handler.running_checks())

    def sweep_once(self) -> int:
        """Requeue or fail every overdue check; return how many were found."""
        running = set(self._handler.running_checks())
        overdue = [lease for lease in self._leases.overdue(self.limit_seconds, self.lease_seconds)
                   if lease["stuck"] or (lease["firm_id"], lease["check_id"]) not in running]
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
        cause = "stuck in processing" if lease["stuck"] else "left by an engine that stopped"
        if lease["attempts"] < MAX_ATTEMPTS:
            log.warning("check %s %s (started %s); requeued", check_id, cause,
                        lease["started_at"], extra={"attempts": lease["attempts"]})
            CHECKS.labels("requeued").inc()
            self._handler.run_check(lease["firm_id"], check_id,
                                    {"correlation_id": lease["correlation_id"]})
            return
        log.error("check %s %s after %s attempts; failed", check_id, cause, lease["attempts"])
        self._handler.fail(
            lease["firm_id"], check_id,
            f"The check did not finish: the eligibility engine stopped or stalled "
            f"{lease['attempts']} times while evaluating it. Request the check again.",
            {"actor_id": ENGINE_ACTOR, "actor_kind": "engine",
             "correlation_id": lease["correlation_id"]})
        self._leases.release(lease["firm_id"], lease["check_id"])

    def run(self, stop: threading.Event) -> None:
        """Renew leases and sweep until stop is set; a failed pass is logged and tried again."""
        renew_every = max(0.5, self.lease_seconds / 3)
        sweep_every = min(30.0, self.limit_seconds / 4, self.lease_seconds / 2)
        renewer = threading.Thread(target=self._renew_until, args=(stop, renew_every),
                                   name="lease-renewals", daemon=True)
        renewer.start()
        while not stop.wait(sweep_every):
            try:
                self.sweep_once()
            except Exception:
                log.exception("stuck-check sweep failed; retrying")
        renewer.join(5)

    def _renew_until(self, stop: threading.Event, every_seconds: float) -> None:
        # Apart from the sweep: a requeued check the sweep runs must not delay renewals.
        while not stop.wait(every_seconds):
            try:
                self.renew_leases()
            except Exception:
                log.exception("could not renew check leases; retrying")
