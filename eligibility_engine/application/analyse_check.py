"""The engine's second use case: add the LLM's opinion to a check that concluded from the rules.

Load the check's result, show the model the profile without identifiers, keep the grounded
part of its answer within the law's bounds, record it as the analysis's own event; or record
why there is none. The same profile version against the same catalogue, rules, prompt and
model reuses the stored analysis (paid once) unless the check asked for a refresh.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from catalogue.loader import Catalogue, load_catalogue
from eligibility_engine.domain.guardrails import bounded_analysis
from eligibility_engine.domain.llm_analysis import PROMPT_VERSION, case_message
from eligibility_engine.domain.redaction import redacted_findings, redacted_profile
from eligibility_engine.ports import AnalysisUnavailable, CheckStore, Clock, EngineMemory

log = logging.getLogger(__name__)
NO_RESULT = "the check has no recommendations to analyse"


@dataclass(frozen=True)
class Case:
    """One check's analysis, ready to ask: what the model is shown and where it is stored."""

    firm_id: str
    check_id: str
    result: dict
    shown: dict
    findings: dict
    key: str
    memory: EngineMemory

    @property
    def message(self) -> str:
        return case_message(self.shown, self.findings)


class Analyst(Protocol):
    model: str

    def analyse(self, case_message: str, deadline: float): ...


class AnalysisStore(Protocol):
    def is_recorded(self, firm_id: str, check_id: str) -> bool: ...

    def produced(self, firm_id: str, check_id: str, analysis: dict, meta: dict) -> None: ...

    def failed(self, firm_id: str, check_id: str, reason: str, message: str, usage: dict,
               retry_allowed: bool, meta: dict) -> None: ...


class AnalyseCheck:
    """Record the LLM's analysis of a concluded check, or why there is none."""

    def __init__(self, analyses: AnalysisStore, checks: CheckStore, analyst: Analyst,
                 memory_for: Callable[[str], EngineMemory], clock: Clock,
                 deadline_seconds: float = 600.0,
                 catalogue: Callable[[], Catalogue] = load_catalogue):
        self._analyses = analyses
        self._checks = checks
        self._analyst = analyst
        self._memory_for = memory_for
        self._clock = clock
        self._deadline_seconds = deadline_seconds
        self._catalogue = catalogue

    def __call__(self, firm_id: str, check_id: str, meta: dict) -> str:
        """Return the outcome: produced, reused, skipped, or the reason it failed."""
        case = self.prepare(firm_id, check_id, meta)
        if isinstance(case, str):
            return case
        try:
            answer = self._analyst.analyse(case.message, time.monotonic() + self._deadline_seconds)
        except AnalysisUnavailable as exc:
            return self.record_failure(case.firm_id, case.check_id, exc, meta)
        return self.record(case, answer.content, answer.usage, answer.repaired, meta)

    def prepare(self, firm_id: str, check_id: str, meta: dict) -> "Case | str":
        """Gather what the model is shown; or return why no call is needed (an outcome)."""
        if self._analyses.is_recorded(firm_id, check_id):
            return "skipped"
        check = self._checks.requested_check(firm_id, check_id)
        result = self._checks.result(firm_id, check_id)
        if result is None:
            self._analyses.failed(firm_id, check_id, "no_result", NO_RESULT, {}, False, meta)
            return "no_result"
        profile = self._checks.profile(firm_id, check.client_id, check.profile_version)
        identifiers = self._checks.identifiers(firm_id, check.client_id, check.profile_version)
        memory = self._memory_for(firm_id)
        key = self.analysis_key(check.client_id, check.profile_version, result)
        stored = None if check.force_refresh else memory.stored_analysis(key)
        if stored is not None:
            self._analyses.produced(firm_id, check_id, reused(stored), meta)
            return "reused"
        return Case(firm_id, check_id, result, redacted_profile(profile, identifiers),
                    redacted_findings(result, profile, identifiers), key, memory)

    def record(self, case: "Case", content: dict, usage: dict, repaired: bool,
               meta: dict) -> str:
        """Keep the grounded part of an answer within the law, store it, record it."""
        analysis = self.analysis_of(case.result, content, case.shown, usage, repaired)
        case.memory.store_analysis(case.key, analysis)
        self._analyses.produced(case.firm_id, case.check_id, analysis, meta)
        return "produced"

    def record_failure(self, firm_id: str, check_id: str, exc: AnalysisUnavailable,
                       meta: dict) -> str:
        log.warning("check %s: no LLM analysis (%s): %s", check_id, exc.reason, exc)
        self._analyses.failed(firm_id, check_id, exc.reason, str(exc), exc.usage,
                              exc.retry_allowed, meta)
        return exc.reason

    def analysis_key(self, client_id: str, profile_version: int, result: dict) -> str:
        return ":".join(str(part) for part in (client_id, profile_version,
                                               result["catalogue_version"],
                                               result["rules_version"], PROMPT_VERSION,
                                               self._analyst.model))

    def analysis_of(self, result: dict, content: dict, shown: dict, usage: dict,
                    repaired: bool = False) -> dict:
        """The analysis to record: grounded, bounded, with what it cost and what produced it."""
        bounded = bounded_analysis(result, content, shown)
        return {**bounded, "model": self._analyst.model, "prompt_version": PROMPT_VERSION,
                "usage": usage, "repaired": repaired, "reused_stored_analysis": False,
                "produced_at": self._clock.now().isoformat()}


def reused(stored: dict) -> dict:
    """A stored analysis recorded again for another check: nothing was paid this time."""
    usage = {**(stored.get("usage") or {}), "calls": 0, "input_tokens": 0, "output_tokens": 0,
             "cache_read_tokens": 0, "cache_write_tokens": 0, "cost_usd": 0.0, "attempts": []}
    return {**stored, "usage": usage, "reused_stored_analysis": True}
