"""The library's JSON transcoding, read with orjson.

Stored states are decoded far more often than written (every replay, projection, relay and
aggregate load), and a check's result makes a state of about 100 KB. The library marks the
values it transcodes ({"_type_": ..., "_data_": ...}) and our states carry them only at the
top level (timestamp, originator and client ids), so those are converted there; a state
with a marker anywhere else (counted in the bytes) goes through the library's decoder.
The stored bytes are unchanged.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder

_MARKER = b'"_type_"'


class FastJSONTranscoder(JSONTranscoder):
    """JSONTranscoder whose decode parses with orjson; encode is the library's."""

    def decode(self, data: bytes) -> Any:
        try:
            decoded = orjson.loads(data)
        except orjson.JSONDecodeError:  # e.g. NaN or a huge integer, which the library wrote
            return super().decode(data)
        markers = data.count(_MARKER)
        if not markers:
            return decoded
        if not isinstance(decoded, dict):
            return super().decode(data)
        for name, value in decoded.items():
            if type(value) is dict and len(value) == 2 and "_type_" in value:
                decoded[name] = self._decode_obj(value)
                markers -= 1
        return decoded if markers == 0 else super().decode(data)
