"""Password hashing runs a bounded number at a time, with a bounded queue behind it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from shared.password_hashing import BoundedHasher, HashingBusyError


def test_at_most_parallel_hashes_run_queue_more_wait_and_the_rest_are_refused():
    release, lock = threading.Event(), threading.Lock()
    running, peak = [0], [0]

    def blocking_hash(password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(30)
        with lock:
            running[0] -= 1
        return "scrypt$" + password

    hasher = BoundedHasher(parallel=2, queue=3, hash_fn=blocking_hash)

    def attempt(i):
        try:
            return hasher.hash(str(i))
        except HashingBusyError:
            return "busy"

    with ThreadPoolExecutor(12) as pool:
        futures = [pool.submit(attempt, i) for i in range(12)]
        while sum(f.done() for f in futures) < 7:
            threading.Event().wait(0.01)
        release.set()
        results = [f.result() for f in futures]

    assert peak[0] == 2
    assert results.count("busy") == 7 and len([r for r in results if r != "busy"]) == 5


def test_a_freed_slot_serves_the_next_caller():
    hasher = BoundedHasher(parallel=1, queue=0, hash_fn=lambda p: "h" + p,
                           verify_fn=lambda p, s: s == "h" + p)

    assert [hasher.hash("a"), hasher.verify("a", "ha"), hasher.verify("b", "ha")] == \
        ["ha", True, False]
