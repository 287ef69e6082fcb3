"""What every event consumer offers, whichever way events reach it."""

from __future__ import annotations

import logging
from typing import Protocol

from contracts import EventEnvelope
from shared.logs import correlated
from shared.metrics import EVENT_LAG_SECONDS, EVENTS_CONSUMED, seconds_since

log = logging.getLogger(__name__)


class EventConsumer(Protocol):
    """Apply events idempotently and remember how far each firm's stream got."""

    name: str

    def position(self, firm_id: str) -> int:
        """Return the last position applied for a firm (0 when none)."""

    def handle(self, envelope: EventEnvelope) -> None:
        """Apply one event; a redelivered event must have no second effect.

        An event that can never be applied is set aside (quarantined), not raised; only
        errors a redelivery may cure propagate.
        """

    # A consumer may also offer handle_batch(envelopes): one firm's consecutive events,
    # applied all or none (the projector); deliveries then hand it runs of a firm's events.

    def set_aside(self, firm_id: str, position: int, event_type: str, aggregate_id: str,
                  error: str) -> None:
        """Quarantine an event that could not even be decoded, and move past it."""


def record_applied(consumer_name: str, envelopes: list[EventEnvelope]) -> None:
    """Log each event a batch applied under its own correlation id, and count it."""
    for envelope in envelopes:
        with correlated(envelope.correlation_id):
            log.info("%s applied %s", consumer_name, envelope.event_type,
                     extra={"firm_id": envelope.firm_id, "position": envelope.position,
                            "aggregate_id": envelope.aggregate_id})
        EVENTS_CONSUMED.labels(consumer_name, envelope.event_type).inc()
    if envelopes:
        EVENT_LAG_SECONDS.labels(consumer_name).set(seconds_since(envelopes[-1].occurred_at))
