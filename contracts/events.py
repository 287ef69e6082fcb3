"""Every event that crosses a process boundary: its stable name, schema version and payload.

A payload is what consumers read from `EventEnvelope.data`. Its fields are written out
here, never derived from a Python object's attributes, so renaming an argument of an
aggregate method cannot change what goes on the wire. Changing a payload means a new
`schema_version` and an upcaster from the previous version (`contracts.upcasting`); the
golden files in `tests/contracts/golden/` fail a change made without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # a JSON type: object, array, string, integer, number, boolean
    required: bool = True
    nullable: bool = False


@dataclass(frozen=True)
class EventContract:
    """One event type on the wire: its name, current version and payload fields."""

    name: str
    schema_version: int
    fields: tuple[Field, ...]
    description: str

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def payload(self, values: dict) -> dict:
        """Build the payload from named values; a missing required field is an error."""
        missing = [f.name for f in self.fields if f.required and f.name not in values]
        if missing:
            raise ContractViolationError(f"{self.name} needs {', '.join(missing)}")
        return {f.name: values[f.name] for f in self.fields if f.name in values}

    def json_schema(self) -> dict:
        properties = {}
        for f in self.fields:
            kind = [f.kind, "null"] if f.nullable else f.kind
            properties[f.name] = {"type": kind}
        return {"title": self.name, "type": "object", "x-schema-version": self.schema_version,
                "properties": properties, "additionalProperties": False,
                "required": [f.name for f in self.fields if f.required]}


class ContractViolationError(ValueError):
    """A payload does not match its event's contract."""


class UnknownEventTypeError(KeyError):
    """No contract has that event type."""


def _contract(name: str, version: int, description: str, *fields: Field) -> EventContract:
    return EventContract(name, version, tuple(fields), description)


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
FIRM_CREATED = "FirmCreated"
ATTORNEY_INVITED = "AttorneyInvited"
ATTORNEY_ROLE_CHANGED = "AttorneyRoleChanged"
ATTORNEY_DEACTIVATED = "AttorneyDeactivated"
ATTORNEY_REACTIVATED = "AttorneyReactivated"
ATTORNEY_SIGNED_OUT = "AttorneySignedOut"
ATTORNEY_PASSWORD_SET = "AttorneyPasswordSet"
ANALYSIS_PRODUCED = "AnalysisProduced"
ANALYSIS_FAILED = "AnalysisFailed"

CONTRACTS: dict[str, EventContract] = {c.name: c for c in (
    # v2: countries (citizenships, country_of_birth) are ISO 3166-1 alpha-2 codes.
    # v3: free text (contracts.profile.FREE_TEXT) is sealed like the identifiers.
    _contract(CLIENT_PROFILE_CREATED, 3, "An attorney opened a client's profile.",
              Field("fields", "object")),
    _contract(CLIENT_PROFILE_EDITED, 3, "Profile fields changed, each as {old, new}.",
              Field("changes", "object")),
    _contract(CLIENT_PROFILE_ARCHIVED, 1, "The profile left the active list."),
    _contract(CLIENT_PROFILE_ERASED, 1, "The client's identifiers and free text were destroyed."),
    _contract(CASE_OUTCOME_RECORDED, 1, "How a filed case ended.", Field("outcome", "object")),
    _contract(CHECK_REQUESTED, 1, "An attorney asked for a check of a pinned profile version.",
              Field("client_id", "string"), Field("profile_version", "integer"),
              Field("force_refresh", "boolean")),
    _contract(CHECK_STARTED, 1, "The engine began evaluating the check."),
    # v2 (both): strings quoting the client's own words are sealed with the client's key.
    _contract(RECOMMENDATIONS_PRODUCED, 2, "The engine concluded the check.",
              Field("result", "object")),
    _contract(CHECK_FAILED, 1, "The engine could not conclude the check.",
              Field("error_message", "string"), Field("retry_allowed", "boolean")),
    _contract(ANALYSIS_PRODUCED, 2, "The LLM's opinion of a concluded check, within the rules.",
              Field("check_id", "string"), Field("analysis", "object")),
    _contract(ANALYSIS_FAILED, 1, "No LLM opinion could be had for a concluded check.",
              Field("check_id", "string"), Field("reason", "string"), Field("message", "string"),
              Field("usage", "object"), Field("retry_allowed", "boolean")),
    # v2: the attorney's note is sealed with the client's key.
    _contract(ATTORNEY_ASSESSMENT_RECORDED, 2, "An attorney's view of one criterion.",
              Field("assessment", "object")),
    _contract(FIRM_CREATED, 1, "A firm joined the product.", Field("name", "string")),
    _contract(ATTORNEY_INVITED, 1, "An attorney account was created for the firm.",
              Field("email", "string"), Field("role", "string")),
    _contract(ATTORNEY_ROLE_CHANGED, 1, "An admin changed an attorney's role.",
              Field("role", "string")),
    _contract(ATTORNEY_DEACTIVATED, 1, "An attorney may no longer act for the firm."),
    _contract(ATTORNEY_REACTIVATED, 1, "A deactivated attorney may act again."),
    _contract(ATTORNEY_SIGNED_OUT, 1, "One of the attorney's tokens was revoked.",
              Field("token_id", "string"), Field("expires_at", "integer")),
    _contract(ATTORNEY_PASSWORD_SET, 1, "The attorney's password was set (never carried here) "
              "from an invite or reset link, by the attorney, or by an operator.",
              Field("via", "string")),
)}

# Each of these ends every token issued before it: a token carries the attorney stream's
# version of the latest one (its epoch), and a token with an older epoch is refused.
TOKEN_EPOCH_EVENTS = (ATTORNEY_ROLE_CHANGED, ATTORNEY_DEACTIVATED, ATTORNEY_REACTIVATED,
                      ATTORNEY_PASSWORD_SET)


def contract_for(event_type: str) -> EventContract:
    try:
        return CONTRACTS[event_type]
    except KeyError:
        raise UnknownEventTypeError(event_type) from None
