"""The transactional outbox relay: the event store is the outbox.

A request only appends to the firm's event store. The relay reads each firm's
notification log after its recorded position, publishes the events keyed by
firm, and records the new position only once the broker has acknowledged them.
A crash between the two republishes a batch (consumers are idempotent); no event
is lost and a firm's events never overtake each other.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg

from command_service.adapters.directory import Directory
from event_store import STORED_CHANNEL, FirmStores
from event_store import read_envelopes
from shared.logs import correlated
from shared.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, seconds_since
from shared.positions import PositionTable

log = logging.getLogger(__name__)


class OutboxRelay:
    """Publish every stored event of every firm, in order, at least once."""

    def __init__(self, stores: FirmStores, directory: Directory, publisher,
                 positions: PositionTable, batch_size: int = 500):
        self._stores = stores
        self._directory = directory
        self._publisher = publisher
        self._positions = positions
        self._batch_size = batch_size
        self.last_pass_at = time.monotonic()

    def relay_once(self) -> int:
        """Publish what every firm stored since the last pass; return how many events."""
        published = 0
        for firm_id in self._directory.firm_ids():
            published += self.relay_firm(firm_id)
        return published

    def relay_firm(self, firm_id: str) -> int:
        app = self._stores.for_firm(firm_id)
        envelopes = read_envelopes(app, self._positions.get(firm_id), self._batch_size)
        if not envelopes:
            return 0
        self._publisher.publish(envelopes)
        self._positions.advance(firm_id, envelopes[-1].position)
        for envelope in envelopes:
            EVENTS_PUBLISHED.labels(envelope.event_type).inc()
            with correlated(envelope.correlation_id):
                log.info("published %s", envelope.event_type,
                         extra={"firm_id": firm_id, "position": envelope.position,
                                "aggregate_id": envelope.aggregate_id})
        return len(envelopes)

    def measure_backlog(self) -> tuple[int, float]:
        """Count stored but unpublished events and the oldest one's age; export both."""
        backlog, oldest_age = 0, 0.0
        for firm_id in self._directory.firm_ids():
            app = self._stores.for_firm(firm_id)
            position = self._positions.get(firm_id)
            waiting = (app.recorder.max_notification_id() or 0) - position
            if waiting > 0:
                backlog += waiting
                oldest = read_envelopes(app, position, limit=1)[0]
                oldest_age = max(oldest_age, seconds_since(oldest.occurred_at))
        OUTBOX_BACKLOG.set(backlog)
        OUTBOX_OLDEST_AGE.set(oldest_age)
        return backlog, oldest_age

    def run(self, stop: threading.Event, wakeups=None, sweep_seconds: float = 2.0) -> None:
        """Relay until stopped: the firms announced by `wakeups` at once, every firm each sweep."""
        wakeups = wakeups or PollingWakeups()
        firms = None
        measured_at = 0.0
        while not stop.is_set():
            self.last_pass_at = time.monotonic()
            try:
                if self.last_pass_at - measured_at >= 5.0:
                    self.measure_backlog()
                    measured_at = self.last_pass_at
                if firms is None:
                    self.relay_once()
                else:
                    for firm_id in firms:
                        self.relay_firm(firm_id)
            except Exception:
                log.exception("relay pass failed; retrying")
                stop.wait(2)
                firms = None
                continue
            firms = wakeups.wait(sweep_seconds)
        log.info("relay stopped")


class PollingWakeups:
    """No announcements: sweep every firm at a short interval."""

    def __init__(self, interval: float = 0.2):
        self._interval = interval

    def wait(self, timeout: float) -> set[str] | None:
        time.sleep(self._interval)
        return None


class PostgresWakeups:
    """Wait for the event store's append announcements (LISTEN/NOTIFY, sent at commit)."""

    def __init__(self, url: str):
        self._url = url
        self._conn = None

    def wait(self, timeout: float) -> set[str] | None:
        """Return the firms that appended, or None (sweep all) on timeout or reconnection."""
        try:
            if self._conn is None:
                self._conn = psycopg.connect(self._url, autocommit=True)
                self._conn.execute(f"LISTEN {STORED_CHANNEL}")
                return None
            firms = {n.payload for n in self._conn.notifies(timeout=timeout, stop_after=1)}
            firms |= {n.payload for n in self._conn.notifies(timeout=0.001)}
            return firms or None
        except psycopg.Error:
            log.warning("lost the announcement connection; sweeping every firm")
            self.close()
            time.sleep(1)
            return None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
