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

from command_service.adapters.directory import Directory
from command_service.adapters.event_store import FirmStores
from command_service.adapters.wire import read_envelopes
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

    def run(self, stop: threading.Event, idle_seconds: float = 0.2,
            measure_every_seconds: float = 5.0) -> None:
        """Relay until stop is set; an interrupted batch is republished by the next relay."""
        measured_at = 0.0
        while not stop.is_set():
            self.last_pass_at = time.monotonic()
            try:
                if self.last_pass_at - measured_at >= measure_every_seconds:
                    self.measure_backlog()
                    measured_at = self.last_pass_at
                busy = self.relay_once()
            except Exception:
                log.exception("relay pass failed; retrying")
                stop.wait(2)
                continue
            if not busy:
                stop.wait(idle_seconds)
        log.info("relay stopped")
