"""The events that cross a process boundary, as versioned wire contracts.

Services depend on these names and payload schemas only, never on each other's classes.
"""

from contracts.envelope import EventEnvelope
from contracts.events import (
    ATTORNEY_ASSESSMENT_RECORDED,
    ATTORNEY_DEACTIVATED,
    ATTORNEY_INVITED,
    ATTORNEY_REACTIVATED,
    ATTORNEY_ROLE_CHANGED,
    ATTORNEY_SIGNED_OUT,
    CASE_OUTCOME_RECORDED,
    CHECK_FAILED,
    CHECK_REQUESTED,
    CHECK_STARTED,
    CLIENT_PROFILE_ARCHIVED,
    CLIENT_PROFILE_CREATED,
    CLIENT_PROFILE_EDITED,
    CLIENT_PROFILE_ERASED,
    CONTRACTS,
    FIRM_CREATED,
    RECOMMENDATIONS_PRODUCED,
    ContractViolationError,
    EventContract,
    contract_for,
)
from contracts.upcasting import upcast

DIRECTORY_EVENTS = (FIRM_CREATED, ATTORNEY_INVITED, ATTORNEY_ROLE_CHANGED, ATTORNEY_DEACTIVATED,
                    ATTORNEY_REACTIVATED, ATTORNEY_SIGNED_OUT)

__all__ = [
    "ATTORNEY_ASSESSMENT_RECORDED", "ATTORNEY_DEACTIVATED", "ATTORNEY_INVITED",
    "ATTORNEY_REACTIVATED", "ATTORNEY_ROLE_CHANGED", "ATTORNEY_SIGNED_OUT",
    "CASE_OUTCOME_RECORDED", "CHECK_FAILED", "CHECK_REQUESTED", "CHECK_STARTED",
    "CLIENT_PROFILE_ARCHIVED", "CLIENT_PROFILE_CREATED", "CLIENT_PROFILE_EDITED",
    "CLIENT_PROFILE_ERASED", "CONTRACTS", "DIRECTORY_EVENTS", "FIRM_CREATED",
    "RECOMMENDATIONS_PRODUCED", "ContractViolationError", "EventContract", "EventEnvelope",
    "contract_for", "upcast",
]
