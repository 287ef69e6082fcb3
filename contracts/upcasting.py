"""Read old wire payloads as the current version: one upcaster per version step.

An event published years ago must still be readable by today's consumers. When a
contract's payload changes, bump its `schema_version` in `contracts.events` and add the
step from the previous version here, keyed by (event type, version it upcasts from).
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.countries import country_code_or_none
from contracts.events import (
    ANALYSIS_PRODUCED,
    ATTORNEY_ASSESSMENT_RECORDED,
    CLIENT_PROFILE_CREATED,
    CLIENT_PROFILE_EDITED,
    CONTRACTS,
    RECOMMENDATIONS_PRODUCED,
    ContractViolationError,
    EventContract,
)

Upcaster = Callable[[dict], dict]
COUNTRY_FIELDS = ("citizenships", "country_of_birth", "spouse_country_of_birth",
                  "degree_country")


def country_value_as_code(name: str, value):
    """A stored country value (a name before v2) as its ISO code; unreadable values kept."""
    if value is None:
        return None
    if name == "citizenships" and isinstance(value, list):
        return [country_code_or_none(v) or v if isinstance(v, str) else v for v in value]
    if name != "citizenships" and isinstance(value, str):
        return country_code_or_none(value) or value
    return value


def profile_fields_v1_to_v2(fields: dict) -> dict:
    return {k: country_value_as_code(k, v) if k in COUNTRY_FIELDS else v
            for k, v in fields.items()}


def profile_changes_v1_to_v2(changes: dict) -> dict:
    return {k: ({"old": country_value_as_code(k, v.get("old")),
                 "new": country_value_as_code(k, v.get("new"))}
                if k in COUNTRY_FIELDS and isinstance(v, dict) else v)
            for k, v in changes.items()}


def free_text_in_clear(payload: dict) -> dict:
    """An older version kept the client's words in clear, the next seals them: a clear
    value reads as an opened one, so the payload stays as it is."""
    return payload


# (event type, from version) -> function returning the payload one version up.
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    (CLIENT_PROFILE_CREATED, 1): lambda p: {**p, "fields": profile_fields_v1_to_v2(p["fields"])},
    (CLIENT_PROFILE_EDITED, 1): lambda p: {**p,
                                          "changes": profile_changes_v1_to_v2(p["changes"])},
    (CLIENT_PROFILE_CREATED, 2): free_text_in_clear,
    (CLIENT_PROFILE_EDITED, 2): free_text_in_clear,
    (RECOMMENDATIONS_PRODUCED, 1): free_text_in_clear,
    (ANALYSIS_PRODUCED, 1): free_text_in_clear,
    (ATTORNEY_ASSESSMENT_RECORDED, 1): free_text_in_clear,
}


def upcast(event_type: str, schema_version: int, payload: dict,
           contracts: dict[str, EventContract] = CONTRACTS,
           upcasters: dict[tuple[str, int], Upcaster] = UPCASTERS) -> tuple[int, dict]:
    """Return (current version, payload) for a payload written at `schema_version`."""
    contract = contracts.get(event_type)
    if contract is None:
        return schema_version, payload
    if schema_version > contract.schema_version:
        raise ContractViolationError(
            f"{event_type} v{schema_version} is newer than this release reads"
            f" (v{contract.schema_version}): upgrade the consumer")
    while schema_version < contract.schema_version:
        step = upcasters.get((event_type, schema_version))
        if step is None:
            raise ContractViolationError(
                f"no upcaster for {event_type} v{schema_version} -> v{schema_version + 1}")
        payload, schema_version = step(dict(payload)), schema_version + 1
    return schema_version, payload
