"""The product's Prometheus metrics, named once so every process and dashboard agrees.

Gunicorn's workers write to PROMETHEUS_MULTIPROC_DIR, and /metrics aggregates
every worker's file; single-process workers use the default registry.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from time import perf_counter

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_SLOW_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600)

HTTP_REQUEST_SECONDS = Histogram(
    "visa_http_request_duration_seconds", "HTTP request latency by route and status.",
    ["service", "method", "route", "status"], buckets=_LATENCY_BUCKETS)

EVENTS_APPENDED = Counter(
    "visa_events_appended_total", "Domain events stored in a firm's event store, by type.",
    ["event_type"])
EVENTS_PUBLISHED = Counter(
    "visa_events_published_total", "Events the outbox relay published to Kafka, by type.",
    ["event_type"])
OUTBOX_BACKLOG = Gauge(
    "visa_outbox_backlog_events", "Events stored but not yet published, over every firm.",
    multiprocess_mode="livemax")
OUTBOX_OLDEST_AGE = Gauge(
    "visa_outbox_oldest_event_age_seconds", "Age of the oldest stored, unpublished event.",
    multiprocess_mode="livemax")

CONSUMER_LAG = Gauge(
    "visa_kafka_consumer_lag_messages", "Messages not yet consumed on the assigned partitions.",
    ["group"], multiprocess_mode="livesum")
EVENT_LAG_SECONDS = Gauge(
    "visa_event_lag_seconds", "Seconds between an event being stored and this consumer "
    "applying it (0 when caught up); the projector's value is the projection lag.",
    ["consumer"], multiprocess_mode="livemax")
EVENTS_CONSUMED = Counter(
    "visa_events_consumed_total", "Events a consumer applied, by consumer and type.",
    ["consumer", "event_type"])
CONSUMER_FAILURES = Counter(
    "visa_consumer_failures_total", "Events whose handling raised and will be redelivered.",
    ["consumer"])
EVENTS_QUARANTINED = Counter(
    "visa_events_quarantined_total", "Events a consumer could not apply and set aside (dead "
    "letters, see `visa projections quarantine list`), by consumer and type.",
    ["consumer", "event_type"])
PASSWORD_HASHES_REFUSED = Counter(
    "visa_password_hashes_refused_total", "Sign-ins and password changes refused with 503 because "
    "the bounded password-hashing queue was full.")

CHECKS = Counter(
    "visa_checks_total", "Eligibility checks by status reached (requested, started, "
    "completed, failed, requeued).", ["status"])
CHECK_SECONDS = Histogram(
    "visa_check_duration_seconds", "Time from a check being requested to its conclusion.",
    ["outcome"], buckets=_SLOW_BUCKETS)
CHECKS_IN_PROCESSING = Gauge(
    "visa_checks_in_processing", "Checks this engine is evaluating now (sum over engines).",
    multiprocess_mode="livesum")
CHECKS_STUCK = Gauge(
    "visa_checks_stuck",
    "Checks found at the last sweep past the stuck-check limit or left by a dead engine.",
    multiprocess_mode="livemax")

LLM_CALL_SECONDS = Histogram(
    "visa_llm_call_duration_seconds", "LLM call latency, by model and outcome (ok or error).",
    ["model", "outcome"], buckets=_SLOW_BUCKETS)
LLM_RETRIES = Counter("visa_llm_retries_total", "LLM calls retried, by model.", ["model"])
LLM_TOKENS = Counter(
    "visa_llm_tokens_total", "LLM tokens by model and direction (input, output, cache_read, "
    "cache_write).", ["model", "direction"])
LLM_COST_USD = Counter("visa_llm_cost_usd_total", "Estimated LLM spend in US dollars.",
                       ["model"])
LLM_ERRORS = Counter(
    "visa_llm_errors_total", "LLM failures by kind (timeout, rate_limited, overloaded, server, "
    "rejected, max_tokens, refusal, malformed, circuit_open, ...).", ["kind"])
LLM_ANALYSES = Counter(
    "visa_llm_analyses_total", "Check analyses concluded, by outcome (produced, reused, or the "
    "failure reason).", ["outcome"])

CIRCUIT_STATE = Gauge(
    "visa_circuit_breaker_state", "Circuit state: 0 closed, 1 half-open, 2 open.",
    ["breaker"], multiprocess_mode="livemax")
CIRCUIT_TRANSITIONS = Counter(
    "visa_circuit_breaker_transitions_total", "Circuit state changes.",
    ["breaker", "from_state", "to_state"])

RATE_LIMIT_REJECTIONS = Counter(
    "visa_rate_limit_rejections_total", "Requests refused with 429, by limit.", ["limit"])

_CIRCUIT_STATES = {"closed": 0, "half-open": 1, "half_open": 1, "open": 2}


def record_circuit_transition(breaker: str, old_state: str, new_state: str) -> None:
    """Count a circuit breaker's state change and expose its new state."""
    CIRCUIT_TRANSITIONS.labels(breaker, old_state, new_state).inc()
    CIRCUIT_STATE.labels(breaker).set(_CIRCUIT_STATES[new_state])


def record_llm_usage(model: str, input_tokens: int, output_tokens: int, cost_usd: float,
                     cache_read_tokens: int = 0, cache_write_tokens: int = 0) -> None:
    """Count the tokens and the estimated cost of one LLM response (or failed attempt)."""
    LLM_TOKENS.labels(model, "input").inc(input_tokens)
    LLM_TOKENS.labels(model, "output").inc(output_tokens)
    LLM_TOKENS.labels(model, "cache_read").inc(cache_read_tokens)
    LLM_TOKENS.labels(model, "cache_write").inc(cache_write_tokens)
    LLM_COST_USD.labels(model).inc(cost_usd)


@contextmanager
def timed_llm_call(model: str) -> Iterator[None]:
    """Time one LLM call; an exception is recorded as an error outcome and re-raised."""
    started = perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    finally:
        LLM_CALL_SECONDS.labels(model, outcome).observe(perf_counter() - started)


def seconds_since(iso_timestamp: str | datetime) -> float:
    """Return how long ago a timezone-aware timestamp was, never negative."""
    when = (datetime.fromisoformat(iso_timestamp) if isinstance(iso_timestamp, str)
            else iso_timestamp)
    return max(0.0, (datetime.now(UTC) - when).total_seconds())


def exposition() -> tuple[bytes, str]:
    """Render every metric of this process, or of every gunicorn worker when multi-process."""
    # A `_created` series per counter doubles the scrape for no dashboard or alert.
    disable_created_metrics()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
