"""Read a stored event the short way when its state is plain, as nearly all are.

A state is plain when the library transcoded nothing in it but its time (one
{"_type_": ...} marker, top level) and it was written at its contract's current version.
Its payload is then its contract's fields as they stand, with nothing to upcast, and its
time is the ISO text the library wrote, which is what `fromisoformat(...).isoformat()`
gives back. That skips the transcoder's marker pass, the upcasters and a datetime round
trip: about half of a stream read's time in Python. Any other state takes the full path
(`stored_events.decode`).
"""

from __future__ import annotations

from typing import NamedTuple

import orjson

from contracts.events import contract_for
from event_store.stored_events import STORED_FORMS
from event_store.stored_rows import StoredRow

_MARKER = b'"_type_"'
# topic -> (event type, payload field names, current schema version)
_FORMS = {form.topic: (form.event_type, contract_for(form.event_type).field_names,
                       contract_for(form.event_type).schema_version) for form in STORED_FORMS}


class PlainEvent(NamedTuple):
    event_type: str
    occurred_at: str
    payload: dict
    meta: dict
    schema_version: int


def plain_event(row: StoredRow) -> PlainEvent | None:
    """The row's event decoded once with orjson, or None when it needs the full path."""
    form = _FORMS.get(row.topic)
    if form is None or row.state.count(_MARKER) != 1:
        return None
    try:
        state = orjson.loads(row.state)
    except orjson.JSONDecodeError:  # e.g. NaN, which the library's encoder writes
        return None
    event_type, names, version = form
    stamp = state.get("timestamp") if type(state) is dict else None
    if (type(stamp) is not dict or stamp.get("_type_") != "datetime_iso"
            or type(stamp.get("_data_")) is not str or state.get("class_version", 1) != version):
        return None
    return PlainEvent(event_type, stamp["_data_"], {n: state[n] for n in names if n in state},
                      dict(state.get("meta") or {}), version)
