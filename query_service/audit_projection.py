"""The audit log: one row per event of a firm, whoever caused it and whatever it changed."""

from __future__ import annotations


from query_service.adapters.read_batch import ReadBatch, canonical_json
import contracts
from contracts import EventEnvelope

_CHECK_EVENTS = {contracts.CHECK_REQUESTED, contracts.CHECK_STARTED,
                 contracts.RECOMMENDATIONS_PRODUCED, contracts.CHECK_FAILED,
                 contracts.ATTORNEY_ASSESSMENT_RECORDED, *contracts.ANALYSIS_EVENTS}
_ACTIONS = {
    contracts.CLIENT_PROFILE_CREATED: "created",
    contracts.CLIENT_PROFILE_EDITED: "edited",
    contracts.CLIENT_PROFILE_ARCHIVED: "archived",
    contracts.CHECK_REQUESTED: "check_requested",
    contracts.CHECK_STARTED: "check_started",
    contracts.RECOMMENDATIONS_PRODUCED: "recommendations_produced",
    contracts.CHECK_FAILED: "check_failed",
    contracts.CASE_OUTCOME_RECORDED: "case_outcome_recorded",
    contracts.ATTORNEY_ASSESSMENT_RECORDED: "attorney_assessment_recorded",
    contracts.ANALYSIS_PRODUCED: "analysis_produced",
    contracts.ANALYSIS_FAILED: "analysis_failed",
    contracts.FIRM_CREATED: "firm_created",
    contracts.ATTORNEY_INVITED: "attorney_invited",
    contracts.ATTORNEY_ROLE_CHANGED: "attorney_role_changed",
    contracts.ATTORNEY_DEACTIVATED: "attorney_deactivated",
    contracts.ATTORNEY_REACTIVATED: "attorney_reactivated",
    contracts.ATTORNEY_SIGNED_OUT: "attorney_signed_out",
    contracts.ATTORNEY_PASSWORD_SET: "attorney_password_set",
}


class AuditLogProjection:
    """Record every event: actor, entity, action, changed fields old → new, request, time."""

    def record(self, b: ReadBatch, e: EventEnvelope) -> None:
        is_check = e.event_type in _CHECK_EVENTS
        # An analysis has a stream of its own; the audit trail files it under its check.
        entity_id = e.data.get("check_id") or e.aggregate_id if is_check else e.aggregate_id
        previous = b.checks.get(entity_id) if is_check else None
        entity = _entity_type(e.event_type)
        client_id = (e.data.get("client_id") or (previous or {}).get("client_id")
                     if is_check else e.aggregate_id if entity == "client" else None)
        b.audit({"position": e.position, "event_type": e.event_type,
                 "action": _ACTIONS.get(e.event_type, e.event_type), "entity_type": entity,
                 "entity_id": entity_id, "client_id": client_id,
                 "actor_id": e.meta.get("actor_id"), "actor_kind": e.meta.get("actor_kind"),
                 "request_id": e.meta.get("request_id"), "correlation_id": e.correlation_id,
                 "occurred_at": e.occurred_at,
                 "changes": canonical_json(changes_of(e, previous))})


def _entity_type(event_type: str) -> str:
    if event_type in _CHECK_EVENTS:
        return "check"
    if event_type == contracts.FIRM_CREATED:
        return "firm"
    return "attorney" if event_type in contracts.DIRECTORY_EVENTS else "client"


def changes_of(e: EventEnvelope, check: dict | None = None) -> dict:
    """Return the fields an event changed, each as {"old": ..., "new": ...}."""
    old_status = (check or {}).get("status")
    if e.event_type == contracts.CLIENT_PROFILE_CREATED:
        return {name: {"old": None, "new": value} for name, value in e.data["fields"].items()}
    if e.event_type == contracts.CLIENT_PROFILE_EDITED:
        return e.data["changes"]
    if e.event_type == contracts.CLIENT_PROFILE_ARCHIVED:
        return {"status": {"old": "active", "new": "archived"}}
    if e.event_type == contracts.CHECK_REQUESTED:
        return {"status": {"old": None, "new": "pending"},
                "profile_version": {"old": None, "new": e.data["profile_version"]}}
    if e.event_type == contracts.CHECK_STARTED:
        return {"status": {"old": old_status, "new": "processing"}}
    if e.event_type == contracts.RECOMMENDATIONS_PRODUCED:
        recs = e.data["result"]["recommendations"]
        return {"status": {"old": old_status, "new": "completed"},
                "top_recommendation": {"old": None, "new": recs[0]["visa_type"] if recs else None}}
    if e.event_type == contracts.CHECK_FAILED:
        return {"status": {"old": old_status, "new": "failed"},
                "error_message": {"old": None, "new": e.data["error_message"]}}
    if e.event_type == contracts.ANALYSIS_PRODUCED:
        return {"analysis": {"old": "pending", "new": "ready"}}
    if e.event_type == contracts.ANALYSIS_FAILED:
        return {"analysis": {"old": "pending", "new": "failed"},
                "analysis_note": {"old": None, "new": e.data["message"]}}
    if e.event_type == contracts.CASE_OUTCOME_RECORDED:
        return {"case_outcome": {"old": None, "new": e.data["outcome"]}}
    if e.event_type == contracts.ATTORNEY_ASSESSMENT_RECORDED:
        return {"attorney_assessment": {"old": None, "new": e.data["assessment"]}}
    if e.event_type in (contracts.FIRM_CREATED, contracts.ATTORNEY_INVITED,
                        contracts.ATTORNEY_ROLE_CHANGED, contracts.ATTORNEY_PASSWORD_SET):
        return {name: {"old": None, "new": value} for name, value in e.data.items()}
    if e.event_type in (contracts.ATTORNEY_DEACTIVATED, contracts.ATTORNEY_REACTIVATED):
        active = e.event_type == contracts.ATTORNEY_REACTIVATED
        return {"active": {"old": not active, "new": active}}
    return {}
