"""In-process delivery for the embedded default: consumers read the firms' logs directly.

Each consumer runs in its own thread and pulls each firm's notification log
from its own recorded position, exactly as a Kafka consumer group would from
its committed offsets; nothing is held only in memory.
"""

from __future__ import annotations

import logging
import threading

from collections.abc import Callable, Iterable

from event_store import FirmStores, read_envelopes
from shared.logs import correlated
from shared.messaging import EventConsumer
from shared.metrics import EVENT_LAG_SECONDS, EVENTS_CONSUMED, seconds_since

log = logging.getLogger(__name__)


class LocalDelivery:
    """Deliver every firm's stored events to in-process consumers."""

    def __init__(self, stores: FirmStores, firm_ids: Callable[[], Iterable[str]],
                 consumers: list[EventConsumer], rescan_seconds: float = 1.0):
        self._stores = stores
        self._firm_ids = firm_ids
        self._consumers = consumers
        self._rescan_seconds = rescan_seconds
        self._dirty: dict[str, set[str]] = {c.name: set() for c in consumers}
        self._signals = {c.name: threading.Event() for c in consumers}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def wake(self, firm_id: str) -> None:
        """Note that a firm stored new events (called after every save)."""
        with self._lock:
            for name in self._dirty:
                self._dirty[name].add(firm_id)
                self._signals[name].set()

    def start(self, stop: threading.Event) -> None:
        for consumer in self._consumers:
            thread = threading.Thread(target=self._run, args=(consumer, stop),
                                      name=f"deliver-{consumer.name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self, timeout: float = 10) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def deliver_pending(self, consumer: EventConsumer, firm_ids) -> int:
        delivered = 0
        for firm_id in firm_ids:
            app = self._stores.for_firm(firm_id)
            while True:
                envelopes = read_envelopes(app, consumer.position(firm_id))
                for envelope in envelopes:
                    self._deliver(consumer, envelope)
                delivered += len(envelopes)
                if not envelopes:
                    break
        if not delivered:
            EVENT_LAG_SECONDS.labels(consumer.name).set(0)
        return delivered

    def _deliver(self, consumer: EventConsumer, envelope) -> None:
        with correlated(envelope.correlation_id):
            consumer.handle(envelope)
            log.info("%s applied %s", consumer.name, envelope.event_type,
                     extra={"firm_id": envelope.firm_id, "position": envelope.position,
                            "aggregate_id": envelope.aggregate_id})
        EVENTS_CONSUMED.labels(consumer.name, envelope.event_type).inc()
        EVENT_LAG_SECONDS.labels(consumer.name).set(seconds_since(envelope.occurred_at))

    def _run(self, consumer: EventConsumer, stop: threading.Event) -> None:
        signal = self._signals[consumer.name]
        firms = list(self._firm_ids())
        while not stop.is_set():
            try:
                self.deliver_pending(consumer, firms)
            except Exception:
                log.exception("in-process delivery to %s failed; retrying", consumer.name)
                stop.wait(1)
            woken = signal.wait(self._rescan_seconds)
            with self._lock:
                signal.clear()
                firms = sorted(self._dirty[consumer.name])
                self._dirty[consumer.name].clear()
            if not woken:
                firms = list(self._firm_ids())
