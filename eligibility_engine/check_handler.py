"""The engine's workflow: a requested check is started, evaluated and concluded exactly once."""

from __future__ import annotations

import logging
from uuid import UUID

from command_service.adapters.event_store import FirmStores
from command_service.domain.errors import CheckAlreadyConcludedError, DomainError
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.domain.catalogue import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from shared.contracts import CHECK_REQUESTED, EventEnvelope
from shared.metrics import CHECK_SECONDS, CHECKS, CHECKS_IN_PROCESSING, seconds_since
from shared.positions import PositionTable
from shared.privacy import without_direct_identifiers

log = logging.getLogger(__name__)
ENGINE_ACTOR = "eligibility-engine"


class CheckHandler:
    """Evaluate each requested check and record its recommendations in the firm's store."""

    name = "engine"

    def __init__(self, stores: FirmStores, positions: PositionTable | None = None,
                 leases: CheckLeases | None = None):
        self._stores = stores
        self._positions = positions
        self._leases = leases

    def position(self, firm_id: str) -> int:
        return self._positions.get(firm_id) if self._positions else 0

    def handle(self, envelope: EventEnvelope) -> None:
        if envelope.event_type == CHECK_REQUESTED:
            self.run_check(envelope.firm_id, UUID(envelope.aggregate_id), envelope.meta)
        if self._positions is not None:
            self._positions.advance(envelope.firm_id, envelope.position)

    def run_check(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        cases = self._stores.for_firm(firm_id)
        meta = {"actor_id": ENGINE_ACTOR, "actor_kind": "engine",
                "correlation_id": request_meta.get("correlation_id")}
        check = cases.eligibility_check(check_id)
        if check.is_concluded:
            log.info("check %s already %s; redelivery ignored", check_id, check.status)
            self._release(firm_id, check_id)
            return
        if self._leases is not None:
            # The lease outlives a crash on purpose: the stuck-check sweeper finds it.
            self._leases.take(firm_id, str(check_id), meta["correlation_id"])
        with CHECKS_IN_PROCESSING.track_inprogress():
            self._evaluate(cases, check_id, meta)
        self._release(firm_id, check_id)

    def _release(self, firm_id: str, check_id: UUID) -> None:
        if self._leases is not None:
            self._leases.release(firm_id, str(check_id))

    def _evaluate(self, cases, check_id: UUID, meta: dict) -> None:
        try:
            cases.start_check(check_id, meta)
            CHECKS.labels("started").inc()
            log.info("check %s started", check_id)
            check = cases.eligibility_check(check_id)
            profile = cases.client_profile(check.client_id, version=check.profile_version)
            result = self._evaluate_rules(without_direct_identifiers(profile.fields))
            if result is None:
                self.fail(cases, check_id, "The rules engine could not evaluate this profile; "
                          "the error is logged for the engineering team.", meta)
                return
            concluded = cases.record_recommendations(check_id, result, meta)
            self._observe(concluded, "completed", len(result["recommendations"]))
        except CheckAlreadyConcludedError:
            log.info("check %s was concluded by another worker", check_id)
        except DomainError as exc:
            self.fail(cases, check_id, str(exc), meta)

    def _evaluate_rules(self, fields: dict) -> dict | None:
        # Evaluation is a pure function of the profile: if it raises, retrying the
        # same event would fail forever, so the check fails with a clear state instead.
        try:
            return evaluate_profile(fields, load_catalogue())
        except Exception:
            log.exception("rules evaluation failed")
            return None

    def fail(self, cases, check_id: UUID, message: str, meta: dict) -> None:
        """Record a check as failed with a message the attorney can act on."""
        try:
            concluded = cases.record_check_failure(check_id, message, retry_allowed=True,
                                                   meta=meta)
        except CheckAlreadyConcludedError:
            return
        self._observe(concluded, "failed", 0)

    def _observe(self, check, outcome: str, recommendations: int) -> None:
        seconds = seconds_since(check.created_on)
        CHECKS.labels(outcome).inc()
        CHECK_SECONDS.labels(outcome).observe(seconds)
        log.info("check %s %s in %.2f s", check.id, outcome, seconds,
                 extra={"outcome": outcome, "recommendations": recommendations})
