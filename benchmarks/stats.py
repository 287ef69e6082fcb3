"""Latency percentiles, rates and ratios, and the machine they were measured on."""

from __future__ import annotations

import os
import platform
import statistics
import time
from contextlib import contextmanager

import psycopg


def percentiles(samples_ms: list[float]) -> dict:
    """Summarise latencies in milliseconds as p50, p95, p99 and the count."""
    ordered = sorted(samples_ms)
    if not ordered:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"count": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "mean_ms": round(statistics.fmean(ordered), 3)}


def ratio(measured: float | None, baseline: float | None) -> float | None:
    """Return measured / baseline, rounded, or None when either is missing."""
    if not measured or not baseline:
        return None
    return round(measured / baseline, 2)


@contextmanager
def stopwatch():
    """Yield a dict whose `seconds` is set when the block ends."""
    result = {"seconds": 0.0}
    started = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - started


def timed_ms(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def machine(database_url: str) -> dict:
    """Describe where the figures were measured."""
    with psycopg.connect(database_url) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "postgresql": server,
        "os": platform.platform(),
    }
