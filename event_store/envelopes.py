"""Read a firm's stored events as wire envelopes, identifiers sealed."""

from __future__ import annotations

from eventsourcing.persistence import Notification

from contracts import EventEnvelope
from event_store.firm_store import FirmEventStore


def read_envelopes(store: FirmEventStore, after: int, limit: int = 500) -> list[EventEnvelope]:
    """Read the firm's events stored after a position, in order."""
    return store.read_envelopes(after, limit)


def to_envelope(store: FirmEventStore, notification: Notification) -> EventEnvelope:
    """Decode one notification of a firm's log into its wire envelope."""
    return store.envelope(notification)
