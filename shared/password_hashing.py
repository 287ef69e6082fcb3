"""Password hashing under a bound: each scrypt call takes 16 MiB, so only a few run at once.

Without a bound, every parallel sign-in holds its own 16 MiB (60 requests took the
embedded default to 1 GB). Here at most `parallel` hashes run at a time in a process,
up to `queue` more wait their turn, and anything beyond is refused at once with
HashingBusyError, which the API answers with 503 and Retry-After.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from shared.auth import hash_password, verify_password
from shared.metrics import PASSWORD_HASHES_REFUSED


class HashingBusyError(Exception):
    """Too many passwords are being hashed; retry after `retry_after` seconds."""

    retry_after = 1


class BoundedHasher:
    """Hash and verify passwords with at most `parallel` running and `queue` waiting."""

    def __init__(self, parallel: int, queue: int, wait_seconds: float = 10.0,
                 hash_fn: Callable[[str], str] = hash_password,
                 verify_fn: Callable[[str, str], bool] = verify_password):
        self._slots = threading.BoundedSemaphore(parallel)
        self._admitted_lock = threading.Lock()
        self._admitted = 0
        self._capacity = parallel + queue
        self._wait_seconds = wait_seconds
        self._hash_fn, self._verify_fn = hash_fn, verify_fn

    def hash(self, password: str) -> str:
        with self._turn():
            return self._hash_fn(password)

    def verify(self, password: str, stored: str) -> bool:
        with self._turn():
            return self._verify_fn(password, stored)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        with self._admitted_lock:
            if self._admitted >= self._capacity:
                PASSWORD_HASHES_REFUSED.inc()
                raise HashingBusyError("the password queue is full")
            self._admitted += 1
        try:
            if not self._slots.acquire(timeout=self._wait_seconds):
                PASSWORD_HASHES_REFUSED.inc()
                raise HashingBusyError("waited too long for a password slot")
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._admitted_lock:
                self._admitted -= 1
