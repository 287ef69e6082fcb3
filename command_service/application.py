"""Use cases of the write side, one application instance per firm."""

from __future__ import annotations

import itertools
import random
import time
from contextvars import ContextVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import TopicError

from command_service.domain.client_profile import ClientProfile
from command_service.domain.eligibility_check import EligibilityCheck
from command_service.domain.errors import (
    CheckNotFoundError,
    ClientBusyError,
    ClientNotFoundError,
    StaleVersionError,
)
from event_store import QUOTE, FirmEventStore
from shared.metrics import CHECKS, EVENTS_APPENDED

WRITE_RETRY_SECONDS = 5.0

# The position (notification id) the last save on this context reached, so a
# command's response can tell the client which read-model position to wait for.
last_recorded_position: ContextVar[int | None] = ContextVar("last_recorded_position",
                                                             default=None)


class FirmCaseFiles(FirmEventStore):
    """A firm's client profiles and eligibility checks, in the firm's own event store."""

    def create_client(self, fields: dict, meta: dict, client_id: UUID | None = None) -> ClientProfile:
        profile = ClientProfile._create(ClientProfile.Created, id=client_id, fields=fields,
                                        meta=meta)
        return self._save_new(profile)

    def edit_client(self, client_id: UUID, submitted: dict, meta: dict,
                    expected_version: int | None = None) -> tuple[ClientProfile, dict]:
        return self._write(client_id, expected_version, lambda p: p.edit(submitted, meta))

    def archive_client(self, client_id: UUID, meta: dict,
                       expected_version: int | None = None) -> ClientProfile:
        profile, _ = self._write(client_id, expected_version, lambda p: p.archive(meta))
        return profile

    def erase_client(self, client_id: UUID, meta: dict) -> ClientProfile:
        """Record the erasure, then destroy the client's data key (crypto-shredding)."""
        profile, _ = self._write(client_id, None, lambda p: p.erase(meta))
        if self.keyring is not None:
            self.keyring.destroy(self.firm_id, str(client_id))
        return profile

    def request_check(self, client_id: UUID, meta: dict, force_refresh: bool = False,
                      check_id: UUID | None = None) -> EligibilityCheck:
        profile = self.client_profile(client_id)
        profile.check_is_active()
        check = EligibilityCheck._create(EligibilityCheck.Requested, id=check_id,
                                         client_id=profile.id, profile_version=profile.version,
                                         force_refresh=force_refresh, meta=meta)
        saved = self._save_new(check)
        if saved is check:
            CHECKS.labels("requested").inc()
        return saved

    def record_case_outcome(self, client_id: UUID, outcome: dict, meta: dict) -> ClientProfile:
        profile = self.client_profile(client_id)
        profile.record_case_outcome(outcome, meta)
        self._save(profile)
        return profile

    def record_assessment(self, check_id: UUID, assessment: dict, meta: dict) -> EligibilityCheck:
        """Record an attorney's view; the note (their own words about the client) is sealed
        with the client's key, so erasing the client erases it too."""
        check = self.eligibility_check(check_id)
        if self.keyring is not None and assessment.get("note"):
            sealer = self.keyring.sealer(self.firm_id, str(check.client_id))
            if sealer.can_open:
                assessment = {**assessment, "note": sealer.seal(QUOTE, assessment["note"])}
        check.record_assessment(assessment, meta)
        self._save(check)
        return check

    def client_profile(self, client_id: UUID, version: int | None = None) -> ClientProfile:
        try:
            profile = self.load(client_id, version=version)
        except (AggregateNotFoundError, TopicError):
            # A TopicError: the id names a stream of no aggregate here (an attorney's).
            raise ClientNotFoundError(f"no client {client_id}") from None
        if not isinstance(profile, ClientProfile):
            raise ClientNotFoundError(f"no client {client_id}")
        return profile

    def eligibility_check(self, check_id: UUID) -> EligibilityCheck:
        try:
            check = self.load(check_id)
        except (AggregateNotFoundError, TopicError):
            raise CheckNotFoundError(f"no eligibility check {check_id}") from None
        if not isinstance(check, EligibilityCheck):
            raise CheckNotFoundError(f"no eligibility check {check_id}")
        return check

    def _write(self, client_id: UUID, expected_version: int | None, command):
        # A concurrent write makes the store refuse ours; without If-Match the
        # command is re-applied to the fresh state, so neither update is lost.
        # Retries are bounded by time, not count: n writers racing can beat one n-1 times.
        deadline = time.monotonic() + WRITE_RETRY_SECONDS
        for attempt in itertools.count(1):
            profile = self.client_profile(client_id)
            profile.check_version(expected_version)
            outcome = command(profile)
            try:
                self._save(profile)
                return profile, outcome
            except IntegrityError:
                if expected_version is not None:
                    raise StaleVersionError(self.client_profile(client_id).version) from None
            if time.monotonic() >= deadline:
                raise ClientBusyError(f"client {client_id} lost {attempt} write races")
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** attempt)))

    def _save_new(self, aggregate):
        # A retried request with the same Idempotency-Key reuses the aggregate id;
        # the store refuses the second creation and the first one stands.
        try:
            self._save(aggregate)
        except IntegrityError:
            return self.load(aggregate.id, version=1)
        return aggregate

    def _save(self, *aggregates) -> None:
        recordings = self.save(*aggregates)
        for recording in recordings:
            EVENTS_APPENDED.labels(type(recording.domain_event).__qualname__.replace(".", "")).inc()
        if recordings:
            last_recorded_position.set(recordings[-1].notification.id)
        self.notify_saved()
