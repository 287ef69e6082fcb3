"""The engine's workflow: a requested check is started, evaluated and concluded exactly once.

Concurrency: with `workers` > 0, `handle` durably starts a check (CheckStarted in the firm's
store, plus an in-flight row in the engine's memory) before returning, so a consumer position or
Kafka offset only moves past a check once it is started; the evaluation and the LLM call then
run on a thread pool. With `workers` = 0 a check is evaluated inline, before `handle` returns.
A check started but not concluded when the process died is resumed by `resume_in_flight()`.
The firm store's version check lets exactly one conclusion be recorded, and a concluded check
is never evaluated (nor sent to the LLM) again.
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
from eligibility_engine.adapters.engine_memory import (
    FirmEngineMemory,
    ForgetfulMemory,
    checks_in_flight,
)
from eligibility_engine.domain.catalogue import catalogue_fingerprint, load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.llm_analysis import PROMPT_VERSION
from eligibility_engine.domain.rerun_diff import changes_since, check_snapshot
from eligibility_engine.llm_step import LLMStep
from shared.contracts import CASE_OUTCOME_RECORDED, CHECK_REQUESTED, EventEnvelope
from shared.positions import PositionTable
from shared.sql import Database

log = logging.getLogger(__name__)
ENGINE_ACTOR = "eligibility-engine"
UNEXPECTED_FAULT_ATTEMPTS = 3


class CheckHandler:
    """Evaluate each requested check and record its recommendations in the firm's store."""

    name = "engine"

    def __init__(self, stores: FirmStores, positions: PositionTable | None = None,
                 memory_db: Database | None = None, llm: LLMStep | None = None,
                 workers: int = 0, deadline_seconds: float = 8.0):
        self._stores = stores
        self._memory_db = memory_db
        self._positions = positions
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
            return
        try:
            cases.start_check(check_id, _engine_meta(request_meta))
        except CheckAlreadyConcludedError:
            return
        self.memory(firm_id).mark_in_flight(str(check_id), request_meta)
        self._submit(firm_id, str(check_id), request_meta)

    def resume_in_flight(self) -> int:
        """Resubmit every check started but not concluded (after a crash or restart)."""
        pending = checks_in_flight(self._memory_db) if self._memory_db is not None else []
        for firm_id, check_id, request_meta in pending:
            self._submit(firm_id, check_id, request_meta)
        return len(pending)

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

    def _submit(self, firm_id: str, check_id: str, request_meta: dict) -> None:
        with self._lock:
            if (firm_id, check_id) in self._running:
                return
            self._running.add((firm_id, check_id))
        self._slots.acquire()
        if self._pool is None:
            return self._complete(firm_id, check_id, request_meta)
        self._pool.submit(self._complete, firm_id, check_id, request_meta)

    def _complete(self, firm_id: str, check_id: str, request_meta: dict) -> None:
        try:
            self._run_with_retries(firm_id, UUID(check_id), request_meta)
            self.memory(firm_id).clear_in_flight(check_id)
        except Exception:
            # Left in flight on purpose: the next resume_in_flight() tries it again.
            log.exception("check %s could not be concluded; left in flight", check_id)
        finally:
            with self._lock:
                self._running.discard((firm_id, check_id))
            self._slots.release()

    def _run_with_retries(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        for attempt in range(1, UNEXPECTED_FAULT_ATTEMPTS + 1):
            try:
                return self.run_check(firm_id, check_id, request_meta)
            except DomainError as exc:
                return self._fail(firm_id, check_id, str(exc), request_meta)
            except Exception as exc:
                log.warning("check %s attempt %s failed: %r", check_id, attempt, exc)
                if attempt == UNEXPECTED_FAULT_ATTEMPTS:
                    return self._fail(firm_id, check_id, f"engine fault: {exc!r}", request_meta)
                time.sleep(0.5 * attempt)

    def run_check(self, firm_id: str, check_id: UUID, request_meta: dict) -> None:
        """Evaluate one check and record its result; nothing happens for a concluded check."""
        deadline = time.monotonic() + self._deadline_seconds
        cases = self._stores.for_firm(firm_id)
        check = cases.eligibility_check(check_id)
        if check.is_concluded:
            return
        cases.start_check(check_id, _engine_meta(request_meta))
        profile = cases.client_profile(check.client_id, version=check.profile_version).fields
        memory = self.memory(firm_id)
        result = self._evaluate(profile, memory)
        if result is None:
            return self._fail(firm_id, check_id, "The rules engine could not evaluate this "
                              "profile; the error is logged for the engineering team.",
                              request_meta)
        key = self._llm.analysis_key(check.client_id, check.profile_version, result)
        result = self._llm.add_analysis(result, profile, key, memory, check.force_refresh,
                                        deadline)
        snapshot = check_snapshot(profile, result)
        result["changes_since_previous_check"] = changes_since(
            memory.previous_check(str(check.client_id), str(check_id)), snapshot)
        result["provenance"] = self._provenance(result, check)
        try:
            cases.record_recommendations(check_id, result, _engine_meta(request_meta))
        except CheckAlreadyConcludedError:
            log.info("check %s was concluded by another worker", check_id)
            return
        memory.remember_check(str(check_id), str(check.client_id), check.profile_version, snapshot)

    def _evaluate(self, profile: dict, memory) -> dict | None:
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

    def _fail(self, firm_id: str, check_id: UUID, message: str, request_meta: dict) -> None:
        try:
            self._stores.for_firm(firm_id).record_check_failure(
                check_id, message, retry_allowed=True, meta=_engine_meta(request_meta))
        except CheckAlreadyConcludedError:
            pass


def _engine_meta(request_meta: dict) -> dict:
    return {"actor_id": ENGINE_ACTOR, "actor_kind": "engine",
            "correlation_id": request_meta.get("correlation_id")}
