"""The LLM circuit breaker (pybreaker's state): opens after failures, then admits one trial call."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pybreaker
import pytest

from eligibility_engine.adapters.circuit_breaker import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    CircuitBreaker,
    CircuitOpenError,
)


class Clock:
    """Moves the breaker's clock by moving when its circuit opened (pybreaker's own storage)."""

    def __init__(self):
        self.storage = pybreaker.CircuitMemoryStorage(CLOSED)

    def advance(self, seconds: float) -> None:
        self.storage.opened_at = self.storage.opened_at - timedelta(seconds=seconds)


def opened(clock: Clock, changes: list | None = None) -> CircuitBreaker:
    breaker = CircuitBreaker("llm", fail_max=2, reset_seconds=30, storage=clock.storage,
                             on_change=lambda *change: (changes if changes is not None else []).append(change))
    for _ in range(2):
        breaker.failed(trial=breaker.admit())
    return breaker


def test_repeated_failures_open_the_circuit_which_then_refuses_at_once():
    breaker = opened(Clock())

    with pytest.raises(CircuitOpenError):
        breaker.admit()

    assert breaker.state == OPEN


def test_a_success_resets_the_failure_count_while_closed():
    breaker = CircuitBreaker("llm", fail_max=2, reset_seconds=30)
    breaker.failed(trial=breaker.admit())
    breaker.succeeded(trial=breaker.admit())

    breaker.failed(trial=breaker.admit())

    assert breaker.state == CLOSED


def test_after_the_reset_time_exactly_one_of_many_concurrent_callers_is_the_trial():
    clock = Clock()
    breaker = opened(clock)
    clock.advance(31)
    admitted, refused = [], []
    start = threading.Barrier(32)

    def call():
        start.wait()
        try:
            admitted.append(breaker.admit())
        except CircuitOpenError:
            refused.append(1)

    threads = [threading.Thread(target=call) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert admitted == [True] and len(refused) == 31
    assert breaker.state == HALF_OPEN


def test_a_successful_trial_closes_the_circuit_and_lets_everyone_in():
    clock = Clock()
    breaker = opened(clock)
    clock.advance(31)

    breaker.succeeded(trial=breaker.admit())

    assert breaker.state == CLOSED
    assert breaker.admit() is False


def test_a_failed_trial_opens_the_circuit_for_another_reset_time():
    clock = Clock()
    changes: list = []
    breaker = opened(clock, changes)
    clock.advance(31)

    breaker.failed(trial=breaker.admit())
    clock.advance(29)

    with pytest.raises(CircuitOpenError):
        breaker.admit()
    assert breaker.state == OPEN
    assert changes == [("llm", CLOSED, OPEN), ("llm", OPEN, HALF_OPEN), ("llm", HALF_OPEN, OPEN)]


def test_a_call_admitted_while_closed_that_ends_after_the_trial_began_does_not_close_it():
    clock = Clock()
    breaker = CircuitBreaker("llm", fail_max=1, reset_seconds=30, storage=clock.storage)
    slow = breaker.admit()
    breaker.failed(trial=breaker.admit())
    clock.advance(31)
    trial = breaker.admit()

    breaker.succeeded(trial=slow)

    assert breaker.state == HALF_OPEN
    with pytest.raises(CircuitOpenError):
        breaker.admit()
    breaker.succeeded(trial=trial)
    assert breaker.state == CLOSED
