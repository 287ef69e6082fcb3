"""Pause Python's cyclic garbage collector while a batch of events is decoded and applied.

A batch allocates hundreds of thousands of small dicts and lists (a check's result alone is
about 100 KB of JSON), all freed by reference counting; the collector's passes over them,
set off by the allocations themselves, cost more than the batch's own work (rebuild on
PostgreSQL: 2,300 events/s with the collector running, 4,100 paused, same run).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without cyclic collection; one already paused is left to its owner."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
