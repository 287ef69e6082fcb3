"""Wire contract of the events published to Kafka and delivered in process.

Consumers depend on this envelope only, never on the command side's Python classes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

EVENT_SCHEMA_VERSION = 1

CLIENT_PROFILE_CREATED = "ClientProfileCreated"
CLIENT_PROFILE_EDITED = "ClientProfileEdited"
CLIENT_PROFILE_ARCHIVED = "ClientProfileArchived"
CLIENT_PROFILE_ERASED = "ClientProfileErased"
CHECK_REQUESTED = "CheckRequested"
CHECK_STARTED = "CheckStarted"
RECOMMENDATIONS_PRODUCED = "RecommendationsProduced"
CHECK_FAILED = "CheckFailed"
CASE_OUTCOME_RECORDED = "CaseOutcomeRecorded"
ATTORNEY_ASSESSMENT_RECORDED = "AttorneyAssessmentRecorded"


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
    schema_version: int = EVENT_SCHEMA_VERSION

    @property
    def correlation_id(self) -> str | None:
        return self.meta.get("correlation_id")

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "EventEnvelope":
        return cls(**json.loads(raw))

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        headers = [("event_type", self.event_type.encode()),
                   ("schema_version", str(self.schema_version).encode())]
        if self.correlation_id:
            headers.append(("correlation_id", self.correlation_id.encode()))
        return headers
