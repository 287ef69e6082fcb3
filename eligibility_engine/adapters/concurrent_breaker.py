"""pybreaker's circuit breaker, used without its lock around the guarded call.

pybreaker's `CircuitBreaker.call` holds the breaker's lock for the whole call, which would
serialise every LLM request of the engine (at least 32 must be in flight at once). This wrapper
keeps pybreaker's states, counters and transitions, taking the lock only to admit a call and
to record its outcome.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Callable, TypeVar

import pybreaker

T = TypeVar("T")


class ConcurrentBreaker:
    def __init__(self, breaker: pybreaker.CircuitBreaker):
        self.breaker = breaker

    @property
    def current_state(self) -> str:
        return self.breaker.current_state

    def call(self, func: Callable[..., T], *args) -> T:
        """Run `func` if the breaker admits it, and count its success or failure."""
        self._admit()
        try:
            result = func(*args)
        except BaseException as exc:
            with self.breaker._lock:
                self.breaker.state._handle_error(exc, reraise=False)
            raise
        with self.breaker._lock:
            self.breaker.state._handle_success()
        return result

    def _admit(self) -> None:
        with self.breaker._lock:
            if self.breaker.current_state != pybreaker.STATE_OPEN:
                return
            opened_at = self.breaker._state_storage.opened_at
            reset = timedelta(seconds=self.breaker.reset_timeout)
            if opened_at and datetime.now(UTC) < opened_at + reset:
                raise pybreaker.CircuitBreakerError("circuit breaker still open")
            self.breaker.half_open()
