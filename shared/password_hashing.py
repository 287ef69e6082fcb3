"""Password hashing under a bound: each scrypt call takes 16 MiB, so only a few run at once.

Without a bound, every parallel sign-in held its own 16 MiB (60 requests took the
embedded default to 1 GB). Here hashes run on `parallel` threads of this process's own,
up to `queue` more wait their turn, and anything beyond is refused at once with
HashingBusyError, which the API answers with 503 and Retry-After. The hashes run on
those few threads rather than on each request's: the C allocator keeps a freed 16 MiB
in the arena of the thread that used it, so hashing on 30 request threads one after
another would still keep 30 x 16 MiB.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, TimeoutError

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
        self.parallel = parallel
        self._workers = ThreadPoolExecutor(parallel, thread_name_prefix="password-hashing")
        self._admitted_lock = threading.Lock()
        self._admitted = 0
        self._capacity = parallel + queue
        self._wait_seconds = wait_seconds
        self._hash_fn, self._verify_fn = hash_fn, verify_fn

    def hash(self, password: str) -> str:
        return self._run(self._hash_fn, password)

    def verify(self, password: str, stored: str) -> bool:
        return self._run(self._verify_fn, password, stored)

    def _run(self, fn, *args):
        with self._admitted_lock:
            if self._admitted >= self._capacity:
                PASSWORD_HASHES_REFUSED.inc()
                raise HashingBusyError("the password queue is full")
            self._admitted += 1
        try:
            work = self._workers.submit(fn, *args)
            try:
                return work.result(timeout=self._wait_seconds)
            except TimeoutError:
                work.cancel()
                PASSWORD_HASHES_REFUSED.inc()
                raise HashingBusyError("waited too long for a password slot") from None
        finally:
            with self._admitted_lock:
                self._admitted -= 1
