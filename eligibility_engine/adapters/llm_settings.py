"""LLM settings from the environment: key, model, effort, base URL, timeouts, breaker, concurrency.

The analysis runs after the check has concluded, so its timeouts are the model's, not the
check's: the call timeout is the longest silence allowed between streamed events (the API sends
pings while the model thinks), the deadline bounds a whole analysis with its retries.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from shared.config import ConfigurationError

DEFAULT_MODEL = "claude-sonnet-5-5"
EFFORTS = ("low", "medium", "high")


@dataclass(frozen=True)
class LLMSettings:
    api_key: str | None = field(default=None, repr=False)
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    effort: str = "medium"
    call_timeout_seconds: float = 60.0
    deadline_seconds: float = 600.0
    max_attempts: int = 4
    breaker_fail_max: int = 5
    breaker_reset_seconds: float = 60.0
    concurrency: int = 32
    max_tokens: int = 16000

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)


def llm_settings(environ: dict | None = None) -> LLMSettings:
    """Read the LLM settings; raises ConfigurationError on malformed numbers."""
    env = os.environ if environ is None else environ
    return LLMSettings(
        api_key=env.get("ANTHROPIC_API_KEY") or None,
        model=env.get("VISA_LLM_MODEL") or DEFAULT_MODEL,
        effort=_effort(env.get("VISA_LLM_EFFORT")),
        base_url=env.get("ANTHROPIC_BASE_URL") or None,
        call_timeout_seconds=_number(env.get("VISA_LLM_CALL_TIMEOUT_SECONDS"),
                                     "VISA_LLM_CALL_TIMEOUT_SECONDS", 60.0),
        deadline_seconds=_number(env.get("VISA_LLM_DEADLINE_SECONDS"),
                                 "VISA_LLM_DEADLINE_SECONDS", 600.0),
        max_attempts=int(_number(env.get("VISA_LLM_MAX_ATTEMPTS"), "VISA_LLM_MAX_ATTEMPTS", 4)),
        breaker_fail_max=int(_number(env.get("VISA_LLM_BREAKER_FAIL_MAX"),
                                     "VISA_LLM_BREAKER_FAIL_MAX", 5)),
        breaker_reset_seconds=_number(env.get("VISA_LLM_BREAKER_RESET_SECONDS"),
                                      "VISA_LLM_BREAKER_RESET_SECONDS", 60.0),
        concurrency=int(_number(env.get("VISA_ENGINE_CONCURRENCY"), "VISA_ENGINE_CONCURRENCY",
                                32)),
    )


def _effort(raw: str | None) -> str:
    if not raw:
        return "medium"
    if raw not in EFFORTS:
        raise ConfigurationError(f"VISA_LLM_EFFORT must be one of {', '.join(EFFORTS)}, got {raw!r}")
    return raw


def _number(raw: str | None, name: str, default: float) -> float:
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {raw!r}")
    return value
