"""The engine's use case: evaluate a requested check from the rules alone.

The check concludes without waiting for the LLM: its result says whether an analysis will
follow (`analysis.status` pending, or not_configured); `analyse_check.py` adds it afterwards
as an event of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from catalogue.loader import Catalogue, catalogue_fingerprint, load_catalogue
from eligibility_engine.domain.checks import RequestedCheck
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.rerun_diff import changes_since, check_snapshot
from eligibility_engine.ports import CheckStore, Clock, EngineMemory

log = logging.getLogger(__name__)
RULES_FAILED = ("The rules engine could not evaluate this profile; the error is logged for the "
                "engineering team.")


@dataclass(frozen=True)
class Concluded:
    check: RequestedCheck
    outcome: str  # completed, failed, skipped
    recommendations: int = 0


class EvaluateCheck:
    """Start a check, evaluate its pinned profile, record its recommendations."""

    def __init__(self, checks: CheckStore, memory_for: Callable[[str], EngineMemory],
                 clock: Clock, analysis_follows: bool = False,
                 catalogue: Callable[[], Catalogue] = load_catalogue,
                 evaluate: Callable[..., dict] | None = None):
        self._checks = checks
        self._memory_for = memory_for
        self._clock = clock
        self._analysis = "pending" if analysis_follows else "not_configured"
        self._catalogue = catalogue
        self._evaluate = evaluate

    def __call__(self, firm_id: str, check_id: str, meta: dict) -> Concluded:
        check = self._checks.requested_check(firm_id, check_id)
        if check.is_concluded:
            return Concluded(check, "skipped")
        check = self._checks.start(check, meta)
        log.info("check %s started", check_id)
        profile = self._checks.profile(firm_id, check.client_id, check.profile_version)
        memory = self._memory_for(firm_id)
        result = self._rules(profile, memory)
        if result is None:
            self._checks.fail(check, RULES_FAILED, True, meta)
            return Concluded(check, "failed")
        result["analysis"] = {"status": self._analysis}
        if self._analysis == "pending" and meta.get("analysis_delivery") == "batch":
            result["analysis"]["delivery"] = "batch"
        snapshot = check_snapshot(profile, result)
        result["changes_since_previous_check"] = changes_since(
            memory.previous_check(check.client_id, check.check_id), snapshot)
        result["provenance"] = self._provenance(result, check)
        self._checks.conclude(check, result, meta)
        memory.remember_check(check.check_id, check.client_id, check.profile_version, snapshot)
        return Concluded(check, "completed", len(result["recommendations"]))

    def _rules(self, profile: dict, memory: EngineMemory) -> dict | None:
        # Evaluation is a pure function of the profile: if it raises, retrying the
        # same event would fail forever, so the check fails with a clear state instead.
        try:
            evaluate = self._evaluate or evaluate_profile
            return evaluate(profile, self._catalogue(), firm_outcomes=memory.outcome_counts())
        except Exception:
            log.exception("rules evaluation failed")
            return None

    def _provenance(self, result: dict, check: RequestedCheck) -> dict:
        return {"catalogue_version": result["catalogue_version"],
                "catalogue_fingerprint": catalogue_fingerprint(),
                "rules_version": result["rules_version"],
                "analysis_mode": result["analysis_mode"], "profile_version": check.profile_version,
                "evaluated_at": self._clock.now().isoformat(),
                "evidence": "each gate and criterion lists the profile facts it used in `facts`"}
