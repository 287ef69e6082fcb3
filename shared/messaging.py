"""What every event consumer offers, whichever way events reach it."""

from __future__ import annotations

from typing import Protocol

from contracts import EventEnvelope


class EventConsumer(Protocol):
    """Apply events idempotently and remember how far each firm's stream got."""

    name: str

    def position(self, firm_id: str) -> int:
        """Return the last position applied for a firm (0 when none)."""

    def handle(self, envelope: EventEnvelope) -> None:
        """Apply one event; a redelivered event must have no second effect."""
