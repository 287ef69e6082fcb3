"""How each contract event is stored, written out: topic, class version and state keys.

The topic is part of the stored format: years of stored events carry it. Client and
check events were first recorded by the command service's aggregates, so their topics
name those classes; a rename there must `register_topic` the old topic, and
`tests/contracts` fails when a class's topic or `class_version` drifts from this table.
Events appended through the kernel without an aggregate (directory events, the engine's
analyses) use a `visa:` topic that no code resolves.

Reading goes from stored bytes to a contract payload without importing any service's
classes: the state is decoded with the store's transcoder and the payload is picked
field by field from the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import contracts
from contracts.events import contract_for
from contracts.upcasting import upcast

_PROFILE = "command_service.domain.client_profile:ClientProfile"
_CHECK = "command_service.domain.eligibility_check:EligibilityCheck"


@dataclass(frozen=True)
class StoredForm:
    event_type: str
    topic: str
    class_version: int = 1


STORED_FORMS: tuple[StoredForm, ...] = (
    StoredForm(contracts.CLIENT_PROFILE_CREATED, f"{_PROFILE}.Created", class_version=3),
    StoredForm(contracts.CLIENT_PROFILE_EDITED, f"{_PROFILE}.Edited", class_version=3),
    StoredForm(contracts.CLIENT_PROFILE_ARCHIVED, f"{_PROFILE}.Archived"),
    StoredForm(contracts.CLIENT_PROFILE_ERASED, f"{_PROFILE}.Erased"),
    StoredForm(contracts.CASE_OUTCOME_RECORDED, f"{_PROFILE}.CaseOutcomeRecorded"),
    StoredForm(contracts.CHECK_REQUESTED, f"{_CHECK}.Requested"),
    StoredForm(contracts.CHECK_STARTED, f"{_CHECK}.Started"),
    StoredForm(contracts.RECOMMENDATIONS_PRODUCED, f"{_CHECK}.RecommendationsProduced",
               class_version=2),
    StoredForm(contracts.CHECK_FAILED, f"{_CHECK}.Failed"),
    StoredForm(contracts.ATTORNEY_ASSESSMENT_RECORDED, f"{_CHECK}.AttorneyAssessmentRecorded",
               class_version=2),
    *(StoredForm(name, f"visa:{name}") for name in contracts.DIRECTORY_EVENTS),
    *(StoredForm(name, f"visa:{name}", contracts.CONTRACTS[name].schema_version)
      for name in contracts.ANALYSIS_EVENTS),
)
BY_TOPIC = {form.topic: form for form in STORED_FORMS}
BY_TYPE = {form.event_type: form for form in STORED_FORMS}
CLIENT_PROFILE_TOPICS = frozenset(f.topic for f in STORED_FORMS if f.topic.startswith(_PROFILE))


class UnknownStoredEventError(ValueError):
    """A stored event's topic maps to no contract: it cannot be published or projected."""


@dataclass(frozen=True)
class DecodedEvent:
    event_type: str
    originator_id: str
    originator_version: int
    occurred_at: datetime
    payload: dict
    meta: dict


def form_of(topic: str) -> StoredForm:
    try:
        return BY_TOPIC[topic]
    except KeyError:
        raise UnknownStoredEventError(f"stored event topic {topic!r} has no contract") from None


def decode(topic: str, originator_id, originator_version: int, state: dict) -> DecodedEvent:
    """Turn a stored event's decoded state into its contract payload."""
    form = form_of(topic)
    contract = contract_for(form.event_type)
    payload = {name: _plain(state[name]) for name in contract.field_names if name in state}
    # The stored class version is the payload's schema version (1 when absent): older
    # payloads are read as the current contract.
    _, payload = upcast(form.event_type, state.get("class_version", 1), payload)
    return DecodedEvent(form.event_type, str(originator_id), originator_version,
                        state["timestamp"], payload, dict(state.get("meta") or {}))


def encode_state(event_type: str, payload: dict, meta: dict) -> tuple[str, dict]:
    """Return the topic and state to store for a contract event appended without an aggregate.

    The state has exactly the keys the aggregate's event method takes, so the command
    service's aggregates rebuild from events the engine appended.
    """
    form = BY_TYPE[event_type]
    state = {**contract_for(event_type).payload(payload), "meta": dict(meta),
             "timestamp": datetime.now(UTC)}
    if form.class_version > 1:
        state["class_version"] = form.class_version
    return form.topic, state


def _plain(value):
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
