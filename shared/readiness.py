"""Readiness probes: can this process reach what it needs to do its work?"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from shared.sql import Database

log = logging.getLogger(__name__)

Probe = Callable[[], None]
"""A probe returns when its dependency answers and raises when it does not."""


def database_probe(db: Database) -> Probe:
    return db.ping


class BrokerProbe:
    """Ask the broker for its cluster (and a consumer group for its offsets), over one client."""

    def __init__(self, bootstrap_servers: str, group_id: str | None = None):
        self._bootstrap_servers = bootstrap_servers
        self._group_id = group_id
        self._admin = None
        self._lock = threading.Lock()

    def broker(self) -> None:
        with self._lock:
            self._call(lambda admin: admin.describe_cluster())

    def consumer_group(self) -> None:
        with self._lock:
            self._call(lambda admin: admin.list_group_offsets(self._group_id))

    def _call(self, request) -> None:
        from kafka import KafkaAdminClient

        try:
            if self._admin is None:
                self._admin = KafkaAdminClient(
                    bootstrap_servers=self._bootstrap_servers, client_id="visa-readiness",
                    request_timeout_ms=3000, bootstrap_timeout_ms=3000)
            request(self._admin)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._admin is not None:
            try:
                self._admin.close()
            finally:
                self._admin = None


class Readiness:
    """Run named probes, remembering each answer briefly so frequent probes stay cheap."""

    def __init__(self, probes: dict[str, Probe], cache_seconds: float = 2.0):
        self._probes = probes
        self._cache_seconds = cache_seconds
        self._cached: tuple[float, dict[str, str]] | None = None
        self._lock = threading.Lock()

    def check(self) -> tuple[bool, dict[str, str]]:
        """Return whether every probe passed, and each probe's answer."""
        with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] > self._cache_seconds:
                self._cached = (now, {name: _run(name, probe)
                                      for name, probe in self._probes.items()})
            results = self._cached[1]
        return all(v == "ok" for v in results.values()), results


def _run(name: str, probe: Probe) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported below
        log.warning("readiness probe %s failed: %s", name, type(exc).__name__)
        return f"unavailable: {type(exc).__name__}"
