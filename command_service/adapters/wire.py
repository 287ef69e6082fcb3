"""Translate stored domain events into the published wire envelope."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import Notification

from command_service.adapters.sealing_mapper import SealingMapper
from command_service.application import FirmCaseFiles
from command_service.domain.client_profile import ClientProfile
from command_service.domain.eligibility_check import EligibilityCheck
from shared import contracts
from shared.contracts import EventEnvelope

WIRE_NAMES = {
    ClientProfile.Created: contracts.CLIENT_PROFILE_CREATED,
    ClientProfile.Edited: contracts.CLIENT_PROFILE_EDITED,
    ClientProfile.Archived: contracts.CLIENT_PROFILE_ARCHIVED,
    ClientProfile.Erased: contracts.CLIENT_PROFILE_ERASED,
    EligibilityCheck.Requested: contracts.CHECK_REQUESTED,
    EligibilityCheck.Started: contracts.CHECK_STARTED,
    EligibilityCheck.RecommendationsProduced: contracts.RECOMMENDATIONS_PRODUCED,
    EligibilityCheck.Failed: contracts.CHECK_FAILED,
    ClientProfile.CaseOutcomeRecorded: contracts.CASE_OUTCOME_RECORDED,
    EligibilityCheck.AttorneyAssessmentRecorded: contracts.ATTORNEY_ASSESSMENT_RECORDED,
}
_ENVELOPE_FIELDS = {"originator_id", "originator_version", "timestamp", "meta",
                    "originator_topic"}


def to_envelope(app: FirmCaseFiles, notification: Notification) -> EventEnvelope:
    """Decode one notification of a firm's log into its wire envelope.

    Client identifiers stay sealed on the wire: Kafka's log then holds only
    ciphertext, which erasing the client's key makes unreadable too.
    """
    domain_event = _decode_sealed(app, notification)
    data = {
        name: _plain(value)
        for name, value in domain_event.__dict__.items()
        if name not in _ENVELOPE_FIELDS
    }
    return EventEnvelope(
        event_type=WIRE_NAMES[type(domain_event)],
        firm_id=app.firm_id,
        position=notification.id,
        aggregate_id=str(domain_event.originator_id),
        aggregate_version=domain_event.originator_version,
        occurred_at=domain_event.timestamp.isoformat(),
        data=data,
        meta=dict(getattr(domain_event, "meta", {}) or {}),
    )


def read_envelopes(app: FirmCaseFiles, after: int, limit: int = 500) -> list[EventEnvelope]:
    """Read the firm's events stored after a position, in order."""
    notifications = app.recorder.select_notifications(
        start=after, limit=limit, inclusive_of_start=False
    )
    return [to_envelope(app, n) for n in notifications]


def _decode_sealed(app: FirmCaseFiles, notification: Notification):
    if isinstance(app.mapper, SealingMapper):
        return app.mapper.to_domain_event(notification, reveal=False)
    return app.mapper.to_domain_event(notification)


def _plain(value):
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
