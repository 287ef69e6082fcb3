"""Stored states read with orjson decode to exactly what the library's own decoder gives."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from event_store.transcoder import FastJSONTranscoder


def _registered(transcoder):
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


STATES = [
    {"timestamp": datetime.now(UTC), "client_id": uuid.uuid4(), "result": {"score": 7}},
    {"nested": {"deep": [{"id": uuid.uuid4()}]}, "timestamp": datetime.now(UTC)},
    {"price": Decimal("1.10"), "note": "_type_", "when": datetime.now(UTC)},
    {"huge": 2 ** 70, "not_a_number": float("inf"), "text": "caf\u00e9 \U0001f600"},
    [1, {"id": uuid.uuid4()}],
    {"_type_": "plain", "_data_": "a user's dict", "extra": 1},
]


@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
def test_decoding_matches_the_librarys_decoder(state):
    library, fast = _registered(JSONTranscoder()), _registered(FastJSONTranscoder())
    stored = library.encode(state)

    assert fast.decode(stored) == library.decode(stored)
    assert fast.encode(state) == stored
