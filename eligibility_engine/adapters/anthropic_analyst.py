"""The LLM port's adapter: the real `anthropic` client, retried within a deadline, behind a breaker.

- per-call timeout, never beyond the check's deadline;
- tenacity retries 429 (honouring retry-after), 5xx, connection errors and timeouts with
  exponential backoff and jitter, and stops when the next wait would pass the deadline;
- a pybreaker circuit breaker counts each exhausted call as one failure and, while open,
  refuses at once so a check completes as rules-only without waiting on a dead vendor;
- a malformed answer (no tool call, or input failing validation) gets one repair request.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import anthropic
import pybreaker
import yaml
from marshmallow import ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from eligibility_engine.adapters.concurrent_breaker import ConcurrentBreaker
from eligibility_engine.adapters.llm_settings import LLMSettings
from eligibility_engine.domain.llm_analysis import (
    SYSTEM_PROMPT,
    TOOL,
    TOOL_NAME,
    validate_analysis,
)

log = logging.getLogger(__name__)


class AnalysisUnavailable(Exception):
    """No usable analysis: the vendor failed, the breaker is open or the answer was malformed."""


class MalformedAnswer(AnalysisUnavailable):
    """The vendor answered, but not with a valid call of the analysis tool."""


class DeadlinePassed(AnalysisUnavailable):
    """The check's LLM deadline passed before another attempt could start."""


@dataclass(frozen=True)
class Analysis:
    content: dict
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    attempts: int
    repaired: bool


class AnthropicAnalyst:
    """Ask the Messages API for a structured analysis of a rules result."""

    def __init__(self, settings: LLMSettings):
        self.settings = settings
        self._client = anthropic.Anthropic(api_key=settings.api_key, base_url=settings.base_url,
                                           max_retries=0, timeout=settings.call_timeout_seconds)
        self.breaker = ConcurrentBreaker(pybreaker.CircuitBreaker(
            fail_max=settings.breaker_fail_max, reset_timeout=settings.breaker_reset_seconds,
            name="anthropic-messages", throw_new_error_on_trip=False))

    def analyse(self, payload: dict, deadline: float) -> Analysis:
        """Return a validated analysis before `deadline` (time.monotonic()), or raise."""
        messages = [{"role": "user", "content": json.dumps(payload, sort_keys=True)}]
        usage = {"in": 0, "out": 0, "attempts": 0}
        reply = None
        try:
            reply = self._call(messages, deadline, usage)
            content, repaired = _validated(reply), False
        except MalformedAnswer as problem:
            content, repaired = self._repair(messages, reply, problem, deadline, usage), True
        return Analysis(content, self.settings.model, usage["in"], usage["out"],
                        _cost(self.settings.model, usage["in"], usage["out"]),
                        usage["attempts"], repaired)

    def _repair(self, messages, reply, problem, deadline, usage) -> dict:
        log.info("malformed LLM answer (%s); one repair attempt", problem)
        follow_up = messages
        if reply is not None:
            follow_up = [*messages, {"role": "assistant", "content": _assistant_content(reply)},
                         {"role": "user", "content": _repair_request(reply, problem)}]
        try:
            return _validated(self._call(follow_up, deadline, usage))
        except MalformedAnswer as again:
            raise AnalysisUnavailable(f"malformed analysis after one repair: {again}") from None

    def _call(self, messages: list, deadline: float, usage: dict):
        try:
            return self.breaker.call(self._call_with_retries, messages, deadline, usage)
        except pybreaker.CircuitBreakerError as exc:
            raise AnalysisUnavailable(f"the LLM circuit breaker is open: {exc}") from None
        except AnalysisUnavailable:
            raise
        except (anthropic.APIResponseValidationError, json.JSONDecodeError) as exc:
            raise MalformedAnswer(f"unreadable response from the Messages API: {exc}") from exc
        except anthropic.APIError as exc:
            raise AnalysisUnavailable(f"the Messages API failed: {type(exc).__name__}") from exc

    def _call_with_retries(self, messages: list, deadline: float, usage: dict):
        retrying = Retrying(retry=retry_if_exception(_transient),
                            stop=stop_after_attempt(self.settings.max_attempts),
                            wait=_wait_within(deadline), before=_check_deadline(deadline),
                            reraise=True)
        for attempt in retrying:
            with attempt:
                usage["attempts"] += 1
                reply = self._client.messages.create(
                    model=self.settings.model, max_tokens=self.settings.max_tokens,
                    system=SYSTEM_PROMPT, messages=messages, tools=[TOOL],
                    tool_choice={"type": "tool", "name": TOOL_NAME},
                    timeout=max(0.05, min(self.settings.call_timeout_seconds,
                                          deadline - time.monotonic())))
        usage["in"] += reply.usage.input_tokens
        usage["out"] += reply.usage.output_tokens
        return reply


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, DeadlinePassed):
        return False
    if isinstance(exc, (anthropic.APIConnectionError, anthropic.RateLimitError)):
        return True
    return isinstance(exc, anthropic.APIStatusError) and exc.status_code >= 500


def _check_deadline(deadline: float):
    def before(state: RetryCallState) -> None:
        if state.attempt_number > 1 and time.monotonic() >= deadline:
            raise DeadlinePassed("the LLM deadline passed before a retry")
    return before


def _wait_within(deadline: float):
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        delay = _retry_after(exc)
        if delay is None:
            delay = min(2.0, 0.2 * 2 ** (state.attempt_number - 1)) * random.uniform(0.5, 1.0)
        if time.monotonic() + delay >= deadline:
            raise exc
        return delay
    return wait


def _retry_after(exc) -> float | None:
    response = getattr(exc, "response", None)
    raw = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


def _validated(reply) -> dict:
    for block in reply.content:
        if getattr(block, "type", None) == "tool_use" and block.name == TOOL_NAME:
            try:
                return validate_analysis(block.input)
            except ValidationError as exc:
                raise MalformedAnswer(f"invalid tool input: {exc.messages}") from None
    raise MalformedAnswer("the model did not call the analysis tool")


def _assistant_content(reply) -> list:
    return [block.model_dump(exclude_none=True) for block in reply.content] or [
        {"type": "text", "text": "(no answer)"}]


def _repair_request(reply, problem) -> list | str:
    text = (f"Your answer did not match the {TOOL_NAME} schema ({problem}). Call the tool again "
            "with a complete, valid input.")
    tool_use = next((b for b in reply.content if getattr(b, "type", None) == "tool_use"), None)
    if tool_use is None:
        return text
    return [{"type": "tool_result", "tool_use_id": tool_use.id, "is_error": True,
             "content": text}]


@lru_cache(maxsize=1)
def _prices() -> dict:
    with open(Path(__file__).with_name("llm_pricing.yaml")) as handle:
        return yaml.safe_load(handle)["models"]


def _cost(model: str, tokens_in: int, tokens_out: int) -> float:
    price = _prices().get(model, _prices()["default"])
    return round((tokens_in * price["input_per_mtok"] + tokens_out * price["output_per_mtok"])
                 / 1_000_000, 6)

