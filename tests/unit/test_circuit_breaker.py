"""The LLM circuit breaker: opens after failures, then admits exactly one trial call."""

from __future__ import annotations

import threading

import pytest

from eligibility_engine.adapters.circuit_breaker import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    CircuitBreaker,
    CircuitOpenError,
)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def opened(clock: Clock, changes: list | None = None) -> CircuitBreaker:
    breaker = CircuitBreaker("llm", fail_max=2, reset_seconds=30, clock=clock,
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
    clock.now = 31
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
    clock.now = 31

    breaker.succeeded(trial=breaker.admit())

    assert breaker.state == CLOSED
    assert breaker.admit() is False


def test_a_failed_trial_opens_the_circuit_for_another_reset_time():
    clock = Clock()
    changes: list = []
    breaker = opened(clock, changes)
    clock.now = 31

    breaker.failed(trial=breaker.admit())
    clock.now = 60

    with pytest.raises(CircuitOpenError):
        breaker.admit()
    assert breaker.state == OPEN
    assert changes == [("llm", CLOSED, OPEN), ("llm", OPEN, HALF_OPEN), ("llm", HALF_OPEN, OPEN)]
