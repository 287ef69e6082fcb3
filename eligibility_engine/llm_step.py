"""The LLM step of a check: reuse a stored analysis, or ask the analyst, or fall back to rules."""

from __future__ import annotations

import logging
from dataclasses import asdict

from eligibility_engine.adapters.anthropic_analyst import AnalysisUnavailable, AnthropicAnalyst
from eligibility_engine.adapters.engine_memory import FirmEngineMemory
from eligibility_engine.domain.guardrails import apply_analysis
from eligibility_engine.domain.llm_analysis import PROMPT_VERSION, prompt_payload

log = logging.getLogger(__name__)


class LLMStep:
    """Add the LLM's analysis to a rules result, within the check's deadline."""

    def __init__(self, analyst: AnthropicAnalyst | None):
        self.analyst = analyst

    @property
    def model(self) -> str | None:
        return self.analyst.settings.model if self.analyst else None

    def analysis_key(self, client_id, profile_version: int, result: dict) -> str:
        return ":".join(str(part) for part in (client_id, profile_version,
                                               result["catalogue_version"],
                                               result["rules_version"], PROMPT_VERSION,
                                               self.model))

    def add_analysis(self, result: dict, profile: dict, key: str, memory: FirmEngineMemory,
                     force_refresh: bool, deadline: float) -> dict:
        """Return the result in `llm_and_rules` mode, or unchanged in `rules_only` with a note."""
        if self.analyst is None:
            return {**result, "analysis_note": "rules only: no LLM is configured"}
        stored = None if force_refresh else memory.stored_analysis(key)
        if stored is not None:
            return self._merged(result, stored, reused=True)
        try:
            analysis = asdict(self.analyst.analyse(prompt_payload(profile, result), deadline))
        except AnalysisUnavailable as exc:
            log.warning("LLM analysis unavailable: %s", exc)
            return {**result, "analysis_note": f"rules only: {exc}",
                    "llm": {"model": self.model, "tokens_in": 0, "tokens_out": 0,
                            "cost_usd": 0.0}}
        memory.store_analysis(key, analysis)
        return self._merged(result, analysis, reused=False)

    def _merged(self, result: dict, analysis: dict, reused: bool) -> dict:
        merged = apply_analysis(result, analysis["content"])
        merged["analysis_mode"] = "llm_and_rules"
        merged["llm"] = {"model": analysis["model"], "reused_stored_analysis": reused,
                         "tokens_in": 0 if reused else analysis["tokens_in"],
                         "tokens_out": 0 if reused else analysis["tokens_out"],
                         "cost_usd": 0.0 if reused else analysis["cost_usd"],
                         "attempts": 0 if reused else analysis["attempts"],
                         "repaired": analysis["repaired"]}
        return merged
