"""A circuit breaker for concurrent calls: closed, open, and half-open with exactly one trial.

pybreaker's `call` holds its lock for the whole guarded call, which would serialise every LLM
request of the engine; this breaker takes its lock only to admit a call and to record the
outcome. While open it refuses at once. After `reset_seconds` it admits one trial call and
refuses every other caller until that trial ends: a success closes it, a failure opens it
again for another `reset_seconds`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


class CircuitOpenError(Exception):
    """The breaker refused the call: the vendor failed repeatedly, or a trial is under way."""


class CircuitBreaker:
    def __init__(self, name: str, fail_max: int, reset_seconds: float,
                 on_change: Callable[[str, str, str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.name = name
        self.fail_max = fail_max
        self.reset_seconds = reset_seconds
        self._on_change = on_change
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    def admit(self) -> bool:
        """Admit a call or raise CircuitOpenError; True when the call is the half-open trial."""
        with self._lock:
            if self._state == CLOSED:
                return False
            if self._state == OPEN and self._clock() - self._opened_at >= self.reset_seconds:
                self._move(HALF_OPEN)
            if self._state == HALF_OPEN and not self._trial_running:
                self._trial_running = True
                return True
            raise CircuitOpenError(f"the {self.name} circuit is {self._state}")

    def succeeded(self, trial: bool) -> None:
        with self._lock:
            self._failures = 0
            if trial:
                self._trial_running = False
                self._move(CLOSED)

    def failed(self, trial: bool) -> None:
        with self._lock:
            if trial:
                self._trial_running = False
                self._open()
            elif self._state == CLOSED:
                self._failures += 1
                if self._failures >= self.fail_max:
                    self._open()

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._failures = 0
        self._move(OPEN)

    def _move(self, state: str) -> None:
        old, self._state = self._state, state
        if old != state and self._on_change is not None:
            self._on_change(self.name, old, state)
