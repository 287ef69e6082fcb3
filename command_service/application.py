"""Use cases of the write side, one application instance per firm."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from command_service.domain.client_profile import ClientProfile
from command_service.domain.eligibility_check import EligibilityCheck
from shared.tenancy import firm_store_name
from command_service.domain.errors import (
    CheckAlreadyConcludedError,
    CheckNotFoundError,
    ClientNotFoundError,
)
from shared.metrics import CHECKS, EVENTS_APPENDED

# The position (notification id) the last save on this context reached, so a
# command's response can tell the client which read-model position to wait for.
last_recorded_position: ContextVar[int | None] = ContextVar("last_recorded_position",
                                                             default=None)


class FirmCaseFiles(Application):
    """A firm's client profiles and eligibility checks, in the firm's own event store."""

    def __init__(self, firm_id: str, env: dict, on_saved: Callable[[str], None] | None = None):
        self.firm_id = firm_id
        # The library names the events table after the application: one table per firm.
        self.name = firm_store_name(firm_id)
        self._on_saved = on_saved
        super().__init__(env=env)

    def create_client(self, fields: dict, meta: dict) -> ClientProfile:
        profile = ClientProfile(fields=fields, meta=meta)
        self._save(profile)
        return profile

    def edit_client(self, client_id: UUID, submitted: dict, meta: dict) -> tuple[ClientProfile, dict]:
        profile = self.client_profile(client_id)
        changes = profile.edit(submitted, meta)
        self._save(profile)
        return profile, changes

    def archive_client(self, client_id: UUID, meta: dict) -> ClientProfile:
        profile = self.client_profile(client_id)
        profile.archive(meta)
        self._save(profile)
        return profile

    def request_check(self, client_id: UUID, meta: dict, force_refresh: bool = False) -> EligibilityCheck:
        profile = self.client_profile(client_id)
        profile.check_is_active()
        check = EligibilityCheck(profile.id, profile.version, force_refresh, meta)
        self._save(check)
        CHECKS.labels("requested").inc()
        return check

    def record_case_outcome(self, client_id: UUID, outcome: dict, meta: dict) -> ClientProfile:
        profile = self.client_profile(client_id)
        profile.record_case_outcome(outcome, meta)
        self._save(profile)
        return profile

    def record_assessment(self, check_id: UUID, assessment: dict, meta: dict) -> EligibilityCheck:
        check = self.eligibility_check(check_id)
        check.record_assessment(assessment, meta)
        self._save(check)
        return check

    def start_check(self, check_id: UUID, meta: dict) -> EligibilityCheck:
        check = self.eligibility_check(check_id)
        check.start(meta)
        try:
            self._save(check)
        except IntegrityError:
            # Another worker started it first; the conclusion is still guarded.
            return self.eligibility_check(check_id)
        return check

    def record_recommendations(self, check_id: UUID, result: dict, meta: dict) -> EligibilityCheck:
        check = self.eligibility_check(check_id)
        check.conclude(result, meta)
        self._save_conclusion(check)
        return check

    def record_check_failure(self, check_id: UUID, message: str, retry_allowed: bool,
                             meta: dict) -> EligibilityCheck:
        check = self.eligibility_check(check_id)
        check.fail(message, retry_allowed, meta)
        self._save_conclusion(check)
        return check

    def client_profile(self, client_id: UUID, version: int | None = None) -> ClientProfile:
        try:
            profile = self.repository.get(client_id, version=version)
        except AggregateNotFoundError:
            raise ClientNotFoundError(f"no client {client_id}") from None
        if not isinstance(profile, ClientProfile):
            raise ClientNotFoundError(f"no client {client_id}")
        return profile

    def eligibility_check(self, check_id: UUID) -> EligibilityCheck:
        try:
            check = self.repository.get(check_id)
        except AggregateNotFoundError:
            raise CheckNotFoundError(f"no eligibility check {check_id}") from None
        if not isinstance(check, EligibilityCheck):
            raise CheckNotFoundError(f"no eligibility check {check_id}")
        return check

    def _save_conclusion(self, check: EligibilityCheck) -> None:
        # Two engine workers can race on one check after a rebalance; the
        # store's version check lets exactly one of them record its outcome.
        try:
            self._save(check)
        except IntegrityError:
            raise CheckAlreadyConcludedError(f"check {check.id} was concluded elsewhere") from None

    def _save(self, *aggregates) -> None:
        recordings = self.save(*aggregates)
        for recording in recordings:
            EVENTS_APPENDED.labels(type(recording.domain_event).__qualname__.replace(".", "")).inc()
        if recordings:
            last_recorded_position.set(recordings[-1].notification.id)
        if self._on_saved is not None:
            self._on_saved(self.firm_id)
