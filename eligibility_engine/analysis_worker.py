"""The engine's analysis worker: each concluded check gets at most one paid LLM analysis.

The engine's consumer hands it every `RecommendationsProduced` whose result says an analysis
follows. `accept` takes the analysis's lease (a row in `analysis_leases`) only if nobody holds
it, so a redelivered event, a second engine or a rebalance never starts a second paid call;
the analysis then runs on a pool of its own (the model takes tens of seconds; checks never
wait for it). The lease is renewed while the call runs and released once the analysis (or
its failure) is recorded; an engine that died leaves a lease nobody renews, and a live
engine's sweeper runs the analysis again, then records it failed.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from eligibility_engine.adapters.analysis_store import AnalysisAlreadyRecordedError
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.application.analyse_check import AnalyseCheck, AnalysisStore
from shared.logs import correlated
from shared.metrics import LLM_ANALYSES

log = logging.getLogger(__name__)


class AnalysisWorker:
    """Run each concluded check's LLM analysis once, off the check's path."""

    def __init__(self, analyse: AnalyseCheck, analyses: AnalysisStore, leases: CheckLeases,
                 workers: int = 32):
        self.analyse = analyse
        self._analyses = analyses
        self._leases = leases
        self._pool = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="analysis")
        self._running: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def accept(self, firm_id: str, check_id: str, meta: dict) -> None:
        """Start the analysis unless it is recorded or someone holds its lease."""
        if self._analyses.is_recorded(firm_id, check_id):
            return
        if not self._leases.take_if_free(firm_id, check_id, meta.get("correlation_id")):
            log.info("analysis of check %s is already under way", check_id)
            return
        self._submit(firm_id, check_id, meta)

    def run_check(self, firm_id: str, check_id: UUID, meta: dict) -> None:
        """Run an abandoned analysis again (the sweeper claimed its lease)."""
        self._submit(firm_id, str(check_id), meta)

    def fail(self, firm_id: str, check_id: UUID, message: str, meta: dict) -> None:
        """Record that the analysis could not be had (the sweeper gave up on it)."""
        try:
            self._analyses.failed(firm_id, str(check_id), "abandoned",
                                  message.replace("check", "analysis", 1), {}, True, meta)
        except AnalysisAlreadyRecordedError:
            return
        LLM_ANALYSES.labels("abandoned").inc()

    def running_checks(self) -> list[tuple[str, str]]:
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
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _submit(self, firm_id: str, check_id: str, meta: dict) -> None:
        with self._lock:
            if (firm_id, check_id) in self._running:
                return
            self._running.add((firm_id, check_id))
        self._pool.submit(self._run, firm_id, check_id, meta)

    def _run(self, firm_id: str, check_id: str, meta: dict) -> None:
        try:
            with correlated(meta.get("correlation_id")):
                outcome = self.analyse(firm_id, check_id, _engine_meta(meta))
                LLM_ANALYSES.labels(outcome).inc()
                log.info("analysis of check %s: %s", check_id, outcome)
            self._leases.release(firm_id, check_id)
        except AnalysisAlreadyRecordedError:
            self._leases.release(firm_id, check_id)
        except Exception:
            # The lease stays on purpose: the sweeper runs the analysis again, then fails it.
            log.exception("analysis of check %s could not be recorded; left to the sweeper",
                          check_id)
        finally:
            with self._lock:
                self._running.discard((firm_id, check_id))


def _engine_meta(meta: dict) -> dict:
    return {"actor_id": "eligibility-engine", "actor_kind": "engine",
            "correlation_id": meta.get("correlation_id")}
