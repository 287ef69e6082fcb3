"""In-process delivery serves firms in rounds: no firm's volume or failures starve another."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from command_service.adapters import local_delivery
from command_service.adapters.local_delivery import BATCH, FirmRounds, LocalDelivery
from contracts import EventEnvelope


def _event(firm_id: str, position: int) -> EventEnvelope:
    return EventEnvelope("ClientProfileArchived", firm_id, position, f"client-{position}", 2,
                         "2026-01-01T00:00:00+00:00", {})


@dataclass
class FakeStore:
    firm_id: str
    events: int
    undecodable: set[int] = field(default_factory=set)

    def read_envelopes(self, after: int, limit: int = 500) -> list[EventEnvelope]:
        positions = range(after + 1, min(after + limit, self.events) + 1)
        if self.undecodable & set(positions):
            raise ValueError("stored bytes are not JSON")
        return [_event(self.firm_id, p) for p in positions]


class FakeStores:
    def __init__(self, *stores: FakeStore):
        self._stores = {s.firm_id: s for s in stores}

    def for_firm(self, firm_id: str) -> FakeStore:
        return self._stores[firm_id]


class RecordingConsumer:
    name = "projector"

    def __init__(self, failing_firms: tuple[str, ...] = ()):
        self.applied: list[tuple[str, int]] = []
        self.set_aside_at: list[tuple[str, int]] = []
        self._failing = failing_firms

    def position(self, firm_id: str) -> int:
        done = [p for f, p in self.applied + self.set_aside_at if f == firm_id]
        return max(done, default=0)

    def handle(self, envelope: EventEnvelope) -> None:
        if envelope.firm_id in self._failing:
            raise sqlite3.OperationalError("database is locked")
        self.applied.append((envelope.firm_id, envelope.position))

    def set_aside(self, firm_id, position, event_type, aggregate_id, error) -> None:
        self.set_aside_at.append((firm_id, position))


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_firm_with_a_flood_of_events_does_not_hold_back_a_small_firm():
    delivery = LocalDelivery(FakeStores(FakeStore("big", 10 * BATCH), FakeStore("small", 1)),
                             lambda: ["big", "small"], [])
    consumer, rounds = RecordingConsumer(), FirmRounds()
    rounds.add(["big", "small"])

    delivery.deliver_round(consumer, rounds)

    assert ("small", 1) in consumer.applied
    assert sum(1 for firm, _ in consumer.applied if firm == "big") == BATCH
    assert rounds.due() == ["big"]


def test_a_firm_that_keeps_failing_backs_off_while_the_others_flow():
    clock = Clock()
    delivery = LocalDelivery(FakeStores(FakeStore("broken", 3), FakeStore("fine", 3)),
                             lambda: [], [])
    consumer, rounds = RecordingConsumer(failing_firms=("broken",)), FirmRounds(clock)
    rounds.add(["broken", "fine"])

    delivery.deliver_round(consumer, rounds)
    due_at_once = rounds.due()
    first_pause = rounds.seconds_until_due()
    clock.now += first_pause
    delivery.deliver_round(consumer, rounds)

    assert [p for f, p in consumer.applied if f == "fine"] == [1, 2, 3]
    assert due_at_once == [] and first_pause > 0
    assert rounds.seconds_until_due() > first_pause  # the back-off grows


def _decoding(position: int):
    if position == 2:
        raise ValueError("stored bytes are not JSON")
    return _event("firm", position)


class Notification:
    def __init__(self, position: int):
        self.id, self.originator_id = position, f"client-{position}"


class Recorder:
    def select_notifications(self, start, limit, inclusive_of_start=True):
        return [Notification(p) for p in range(start + 1, 4)]


def test_an_event_that_cannot_be_decoded_is_handed_over_to_be_set_aside(monkeypatch):
    monkeypatch.setattr(local_delivery, "to_envelope", lambda store, n: _decoding(n.id))
    store = FakeStore("firm", 3, undecodable={2})
    store.recorder = Recorder()
    delivery = LocalDelivery(FakeStores(store), lambda: [], [])
    consumer, rounds = RecordingConsumer(), FirmRounds()
    rounds.add(["firm"])

    while rounds.due():
        delivery.deliver_round(consumer, rounds)

    assert consumer.applied == [("firm", 1), ("firm", 3)]
    assert consumer.set_aside_at == [("firm", 2)]
