"""In-process delivery for the embedded default: consumers read the firms' logs directly.

Each consumer runs in its own thread and pulls each firm's notification log
from its own recorded position, exactly as a Kafka consumer group would from
its committed offsets; nothing is held only in memory.

Firms are served in rounds, one batch each per round, so a firm with a flood of events
or one whose events keep failing never starves the others: a firm that fails waits out
a back-off while the rest carry on. An event that cannot even be decoded is handed to
the consumer to set aside, like one it cannot apply.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from event_store import FirmEventStore, FirmStores, read_envelopes, to_envelope
from shared.logs import correlated
from shared.messaging import EventConsumer, record_applied
from shared.metrics import EVENT_LAG_SECONDS, EVENTS_CONSUMED, seconds_since
from shared.quarantine import describe, is_transient

log = logging.getLogger(__name__)
BATCH = 100
BACK_OFF_SECONDS = (0.5, 1, 2, 5, 10)


class FirmRounds:
    """The firms with events possibly waiting, served in rounds; failing firms back off."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._pending: dict[str, None] = {}
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, float] = {}

    def add(self, firm_ids: Iterable[str]) -> None:
        for firm_id in firm_ids:
            self._pending.setdefault(firm_id)

    def due(self) -> list[str]:
        """The pending firms not backing off, in the order they became pending."""
        now = self._clock()
        return [f for f in self._pending if self._not_before.get(f, 0) <= now]

    def caught_up(self, firm_id: str) -> None:
        self._pending.pop(firm_id, None)
        self._forgive(firm_id)

    def more_waiting(self, firm_id: str) -> None:
        self._to_the_back(firm_id)
        self._forgive(firm_id)

    def failed(self, firm_id: str) -> float:
        """Keep the firm pending, but not before its back-off; return the back-off."""
        failures = self._failures.get(firm_id, 0)
        pause = BACK_OFF_SECONDS[min(failures, len(BACK_OFF_SECONDS) - 1)]
        self._failures[firm_id] = failures + 1
        self._not_before[firm_id] = self._clock() + pause
        self._to_the_back(firm_id)
        return pause

    def _to_the_back(self, firm_id: str) -> None:
        # The next round serves the others first.
        self._pending.pop(firm_id, None)
        self._pending[firm_id] = None

    def seconds_until_due(self) -> float | None:
        """How long until some pending firm is due (0: now), or None when none is pending."""
        if not self._pending:
            return None
        now = self._clock()
        return max(0.0, min(self._not_before.get(f, 0) - now for f in self._pending))

    def _forgive(self, firm_id: str) -> None:
        self._failures.pop(firm_id, None)
        self._not_before.pop(firm_id, None)


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

    def deliver_round(self, consumer: EventConsumer, rounds: FirmRounds) -> int:
        """Give every due firm one batch; return how many events were delivered."""
        delivered = 0
        for firm_id in rounds.due():
            try:
                count = self.deliver_batch(consumer, firm_id)
            except Exception:
                pause = rounds.failed(firm_id)
                log.exception("in-process delivery to %s failed for firm %s; retrying in %s s",
                              consumer.name, firm_id, pause)
                continue
            delivered += count
            if count < BATCH:
                rounds.caught_up(firm_id)
            else:
                rounds.more_waiting(firm_id)
        return delivered

    def deliver_batch(self, consumer: EventConsumer, firm_id: str) -> int:
        """Deliver up to BATCH of one firm's events after the consumer's position."""
        store = self._stores.for_firm(firm_id)
        after = consumer.position(firm_id)
        try:
            envelopes = read_envelopes(store, after, BATCH)
        except Exception as exc:
            if is_transient(exc):
                raise
            return self._set_aside_undecodable(consumer, store, firm_id, after)
        handle_batch = getattr(consumer, "handle_batch", None)
        if handle_batch is None or len(envelopes) < 2:
            for envelope in envelopes:
                self._deliver(consumer, envelope)
            return len(envelopes)
        handle_batch(envelopes)
        record_applied(consumer.name, envelopes)
        return len(envelopes)

    def _set_aside_undecodable(self, consumer: EventConsumer, store: FirmEventStore,
                               firm_id: str, after: int) -> int:
        # Decode this page one by one, handing each event that cannot be decoded over as such.
        page = store.recorder.select_notifications(start=after, limit=BATCH,
                                                   inclusive_of_start=False)
        for notification in page:
            try:
                envelope = to_envelope(store, notification)
            except Exception as exc:
                if is_transient(exc):
                    raise
                consumer.set_aside(firm_id, notification.id, "undecodable",
                                   str(notification.originator_id), describe(exc))
                continue
            self._deliver(consumer, envelope)
        return len(page)

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
        rounds = FirmRounds()
        rounds.add(self._firm_ids())
        rescan_at = time.monotonic() + self._rescan_seconds
        while not stop.is_set():
            if not self.deliver_round(consumer, rounds):
                EVENT_LAG_SECONDS.labels(consumer.name).set(0)
            wait = rounds.seconds_until_due()
            if wait is None or wait > 0:
                until_rescan = max(0.0, rescan_at - time.monotonic())
                signal.wait(until_rescan if wait is None else min(wait, until_rescan))
            with self._lock:
                signal.clear()
                rounds.add(sorted(self._dirty[consumer.name]))
                self._dirty[consumer.name].clear()
            if time.monotonic() >= rescan_at:
                # A periodic full scan catches appends made by other processes (the CLI).
                rounds.add(self._firm_ids())
                rescan_at = time.monotonic() + self._rescan_seconds
