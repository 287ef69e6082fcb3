"""The LLM port's adapter: the real `anthropic` client, streamed, retried, behind a breaker.

The request follows the current model's documentation: structured output through
`output_config.format` (no forced `tool_choice`, which the current Sonnet refuses with a 400),
adaptive thinking at a chosen effort, the catalogue in a system block marked `cache_control`.
- Streaming: a long answer is never cut by a read timeout; the call timeout is the longest
  silence allowed between events, and the analysis deadline bounds the whole call.
- tenacity retries 429 (honouring retry-after), 529 (overloaded), 5xx, connection errors and
  timeouts with exponential backoff and jitter, and stops when the next wait would pass the
  deadline. A 400 is not retried: the request is wrong, and retrying would not fix it.
- `max_tokens` and `refusal` stop reasons end the analysis with a clear reason.
- An answer that does not validate gets one repair request.
- Every attempt's tokens and cost are recorded (UsageLedger), failed ones included.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass

import anthropic

from marshmallow import ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from eligibility_engine.adapters.circuit_breaker import CircuitBreaker, CircuitOpenError
from eligibility_engine.adapters.llm_settings import LLMSettings
from eligibility_engine.adapters.llm_usage import UsageLedger
from eligibility_engine.ports import AnalysisUnavailable
from eligibility_engine.domain.llm_analysis import (
    INSTRUCTIONS,
    catalogue_block,
    output_schema,
    validate_analysis,
)
from shared.metrics import LLM_ERRORS, LLM_RETRIES, record_circuit_transition, timed_llm_call

log = logging.getLogger(__name__)
BREAKER_NAME = "anthropic-messages"


class _Malformed(Exception):
    pass


class _Stopped(Exception):
    """The model stopped without a usable answer (max_tokens or refusal): not retried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _DeadlinePassed(Exception):
    pass


@dataclass(frozen=True)
class Answer:
    content: dict
    usage: dict
    repaired: bool


class AnthropicAnalyst:
    """Ask the Messages API for a structured, grounded analysis of a rules result."""

    def __init__(self, settings: LLMSettings, catalogue):
        self.settings = settings
        self._client = anthropic.Anthropic(
            api_key=settings.api_key, base_url=settings.base_url, max_retries=0,
            timeout=anthropic.Timeout(settings.call_timeout_seconds, connect=10.0))
        self._system = [{"type": "text", "text": INSTRUCTIONS},
                        {"type": "text", "text": catalogue_block(catalogue),
                         "cache_control": {"type": "ephemeral"}}]
        self._schema = output_schema(catalogue)
        self.breaker = CircuitBreaker(BREAKER_NAME, settings.breaker_fail_max,
                                      settings.breaker_reset_seconds,
                                      on_change=record_circuit_transition)
        record_circuit_transition(BREAKER_NAME, "closed", "closed")

    @property
    def model(self) -> str:
        return self.settings.model

    def request(self, case_message: str, problem: str | None = None) -> dict:
        """The Messages API parameters for one analysis (also a Message Batches request)."""
        content = case_message if problem is None else (
            f"{case_message}\n\nA previous answer to this request was rejected ({problem}). "
            "Answer again with a complete document that follows the schema.")
        return {"model": self.settings.model, "max_tokens": self.settings.max_tokens,
                "system": self._system, "messages": [{"role": "user", "content": content}],
                "thinking": {"type": "adaptive"},
                "output_config": {"effort": self.settings.effort,
                                  "format": {"type": "json_schema", "schema": self._schema}}}

    def analyse(self, case_message: str, deadline: float) -> Answer:
        """Return a validated answer before `deadline` (time.monotonic()), or raise."""
        ledger = UsageLedger(self.settings.model)
        try:
            return Answer(self._answer(case_message, None, deadline, ledger), ledger.summary(),
                          False)
        except _Malformed as malformed:
            log.info("malformed LLM answer (%s); one repair request", malformed)
            problem = str(malformed)
        try:
            return Answer(self._answer(case_message, problem, deadline, ledger),
                          ledger.summary(), True)
        except _Malformed as again:
            raise self._unavailable("malformed", f"malformed answer after one repair: {again}",
                                    ledger) from None

    def submit_batch(self, requests: dict[str, dict]) -> str:
        """Send {custom_id: request} through the Message Batches API; return the batch id."""
        batch = self._client.messages.batches.create(
            requests=[{"custom_id": cid, "params": params} for cid, params in requests.items()])
        return batch.id

    def batch_ended(self, batch_id: str) -> bool:
        return self._client.messages.batches.retrieve(batch_id).processing_status == "ended"

    def batch_results(self, batch_id: str):
        """Yield (custom_id, Answer or AnalysisUnavailable) for every request of an ended batch;
        each answer is priced at the batch rate."""
        for item in self._client.messages.batches.results(batch_id):
            ledger = UsageLedger(self.settings.model)
            if item.result.type != "succeeded":
                ledger.record(f"batch_{item.result.type}", None, None, 0.0, batch=True)
                yield item.custom_id, self._unavailable(
                    f"batch_{item.result.type}", f"the batch request {item.result.type}", ledger)
                continue
            message = item.result.message
            ledger.record(message.stop_reason or "end_turn", message.usage,
                          getattr(message, "id", None), 0.0, batch=True)
            try:
                yield item.custom_id, Answer(self.parse(message), ledger.summary(), False)
            except AnalysisUnavailable as exc:
                yield item.custom_id, self._unavailable(exc.reason, str(exc), ledger)

    def parse(self, message) -> dict:
        """Validate a finished message (streamed or from a batch); raises AnalysisUnavailable."""
        try:
            return _validated(message)
        except _Stopped as stop:
            raise AnalysisUnavailable(stop.reason, _STOP_MESSAGES[stop.reason]) from None
        except _Malformed as problem:
            raise AnalysisUnavailable("malformed", f"malformed answer: {problem}") from None

    def _answer(self, case_message: str, problem: str | None, deadline: float,
                ledger: UsageLedger) -> dict:
        try:
            message = self._call_with_retries(self.request(case_message, problem), deadline,
                                              ledger)
        except CircuitOpenError as exc:
            LLM_ERRORS.labels("circuit_open").inc()
            raise self._unavailable("breaker_open", f"the LLM circuit breaker is open: {exc}",
                                    ledger) from None
        except _DeadlinePassed:
            raise self._unavailable("deadline", "the analysis deadline passed", ledger) from None
        except anthropic.APIStatusError as exc:
            return self._vendor_error(exc, ledger)
        except anthropic.APIError as exc:
            raise self._unavailable(_kind(exc), f"the Messages API failed: {type(exc).__name__}",
                                    ledger) from None
        try:
            return _validated(message)
        except _Stopped as stop:
            LLM_ERRORS.labels(stop.reason).inc()
            raise self._unavailable(stop.reason, _STOP_MESSAGES[stop.reason], ledger,
                                    retry_allowed=stop.reason == "max_tokens") from None

    def _vendor_error(self, exc: anthropic.APIStatusError, ledger: UsageLedger):
        if _transient(exc):
            reason = _kind(exc)
            raise self._unavailable(reason, f"the Messages API failed: {_describe(exc)}",
                                    ledger) from None
        LLM_ERRORS.labels("rejected").inc()
        raise self._unavailable("rejected", f"the Messages API refused the request: "
                                f"{_describe(exc)}", ledger, retry_allowed=False) from None

    def _call_with_retries(self, params: dict, deadline: float, ledger: UsageLedger):
        retrying = Retrying(retry=retry_if_exception(_transient),
                            stop=stop_after_attempt(self.settings.max_attempts),
                            wait=_wait_within(deadline), before=_check_deadline(deadline),
                            before_sleep=lambda _: LLM_RETRIES.labels(self.model).inc(),
                            reraise=True)
        for attempt in retrying:
            with attempt:
                return self._guarded_call(params, deadline, ledger)

    def _guarded_call(self, params: dict, deadline: float, ledger: UsageLedger):
        """One call through the breaker, so a retry is refused once the circuit has opened.

        A transient failure or a passed deadline counts against the vendor; any answer,
        a refused request included, shows it reachable.
        """
        trial = self.breaker.admit()
        try:
            message = self._stream(params, deadline, ledger)
        except anthropic.APIStatusError as exc:
            (self.breaker.failed if _transient(exc) else self.breaker.succeeded)(trial)
            raise
        except BaseException:
            self.breaker.failed(trial)
            raise
        self.breaker.succeeded(trial)
        return message

    def _stream(self, params: dict, deadline: float, ledger: UsageLedger):
        started, snapshot, request_id = time.monotonic(), None, None
        try:
            with timed_llm_call(self.model), self._client.messages.stream(**params) as stream:
                request_id = stream.request_id
                for _ in stream:
                    snapshot = stream.current_message_snapshot
                    if time.monotonic() > deadline:
                        raise _DeadlinePassed("the analysis deadline passed mid-answer")
                message = stream.get_final_message()
        except Exception as exc:
            kind = "deadline" if isinstance(exc, _DeadlinePassed) else _kind(exc)
            LLM_ERRORS.labels(kind).inc()
            ledger.record(kind, getattr(snapshot, "usage", None),
                          request_id or getattr(exc, "request_id", None),
                          time.monotonic() - started)
            raise
        ledger.record(message.stop_reason or "end_turn", message.usage, request_id,
                      time.monotonic() - started)
        return message

    def _unavailable(self, reason: str, message: str, ledger: UsageLedger,
                     retry_allowed: bool = True) -> AnalysisUnavailable:
        return AnalysisUnavailable(reason, message, ledger.summary(), retry_allowed)


_STOP_MESSAGES = {
    "max_tokens": "the answer was longer than the output limit (stop reason max_tokens)",
    "refusal": "the model declined to analyse this profile (stop reason refusal)",
}


def _validated(message) -> dict:
    if message.stop_reason in _STOP_MESSAGES:
        raise _Stopped(message.stop_reason)
    text = "".join(b.text for b in message.content if getattr(b, "type", None) == "text")
    try:
        return validate_analysis(json.loads(text))
    except json.JSONDecodeError as exc:
        raise _Malformed(f"the answer is not JSON ({exc.msg})") from None
    except ValidationError as exc:
        raise _Malformed(f"the answer does not validate: {exc.messages}") from None


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, (anthropic.APIConnectionError, anthropic.RateLimitError)):
        return True
    return isinstance(exc, anthropic.APIStatusError) and exc.status_code >= 500


def _kind(exc: BaseException) -> str:
    if isinstance(exc, anthropic.APITimeoutError):
        return "timeout"
    if isinstance(exc, anthropic.APIConnectionError):
        return "connection"
    if isinstance(exc, anthropic.RateLimitError):
        return "rate_limited"
    if isinstance(exc, anthropic.OverloadedError):
        return "overloaded"
    if isinstance(exc, anthropic.APIStatusError):
        return "server" if exc.status_code >= 500 else "rejected"
    if isinstance(exc, anthropic.APIResponseValidationError):
        return "malformed"
    return "error"


def _describe(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return f"{exc.status_code} {error.get('type', '')}: {error.get('message', '')}".strip()


def _check_deadline(deadline: float):
    def before(state: RetryCallState) -> None:
        if state.attempt_number > 1 and time.monotonic() >= deadline:
            raise _DeadlinePassed("the analysis deadline passed before a retry")
    return before


def _wait_within(deadline: float):
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        delay = _retry_after(exc)
        if delay is None:
            delay = min(8.0, 0.5 * 2 ** (state.attempt_number - 1)) * random.uniform(0.5, 1.0)
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
