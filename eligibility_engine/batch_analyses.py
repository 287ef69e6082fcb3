"""Analyses of many re-run checks through the Message Batches API (half price, up to a day).

`visa recheck --batch` requests its checks with `analysis_delivery: batch` in their metadata:
they conclude from the rules as usual, their result says the analysis follows by batch, and
the engine does not start it. This runner waits for those checks to conclude, sends every
analysis in one batch, waits for the batch to end and records each analysis (or why there is
none) exactly as the engine would, priced at the batch rate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from eligibility_engine.application.analyse_check import AnalyseCheck, Case
from eligibility_engine.ports import AnalysisUnavailable, CheckStore

log = logging.getLogger(__name__)
BATCH = "batch"


class BatchAnalyses:
    def __init__(self, analyse: AnalyseCheck, checks: CheckStore, analyst,
                 sleep: Callable[[float], None] = time.sleep):
        self._analyse = analyse
        self._checks = checks
        self._analyst = analyst
        self._sleep = sleep

    def run(self, firm_id: str, check_ids: list[str], meta: dict, poll_seconds: float = 30,
            timeout_seconds: float = 86_400) -> dict:
        """Analyse the checks in one batch; return {batch_id, outcomes: {outcome: count}}."""
        deadline = time.monotonic() + timeout_seconds
        self._wait(lambda: all(self._checks.requested_check(firm_id, c).is_concluded
                               for c in check_ids), deadline, poll_seconds)
        cases, outcomes = {}, {}
        for check_id in check_ids:
            case = self._analyse.prepare(firm_id, check_id, meta)
            if isinstance(case, Case):
                cases[check_id] = case
            else:
                outcomes[case] = outcomes.get(case, 0) + 1
        if not cases:
            return {"batch_id": None, "outcomes": outcomes}
        batch_id = self._analyst.submit_batch(
            {cid: self._analyst.request(case.message) for cid, case in cases.items()})
        log.info("analysis batch %s sent with %s requests", batch_id, len(cases))
        ended = self._wait(lambda: self._analyst.batch_ended(batch_id), deadline, poll_seconds)
        results = dict(self._analyst.batch_results(batch_id)) if ended else {}
        for check_id, case in cases.items():
            outcome = self._record(case, results.get(check_id), meta)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return {"batch_id": batch_id, "outcomes": outcomes}

    def _record(self, case: Case, answer, meta: dict) -> str:
        if answer is None:
            answer = AnalysisUnavailable("batch_unfinished", "the analysis batch did not end "
                                         "in time; request the check again for an analysis")
        if isinstance(answer, AnalysisUnavailable):
            return self._analyse.record_failure(case.firm_id, case.check_id, answer, meta)
        return self._analyse.record(case, answer.content, answer.usage, answer.repaired, meta)

    def _wait(self, condition: Callable[[], bool], deadline: float, poll_seconds: float) -> bool:
        while not condition():
            if time.monotonic() >= deadline:
                return False
            self._sleep(poll_seconds)
        return True
