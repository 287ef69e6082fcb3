"""The engine's worker: each requested check is started, evaluated and concluded exactly once.

The use case (`application/evaluate_check.py`) says what a check does; this module runs it.
The check concludes from the rules alone; when an analyst is configured, the concluded check's
`RecommendationsProduced` (read back from the log like any event) is handed to the analysis
worker, which adds the LLM's opinion later as an event of its own.
Concurrency: with `workers` > 0, `handle` durably starts a check (CheckStarted in the firm's
store and a lease in the engine's database) before returning, so a consumer position or Kafka
offset only moves past a check once it is started; the evaluation and the LLM call then run on
a thread pool. With `workers` = 0 a check is evaluated inline, before `handle` returns. While a
check runs its lease is renewed; a check whose engine died keeps a lease nobody renews, and the
stuck-check sweeper of a live engine requeues it. The store's version check lets exactly one
conclusion be recorded, and a concluded check is never evaluated (nor sent to the LLM) again.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import UUID

from contracts import (
    CASE_OUTCOME_RECORDED,
    CHECK_REQUESTED,
    CLIENT_PROFILE_ERASED,
    RECOMMENDATIONS_PRODUCED,
    EventEnvelope,
)
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.adapters.check_store import KernelCheckStore
from eligibility_engine.adapters.engine_memory import FirmEngineMemory, ForgetfulMemory
from eligibility_engine.analysis_worker import AnalysisWorker
from eligibility_engine.application.evaluate_check import Concluded, EvaluateCheck
from eligibility_engine.domain.checks import CheckAlreadyConcludedError, CheckError
from eligibility_engine.ports import CheckStore
from event_store import FirmStores
from shared.logs import correlated
from shared.metrics import CHECK_SECONDS, CHECKS, CHECKS_IN_PROCESSING, seconds_since
from shared.positions import PositionTable
from shared.quarantine import Quarantine, describe, is_transient
from shared.sql import Database

log = logging.getLogger(__name__)
ENGINE_ACTOR = "eligibility-engine"
UNEXPECTED_FAULT_ATTEMPTS = 3
UNSTARTABLE = ("The check could not be started because of an internal error; the operators "
               "were alerted. Request the check again.")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class CheckHandler:
    """Evaluate each requested check and record its recommendations in the firm's store."""

    name = "engine"

    def __init__(self, stores: FirmStores, positions: PositionTable | None = None,
                 leases: CheckLeases | None = None, memory_db: Database | None = None,
                 workers: int = 0, evaluate: EvaluateCheck | None = None,
                 analyses: AnalysisWorker | None = None, quarantine: Quarantine | None = None):
        self._checks: CheckStore = KernelCheckStore(stores)
        self.quarantine = quarantine
        self._positions = positions
        self._leases = leases
        self._memory_db = memory_db
        self.analyses = analyses
        self.evaluate = evaluate or EvaluateCheck(self._checks, self.memory, SystemClock(),
                                                  analysis_follows=analyses is not None)
        self._pool = (ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check")
                      if workers else None)
        self._slots = threading.BoundedSemaphore(max(workers, 1) * 2)
        self._running: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def position(self, firm_id: str) -> int:
        return self._positions.get(firm_id) if self._positions else 0

    def handle(self, envelope: EventEnvelope) -> None:
        try:
            self.apply(envelope)
        except Exception as exc:
            if is_transient(exc) or self.quarantine is None:
                raise
            # A poison event must not stall the firm: set it aside and move on.
            log.error("engine set aside %s at position %s of firm %s: %r", envelope.event_type,
                      envelope.position, envelope.firm_id, exc)
            self.set_aside(envelope.firm_id, envelope.position, envelope.event_type,
                           envelope.aggregate_id, describe(exc))
            self._fail_unstartable(envelope)
            return
        if self._positions is not None:
            self._positions.advance(envelope.firm_id, envelope.position)

    def apply(self, envelope: EventEnvelope) -> None:
        """Act on one event: start a requested check, remember a case outcome, or forget
        what quoted an erased client."""
        if envelope.event_type == CHECK_REQUESTED:
            self.accept_check(envelope.firm_id, UUID(envelope.aggregate_id), envelope.meta)
        elif envelope.event_type == RECOMMENDATIONS_PRODUCED and self.analyses is not None:
            analysis = envelope.data["result"].get("analysis") or {}
            # A re-check sent by batch gets its analysis from `visa recheck --batch`.
            if analysis.get("status") == "pending" and analysis.get("delivery") != "batch":
                self.analyses.accept(envelope.firm_id, envelope.aggregate_id, envelope.meta)
        elif envelope.event_type == CASE_OUTCOME_RECORDED:
            self.memory(envelope.firm_id).record_outcome(
                envelope.aggregate_id, envelope.aggregate_version, envelope.data["outcome"])
        elif envelope.event_type == CLIENT_PROFILE_ERASED:
            self.memory(envelope.firm_id).forget_client(envelope.aggregate_id)

    def _fail_unstartable(self, envelope: EventEnvelope) -> None:
        # The attorney sees a clear failed state rather than a check pending forever.
        if envelope.event_type != CHECK_REQUESTED:
            return
        try:
            self.fail(envelope.firm_id, UUID(envelope.aggregate_id), UNSTARTABLE,
                      _engine_meta(envelope.meta))
        except Exception:
            log.exception("check %s could not be failed either", envelope.aggregate_id)

    def set_aside(self, firm_id: str, position: int, event_type: str, aggregate_id: str,
                  error: str) -> None:
        """Quarantine an event the engine cannot act on, and move past it."""
        with self.quarantine.db.transaction() as tx:
            self.quarantine.record(tx, firm_id, position, event_type, aggregate_id, error)
            if self._positions is not None:
                self._positions.advance(firm_id, position, tx)

    def retry(self, envelope: EventEnvelope) -> str | None:
        """Act on a quarantined event again; release it and return None, or return the error."""
        try:
            self.apply(envelope)
        except Exception as exc:
            if is_transient(exc):
                raise
            error = describe(exc)
            with self.quarantine.db.transaction() as tx:
                self.quarantine.record_envelope(tx, envelope, error)
            return error
        with self.quarantine.db.transaction() as tx:
            self.quarantine.release(tx, envelope.firm_id, envelope.position)
        return None

    def memory(self, firm_id: str) -> FirmEngineMemory | ForgetfulMemory:
        if self._memory_db is None:
            return ForgetfulMemory()
        return FirmEngineMemory(self._memory_db, firm_id)

    def accept_check(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        """Durably start a check and hand it to a worker; a concluded check is skipped."""
        check = self._checks.requested_check(firm_id, str(check_id))
        if check.is_concluded:
            log.debug("check %s already concluded; redelivery ignored", check_id)
            return self._release(firm_id, check_id)
        if self._pool is None:
            return self.run_check(firm_id, check_id, request_meta)
        try:
            self._checks.start(check, _engine_meta(request_meta))
        except CheckAlreadyConcludedError:
            return self._release(firm_id, check_id)
        self._take(firm_id, check_id, request_meta)
        self._submit(firm_id, str(check_id), request_meta)

    def run_check(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        """Evaluate one check now (inline mode, or a requeue by the stuck-check sweeper)."""
        if self._checks.requested_check(firm_id, str(check_id)).is_concluded:
            return self._release(firm_id, check_id)
        # The lease outlives a crash on purpose: the stuck-check sweeper finds it.
        self._take(firm_id, check_id, request_meta)
        key = (firm_id, str(check_id))
        with self._lock:
            ours = key not in self._running
            self._running.add(key)
        try:
            self._conclude_with_retries(firm_id, check_id, request_meta)
        finally:
            if ours:
                with self._lock:
                    self._running.discard(key)
        self._release(firm_id, check_id)

    def running_checks(self) -> list[tuple[str, str]]:
        """The (firm_id, check_id) of every check this engine is evaluating now."""
        with self._lock:
            return sorted(self._running)

    def wait_idle(self, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._running:
                    return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)
        if self.analyses is not None:
            self.analyses.close()

    def fail(self, firm_id: str, check_id: UUID, message: str, meta: dict) -> None:
        """Record a check as failed with a message the attorney can act on."""
        try:
            check = self._checks.requested_check(firm_id, str(check_id))
            self._checks.fail(check, message, True, meta)
        except CheckAlreadyConcludedError:
            return
        self._observe(Concluded(check, "failed"))

    def _submit(self, firm_id: str, check_id: str, request_meta: dict) -> None:
        with self._lock:
            if (firm_id, check_id) in self._running:
                return
            self._running.add((firm_id, check_id))
        self._slots.acquire()
        self._pool.submit(self._complete, firm_id, check_id, request_meta)

    def _complete(self, firm_id: str, check_id: str, request_meta: dict) -> None:
        # A worker thread does not inherit the consumer's log context: bind it again.
        try:
            with correlated(request_meta.get("correlation_id")):
                self._conclude_with_retries(firm_id, UUID(check_id), request_meta)
            self._release(firm_id, UUID(check_id))
        except Exception:
            # The lease stays on purpose: the stuck-check sweeper retries the check.
            log.exception("check %s could not be concluded; left to the sweeper", check_id)
        finally:
            with self._lock:
                self._running.discard((firm_id, check_id))
            self._slots.release()

    def _conclude_with_retries(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        meta = _engine_meta(request_meta)
        for attempt in range(1, UNEXPECTED_FAULT_ATTEMPTS + 1):
            try:
                with CHECKS_IN_PROCESSING.track_inprogress():
                    concluded = self.evaluate(firm_id, str(check_id), meta)
                if concluded.outcome != "skipped":
                    CHECKS.labels("started").inc()
                    self._observe(concluded)
                return
            except CheckAlreadyConcludedError:
                return log.info("check %s was concluded by another worker", check_id)
            except CheckError as exc:
                return self.fail(firm_id, check_id, str(exc), meta)
            except Exception as exc:
                log.warning("check %s attempt %s failed: %r", check_id, attempt, exc)
                if attempt == UNEXPECTED_FAULT_ATTEMPTS:
                    raise
                time.sleep(0.5 * attempt)

    def _take(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        if self._leases is not None:
            self._leases.take(firm_id, str(check_id), request_meta.get("correlation_id"))

    def _release(self, firm_id: str, check_id: UUID) -> None:
        if self._leases is not None:
            self._leases.release(firm_id, str(check_id))

    def _observe(self, concluded: Concluded) -> None:
        seconds = seconds_since(concluded.check.requested_at)
        CHECKS.labels(concluded.outcome).inc()
        CHECK_SECONDS.labels(concluded.outcome).observe(seconds)
        log.info("check %s %s in %.2f s", concluded.check.check_id, concluded.outcome, seconds,
                 extra={"outcome": concluded.outcome,
                        "recommendations": concluded.recommendations})


def _engine_meta(request_meta: dict) -> dict:
    meta = {"actor_id": ENGINE_ACTOR, "actor_kind": "engine",
            "correlation_id": request_meta.get("correlation_id")}
    if request_meta.get("analysis_delivery"):
        meta["analysis_delivery"] = request_meta["analysis_delivery"]
    return meta
