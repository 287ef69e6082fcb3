"""The client profile aggregate: what the firm knows about one client."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from command_service.domain.errors import (
    ClientArchivedError,
    ClientErasedError,
    StaleVersionError,
)
from contracts.profile import erased_fields
from contracts.upcasting import profile_changes_v1_to_v2, profile_fields_v1_to_v2


class ClientProfile(Aggregate):
    """A client's profile; every change is an event with the attorney who made it."""

    class Created(Aggregate.Created):
        """v2: countries are ISO 3166-1 alpha-2 codes (v1 stored English names).
        v3: free text is sealed like the identifiers (v2 stored it in clear)."""

        class_version = 3
        fields: dict
        meta: dict

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["fields"] = profile_fields_v1_to_v2(state["fields"])

        @staticmethod
        def upcast_v2_v3(state: dict) -> None:
            """Clear text reads as opened text: nothing to change."""

    class Edited(Aggregate.Event):
        """v2: countries are ISO 3166-1 alpha-2 codes (v1 stored English names).
        v3: free text is sealed like the identifiers (v2 stored it in clear)."""

        class_version = 3
        changes: dict
        meta: dict

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["changes"] = profile_changes_v1_to_v2(state["changes"])

        @staticmethod
        def upcast_v2_v3(state: dict) -> None:
            """Clear text reads as opened text: nothing to change."""

    @event(Created)
    def __init__(self, fields: dict, meta: dict):
        self.fields = dict(fields)
        self.status = "active"
        self.created_by = meta.get("actor_id")

    def edit(self, submitted: dict, meta: dict) -> dict:
        """Apply the submitted fields; return only what changed, old → new."""
        self.check_is_active()
        changes = {
            name: {"old": self.fields.get(name), "new": value}
            for name, value in submitted.items()
            if self.fields.get(name) != value
        }
        if changes:
            self._edited(changes=changes, meta=meta)
        return changes

    @event(Edited)
    def _edited(self, changes: dict, meta: dict) -> None:
        for name, change in changes.items():
            if change["new"] is None:
                self.fields.pop(name, None)
            else:
                self.fields[name] = change["new"]

    def record_case_outcome(self, outcome: dict, meta: dict) -> None:
        """Record how a filed case ended; allowed after archiving (cases outlive files)."""
        self._case_outcome_recorded(outcome=outcome, meta=meta)

    @event("CaseOutcomeRecorded")
    def _case_outcome_recorded(self, outcome: dict, meta: dict) -> None:
        self.case_outcomes = [*getattr(self, "case_outcomes", []), outcome]

    def archive(self, meta: dict) -> None:
        self.check_is_active()
        self._archived(meta=meta)

    @event("Archived")
    def _archived(self, meta: dict) -> None:
        self.status = "archived"
        self.archived_by = meta.get("actor_id")

    def erase(self, meta: dict) -> None:
        """Forget the client's identifiers and free text; erasing twice records nothing new."""
        if self.status != "erased":
            self._erased(meta=meta)

    @event("Erased")
    def _erased(self, meta: dict) -> None:
        self.status = "erased"
        self.fields = erased_fields(self.fields)

    def check_is_active(self) -> None:
        if self.status == "erased":
            raise ClientErasedError(f"client {self.id} was erased")
        if self.status != "active":
            raise ClientArchivedError(f"client {self.id} is archived")

    def check_version(self, expected: int | None) -> None:
        if expected is not None and expected != self.version:
            raise StaleVersionError(self.version)
