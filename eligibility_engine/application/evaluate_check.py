"""The engine's use case: evaluate a requested check, rules first, then the analysis."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from catalogue.loader import Catalogue, catalogue_fingerprint, load_catalogue
from eligibility_engine.domain.checks import RequestedCheck
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.llm_analysis import PROMPT_VERSION
from eligibility_engine.domain.rerun_diff import changes_since, check_snapshot
from eligibility_engine.llm_step import LLMStep
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
                 llm: LLMStep, clock: Clock, deadline_seconds: float = 8.0,
                 catalogue: Callable[[], Catalogue] = load_catalogue,
                 evaluate: Callable[..., dict] | None = None):
        self._checks = checks
        self._memory_for = memory_for
        self._llm = llm
        self._clock = clock
        self._deadline_seconds = deadline_seconds
        self._catalogue = catalogue
        self._evaluate = evaluate

    def __call__(self, firm_id: str, check_id: str, meta: dict) -> Concluded:
        deadline = time.monotonic() + self._deadline_seconds
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
        key = self._llm.analysis_key(check.client_id, check.profile_version, result)
        result = self._llm.add_analysis(result, profile, key, memory, check.force_refresh,
                                        deadline)
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
                "rules_version": result["rules_version"], "prompt_version": PROMPT_VERSION,
                "model": (result.get("llm") or {}).get("model") or self._llm.model,
                "analysis_mode": result["analysis_mode"], "profile_version": check.profile_version,
                "evaluated_at": self._clock.now().isoformat(),
                "evidence": "each gate and criterion lists the profile facts it used in `facts`"}
