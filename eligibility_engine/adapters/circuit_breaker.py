"""pybreaker's circuit, for concurrent calls: closed, open, and half-open with exactly one trial.

pybreaker keeps the state, the failure count and the listeners. Its `call` holds the
breaker's lock for the whole guarded call, which would serialise every LLM request, so
calls run outside it: `admit` decides under a short lock of ours, and the outcome is then
replayed through pybreaker's own `call`, which counts it and moves the state. While open the
breaker refuses at once; after `reset_seconds` it admits one trial and refuses every other
caller until that trial ends: a success closes it, a failure opens it again.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pybreaker

CLOSED, OPEN, HALF_OPEN = pybreaker.STATE_CLOSED, pybreaker.STATE_OPEN, pybreaker.STATE_HALF_OPEN


class CircuitOpenError(Exception):
    """The breaker refused the call: the vendor failed repeatedly, or a trial is under way."""


class _Failed(Exception):
    """A failure replayed into pybreaker."""


class _StateListener(pybreaker.CircuitBreakerListener):
    def __init__(self, on_change):
        self._on_change = on_change

    def state_change(self, cb, old_state, new_state) -> None:
        self._on_change(cb.name, old_state.name if old_state else CLOSED, new_state.name)


class CircuitBreaker:
    def __init__(self, name: str, fail_max: int, reset_seconds: float, on_change=None,
                 storage: pybreaker.CircuitMemoryStorage | None = None):
        self.name = name
        self.reset_seconds = reset_seconds
        # Our own storage object: its public `opened_at` tells when a trial is due.
        self._storage = storage or pybreaker.CircuitMemoryStorage(CLOSED)
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=fail_max, reset_timeout=reset_seconds, name=name,
            state_storage=self._storage,
            listeners=[_StateListener(on_change)] if on_change else [])
        self._lock = threading.Lock()
        self._trial_running = False

    @property
    def state(self) -> str:
        return self._breaker.current_state

    def admit(self) -> bool:
        """Admit a call or raise CircuitOpenError; True when the call is the half-open trial."""
        with self._lock:
            state = self._breaker.current_state
            if state == CLOSED:
                return False
            if self._trial_running or (state == OPEN and not self._trial_due()):
                raise CircuitOpenError(f"the {self.name} circuit is {state}")
            if state == OPEN:
                self._breaker.half_open()
            self._trial_running = True
            return True

    def succeeded(self, trial: bool) -> None:
        self._replay(trial, None)

    def failed(self, trial: bool) -> None:
        self._replay(trial, _Failed())

    def _replay(self, trial: bool, error: Exception | None) -> None:
        with self._lock:
            # A call admitted while closed that ends after the circuit opened changes nothing.
            if trial or self._breaker.current_state == CLOSED:
                try:
                    self._breaker.call(_outcome, error)
                except (_Failed, pybreaker.CircuitBreakerError):
                    pass
            if trial:
                self._trial_running = False

    def _trial_due(self) -> bool:
        opened_at = self._storage.opened_at
        return opened_at is None or (
            datetime.now(UTC) >= opened_at + timedelta(seconds=self.reset_seconds))


def _outcome(error: Exception | None) -> None:
    if error is not None:
        raise error
