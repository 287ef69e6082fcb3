"""What a client's profile events mean: fold them into the profile's fields."""

from __future__ import annotations

from contracts.envelope import EventEnvelope
from contracts.events import (
    CLIENT_PROFILE_ARCHIVED,
    CLIENT_PROFILE_CREATED,
    CLIENT_PROFILE_EDITED,
    CLIENT_PROFILE_ERASED,
)

# The fields sealed with the client's key and dropped on erasure.
DIRECT_IDENTIFIERS = ("first_name", "last_name", "email", "phone", "date_of_birth", "notes")


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
            for name in DIRECT_IDENTIFIERS:
                state["fields"].pop(name, None)
    return state
