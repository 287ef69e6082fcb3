"""What a client's profile events mean: fold them into the profile's fields."""

from __future__ import annotations

from contracts.envelope import EventEnvelope
from contracts.events import (
    CLIENT_PROFILE_ARCHIVED,
    CLIENT_PROFILE_CREATED,
    CLIENT_PROFILE_EDITED,
    CLIENT_PROFILE_ERASED,
)

# The fields that name the client: sealed, dropped on erasure, never sent to the engine's LLM.
DIRECT_IDENTIFIERS = ("first_name", "last_name", "email", "phone", "date_of_birth", "notes")

# Every other text an attorney types freely (not a choice from a list, a code or a number):
# any of it may name the client, so it is sealed with the client's key and dropped on
# erasure too. "awards.name" is the name of each award; a bare field is its whole value.
FREE_TEXT = (
    "current_location", "current_us_status", "field_of_study", "university",
    "current_job_title", "current_employer", "original_contributions", "skills", "languages",
    "commercial_successes", "proposed_endeavor",
    "awards.name", "memberships.organization", "media_coverage.outlet", "media_coverage.title",
    "critical_roles.organization", "critical_roles.role",
    "job_offer.employer", "job_offer.title", "job_offer.worksite_city",
    "job_offer.worksite_county", "foreign_employment.employer", "goals.preferred_visa_types",
)

SEALED_PATHS = (*DIRECT_IDENTIFIERS, *FREE_TEXT)
# Top-level field -> the parts of it that are sealed: () for the whole value.
SEALED_FIELDS: dict[str, tuple[str, ...]] = {}
for _path in SEALED_PATHS:
    _field, _, _part = _path.partition(".")
    SEALED_FIELDS[_field] = (*SEALED_FIELDS.get(_field, ()), *((_part,) if _part else ()))


def map_sealed_value(name: str, value, transform):
    """Apply transform(path, text) to the sealed parts of one field's value."""
    parts = SEALED_FIELDS.get(name)
    if parts is None or value is None:
        return value
    if not parts:
        return transform(name, value)
    if isinstance(value, dict):
        return {k: transform(f"{name}.{k}", v) if k in parts else v for k, v in value.items()}
    if isinstance(value, list):
        return [map_sealed_value(name, item, transform) if isinstance(item, dict) else item
                for item in value]
    return value


def quotable_texts(events: list[EventEnvelope]) -> tuple[list[str], list[str]]:
    """The client's own words in every version of an opened profile, to find where a result
    quotes them (a re-run compares with older values): every identifier and free text and its
    first 24 characters, and the words of the name."""
    texts: set[str] = set()
    words: set[str] = set()

    def collect(path: str, value):
        if path != "goals.preferred_visa_types":  # visa codes: quoted as codes everywhere
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and len(item.strip()) >= 3:
                    texts.update({item.strip(), item.strip()[:24]})
                    if path in ("first_name", "last_name"):
                        words.update(w for w in item.split() if len(w) >= 3)
        return value

    for event in events:
        versions = [event.data.get("fields") or {}]
        for side in ("old", "new"):
            versions.append({name: change.get(side) for name, change
                             in (event.data.get("changes") or {}).items()
                             if isinstance(change, dict)})
        for fields in versions:
            for name, value in fields.items():
                map_sealed_value(name, value, collect)
    return sorted(texts), sorted(words)


def erased_fields(fields: dict) -> dict:
    """Return what is kept of a profile after erasure: no identifier and no free text."""
    kept = {}
    for name, value in fields.items():
        parts = SEALED_FIELDS.get(name)
        if parts is None:
            kept[name] = value
        elif parts:
            kept[name] = _without_parts(value, parts)
    return kept


def _without_parts(value, parts: tuple[str, ...]):
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in parts}
    if isinstance(value, list):
        return [_without_parts(item, parts) for item in value]
    return value


def fold_profile(events: list[EventEnvelope]) -> dict | None:
    """Return {fields, status, created_by} after the events, or None before creation."""
    state = None
    for event in events:
        if event.event_type == CLIENT_PROFILE_CREATED:
            state = {"fields": dict(event.data["fields"]), "status": "active",
                     "created_by": event.meta.get("actor_id")}
        elif state is None:
            continue
        elif event.event_type == CLIENT_PROFILE_EDITED:
            for name, change in event.data["changes"].items():
                if change["new"] is None:
                    state["fields"].pop(name, None)
                else:
                    state["fields"][name] = change["new"]
        elif event.event_type == CLIENT_PROFILE_ARCHIVED:
            state["status"] = "archived"
        elif event.event_type == CLIENT_PROFILE_ERASED:
            state["status"] = "erased"
            state["fields"] = erased_fields(state["fields"])
    return state
