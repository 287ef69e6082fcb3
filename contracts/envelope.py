"""The envelope every event travels in, on Kafka and in process.

Consumers depend on this envelope and on `contracts.events` only, never on the command
side's Python classes. A payload written at an older schema version is upcast when read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from contracts.events import CONTRACTS
from contracts.upcasting import upcast


@dataclass(frozen=True)
class EventEnvelope:
    """One stored event as it travels: its type, its firm, its place in the firm's stream."""

    event_type: str
    firm_id: str
    position: int
    aggregate_id: str
    aggregate_version: int
    occurred_at: str
    data: dict
    meta: dict = field(default_factory=dict)
    schema_version: int = 0

    def __post_init__(self):
        if not self.schema_version:
            contract = CONTRACTS.get(self.event_type)
            object.__setattr__(self, "schema_version", contract.schema_version if contract else 1)

    @property
    def correlation_id(self) -> str | None:
        return self.meta.get("correlation_id")

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "EventEnvelope":
        """Read an envelope, upcasting a payload written at an older schema version."""
        fields = json.loads(raw)
        version, data = upcast(fields["event_type"], fields.get("schema_version", 1),
                               fields["data"])
        return cls(**{**fields, "schema_version": version, "data": data})

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        headers = [("event_type", self.event_type.encode()),
                   ("schema_version", str(self.schema_version).encode())]
        if self.correlation_id:
            headers.append(("correlation_id", self.correlation_id.encode()))
        return headers
