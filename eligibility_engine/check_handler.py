"""The engine's workflow: a requested check is started, evaluated and concluded exactly once.

Concurrency: with `workers` > 0, `handle` durably starts a check (CheckStarted in the firm's
store and a lease in the engine's database) before returning, so a consumer position or Kafka
offset only moves past a check once it is started; the evaluation and the LLM call then run on
a thread pool. With `workers` = 0 a check is evaluated inline, before `handle` returns. While a
check runs its lease is renewed; a check whose engine died keeps a lease nobody renews, and the
stuck-check sweeper of a live engine requeues it. The firm store's
version check lets exactly one conclusion be recorded, and a concluded check is never
evaluated (nor sent to the LLM) again.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from uuid import UUID

from command_service.adapters.event_store import FirmStores
from command_service.domain.errors import CheckAlreadyConcludedError, DomainError
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.adapters.engine_memory import FirmEngineMemory, ForgetfulMemory
from eligibility_engine.domain.catalogue import catalogue_fingerprint, load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.llm_analysis import PROMPT_VERSION
from eligibility_engine.domain.rerun_diff import changes_since, check_snapshot
from eligibility_engine.llm_step import LLMStep
from shared.contracts import CASE_OUTCOME_RECORDED, CHECK_REQUESTED, EventEnvelope
from shared.logs import correlated
from shared.metrics import CHECK_SECONDS, CHECKS, CHECKS_IN_PROCESSING, seconds_since
from shared.positions import PositionTable
from shared.privacy import without_direct_identifiers
from shared.sql import Database

log = logging.getLogger(__name__)
ENGINE_ACTOR = "eligibility-engine"
UNEXPECTED_FAULT_ATTEMPTS = 3


class CheckHandler:
    """Evaluate each requested check and record its recommendations in the firm's store."""

    name = "engine"

    def __init__(self, stores: FirmStores, positions: PositionTable | None = None,
                 leases: CheckLeases | None = None, memory_db: Database | None = None,
                 llm: LLMStep | None = None, workers: int = 0, deadline_seconds: float = 8.0):
        self._stores = stores
        self._positions = positions
        self._leases = leases
        self._memory_db = memory_db
        self._llm = llm or LLMStep(None)
        self._deadline_seconds = deadline_seconds
        self._pool = (ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check")
                      if workers else None)
        self._slots = threading.BoundedSemaphore(max(workers, 1) * 2)
        self._running: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def position(self, firm_id: str) -> int:
        return self._positions.get(firm_id) if self._positions else 0

    def handle(self, envelope: EventEnvelope) -> None:
        if envelope.event_type == CHECK_REQUESTED:
            self.accept_check(envelope.firm_id, UUID(envelope.aggregate_id), envelope.meta)
        elif envelope.event_type == CASE_OUTCOME_RECORDED:
            self.memory(envelope.firm_id).record_outcome(
                envelope.aggregate_id, envelope.aggregate_version, envelope.data["outcome"])
        if self._positions is not None:
            self._positions.advance(envelope.firm_id, envelope.position)

    def memory(self, firm_id: str) -> FirmEngineMemory | ForgetfulMemory:
        if self._memory_db is None:
            return ForgetfulMemory()
        return FirmEngineMemory(self._memory_db, firm_id)

    def accept_check(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        """Durably start a check and hand it to a worker; a concluded check is skipped."""
        cases = self._stores.for_firm(firm_id)
        if cases.eligibility_check(check_id).is_concluded:
            log.info("check %s already concluded; redelivery ignored", check_id)
            return self._release(firm_id, check_id)
        if self._pool is None:
            return self.run_check(firm_id, check_id, request_meta)
        try:
            cases.start_check(check_id, _engine_meta(request_meta))
        except CheckAlreadyConcludedError:
            return self._release(firm_id, check_id)
        self._take(firm_id, check_id, request_meta)
        self._submit(firm_id, str(check_id), request_meta)

    def run_check(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        """Evaluate one check now (inline mode, or a requeue by the stuck-check sweeper)."""
        if self._stores.for_firm(firm_id).eligibility_check(check_id).is_concluded:
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

    def fail(self, cases, check_id: UUID, message: str, meta: dict) -> None:
        """Record a check as failed with a message the attorney can act on."""
        try:
            concluded = cases.record_check_failure(check_id, message, retry_allowed=True,
                                                   meta=meta)
        except CheckAlreadyConcludedError:
            return
        self._observe(concluded, "failed", 0)

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
        cases = self._stores.for_firm(firm_id)
        meta = _engine_meta(request_meta)
        for attempt in range(1, UNEXPECTED_FAULT_ATTEMPTS + 1):
            try:
                with CHECKS_IN_PROCESSING.track_inprogress():
                    return self._conclude(cases, check_id, meta)
            except CheckAlreadyConcludedError:
                return log.info("check %s was concluded by another worker", check_id)
            except DomainError as exc:
                return self.fail(cases, check_id, str(exc), meta)
            except Exception as exc:
                log.warning("check %s attempt %s failed: %r", check_id, attempt, exc)
                if attempt == UNEXPECTED_FAULT_ATTEMPTS:
                    raise
                time.sleep(0.5 * attempt)

    def _conclude(self, cases, check_id: UUID, meta: dict) -> None:
        deadline = time.monotonic() + self._deadline_seconds
        check = cases.eligibility_check(check_id)
        if check.is_concluded:
            return
        cases.start_check(check_id, meta)
        CHECKS.labels("started").inc()
        log.info("check %s started", check_id)
        profile = without_direct_identifiers(
            cases.client_profile(check.client_id, version=check.profile_version).fields)
        memory = self.memory(cases.firm_id)
        result = self._evaluate_rules(profile, memory)
        if result is None:
            return self.fail(cases, check_id, "The rules engine could not evaluate this "
                             "profile; the error is logged for the engineering team.", meta)
        key = self._llm.analysis_key(check.client_id, check.profile_version, result)
        result = self._llm.add_analysis(result, profile, key, memory, check.force_refresh,
                                        deadline)
        snapshot = check_snapshot(profile, result)
        result["changes_since_previous_check"] = changes_since(
            memory.previous_check(str(check.client_id), str(check_id)), snapshot)
        result["provenance"] = self._provenance(result, check)
        concluded = cases.record_recommendations(check_id, result, meta)
        self._observe(concluded, "completed", len(result["recommendations"]))
        memory.remember_check(str(check_id), str(check.client_id), check.profile_version, snapshot)

    def _evaluate_rules(self, profile: dict, memory) -> dict | None:
        # Evaluation is a pure function of the profile: if it raises, retrying the
        # same event would fail forever, so the check fails with a clear state instead.
        try:
            return evaluate_profile(profile, load_catalogue(),
                                    firm_outcomes=memory.outcome_counts())
        except Exception:
            log.exception("rules evaluation failed")
            return None

    def _provenance(self, result: dict, check) -> dict:
        return {"catalogue_version": result["catalogue_version"],
                "catalogue_fingerprint": catalogue_fingerprint(),
                "rules_version": result["rules_version"], "prompt_version": PROMPT_VERSION,
                "model": (result.get("llm") or {}).get("model") or self._llm.model,
                "analysis_mode": result["analysis_mode"], "profile_version": check.profile_version,
                "evaluated_at": datetime.now(timezone.utc).isoformat(),
                "evidence": "each gate and criterion lists the profile facts it used in `facts`"}

    def _take(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        if self._leases is not None:
            self._leases.take(firm_id, str(check_id), request_meta.get("correlation_id"))

    def _release(self, firm_id: str, check_id: UUID) -> None:
        if self._leases is not None:
            self._leases.release(firm_id, str(check_id))

    def _observe(self, check, outcome: str, recommendations: int) -> None:
        seconds = seconds_since(check.created_on)
        CHECKS.labels(outcome).inc()
        CHECK_SECONDS.labels(outcome).observe(seconds)
        log.info("check %s %s in %.2f s", check.id, outcome, seconds,
                 extra={"outcome": outcome, "recommendations": recommendations})


def _engine_meta(request_meta: dict) -> dict:
    return {"actor_id": ENGINE_ACTOR, "actor_kind": "engine",
            "correlation_id": request_meta.get("correlation_id")}
