"""The eligibility check aggregate: one request to evaluate a pinned profile version."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from command_service.domain.errors import (
    CheckAlreadyConcludedError,
    CheckHasNoResultError,
    UnknownCriterionError,
)

CONCLUDED = ("completed", "failed")


class EligibilityCheck(Aggregate):
    """Requested by an attorney, started and concluded by the eligibility engine."""

    @event("Requested")
    def __init__(self, client_id: UUID, profile_version: int, force_refresh: bool, meta: dict):
        self.client_id = client_id
        self.profile_version = profile_version
        self.force_refresh = force_refresh
        self.status = "pending"
        self.result: dict | None = None
        self.error_message: str | None = None

    @property
    def is_concluded(self) -> bool:
        return self.status in CONCLUDED

    def start(self, meta: dict) -> None:
        self.check_not_concluded()
        if self.status == "pending":
            self._started(meta=meta)

    @event("Started")
    def _started(self, meta: dict) -> None:
        self.status = "processing"

    def conclude(self, result: dict, meta: dict) -> None:
        self.check_not_concluded()
        self._recommendations_produced(result=result, meta=meta)

    class RecommendationsProduced(Aggregate.Event):
        """v2: strings quoting the client's own words are sealed with the client's key."""

        class_version = 2
        result: dict
        meta: dict

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            """A v1 result's quotes are in clear: they read as opened."""

    @event(RecommendationsProduced)
    def _recommendations_produced(self, result: dict, meta: dict) -> None:
        self.status = "completed"
        self.result = result

    def fail(self, error_message: str, retry_allowed: bool, meta: dict) -> None:
        self.check_not_concluded()
        self._failed(error_message=error_message, retry_allowed=retry_allowed, meta=meta)

    @event("Failed")
    def _failed(self, error_message: str, retry_allowed: bool, meta: dict) -> None:
        self.status = "failed"
        self.error_message = error_message

    def record_assessment(self, assessment: dict, meta: dict) -> None:
        """Record an attorney's view of one criterion; the engine's finding stays as it was."""
        self.check_has_result()
        self.check_assesses_known_criterion(assessment["visa_type"], assessment["criterion"])
        self._attorney_assessment_recorded(assessment=assessment, meta=meta)

    class AttorneyAssessmentRecorded(Aggregate.Event):
        """v2: the note is sealed with the client's key (v1 kept it in clear)."""

        class_version = 2
        assessment: dict
        meta: dict

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            """A v1 note in clear reads as an opened one."""

    @event(AttorneyAssessmentRecorded)
    def _attorney_assessment_recorded(self, assessment: dict, meta: dict) -> None:
        self.assessments = [*getattr(self, "assessments", []),
                            {**assessment, "attorney_id": meta.get("actor_id")}]

    def engine_finding(self, visa_type: str, criterion: str) -> dict:
        rec = next(r for r in self.result["recommendations"] if r["visa_type"] == visa_type)
        rows = [*rec["gates"], *rec["criteria"]]
        if rec.get("one_time_achievement"):
            rows.append(rec["one_time_achievement"])
        return next(row for row in rows if row["id"] == criterion)

    def check_has_result(self) -> None:
        if self.status != "completed":
            raise CheckHasNoResultError(f"check {self.id} has no result to assess yet")

    def check_assesses_known_criterion(self, visa_type: str, criterion: str) -> None:
        try:
            self.engine_finding(visa_type, criterion)
        except StopIteration:
            raise UnknownCriterionError(
                f"check {self.id} has no criterion {criterion!r} for {visa_type}") from None

    def check_not_concluded(self) -> None:
        if self.is_concluded:
            raise CheckAlreadyConcludedError(f"check {self.id} is already {self.status}")
