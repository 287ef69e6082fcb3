"""The engine's use case with hand-written fakes: no database, broker or LLM."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from catalogue.loader import load_catalogue
from eligibility_engine.application.evaluate_check import RULES_FAILED, EvaluateCheck
from eligibility_engine.domain.checks import CheckAlreadyConcludedError, RequestedCheck
from tests.support.profiles import researcher_profile

FIRM, CHECK, CLIENT = "firm-1", "check-1", "client-1"
META = {"actor_id": "eligibility-engine", "actor_kind": "engine"}


class FakeCheckStore:
    """Checks and profile versions in memory; records what the use case appends."""

    def __init__(self, profile: dict, status: str = "pending"):
        self.check = RequestedCheck(FIRM, CHECK, CLIENT, 2, False, status, 1,
                                    datetime(2026, 12, 1, tzinfo=UTC))
        self.profiles = {(CLIENT, 2): profile}
        self.appended: list[tuple[str, object]] = []

    def requested_check(self, firm_id: str, check_id: str) -> RequestedCheck:
        return self.check

    def profile(self, firm_id: str, client_id: str, version: int) -> dict:
        return self.profiles[(client_id, version)]

    def start(self, check: RequestedCheck, meta: dict) -> RequestedCheck:
        self.appended.append(("CheckStarted", None))
        self.check = replace(check, status="processing", version=check.version + 1)
        return self.check

    def conclude(self, check: RequestedCheck, result: dict, meta: dict) -> None:
        self._conclude(check, "completed", ("RecommendationsProduced", result))

    def fail(self, check: RequestedCheck, message: str, retry_allowed: bool,
             meta: dict) -> None:
        self._conclude(check, "failed", ("CheckFailed", message))

    def _conclude(self, check: RequestedCheck, status: str, event: tuple) -> None:
        self.check.check_not_concluded()
        self.appended.append(event)
        self.check = replace(check, status=status, version=check.version + 1)


class FakeMemory:
    def __init__(self, previous: dict | None = None):
        self.previous, self.remembered = previous, []

    def outcome_counts(self) -> dict:
        return {}

    def stored_analysis(self, key: str) -> None:
        return None

    def store_analysis(self, key: str, analysis: dict) -> None:
        return None

    def previous_check(self, client_id: str, check_id: str) -> dict | None:
        return self.previous

    def remember_check(self, check_id: str, client_id: str, profile_version: int,
                       snapshot: dict) -> None:
        self.remembered.append(check_id)


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def use_case(store: FakeCheckStore, memory: FakeMemory | None = None, **kwargs) -> EvaluateCheck:
    memory = memory or FakeMemory()
    return EvaluateCheck(store, lambda firm_id: memory, FixedClock(), **kwargs)


def test_a_requested_check_is_started_then_concluded_with_recommendations():
    store = FakeCheckStore(researcher_profile())

    concluded = use_case(store)(FIRM, CHECK, META)

    assert [name for name, _ in store.appended] == ["CheckStarted", "RecommendationsProduced"]
    result = store.appended[-1][1]
    assert concluded.outcome == "completed"
    assert concluded.recommendations == len(result["recommendations"]) > 0
    assert result["provenance"]["profile_version"] == 2
    assert result["provenance"]["evaluated_at"] == "2026-12-02T09:30:00+00:00"
    assert result["analysis_mode"] == "rules_only"
    assert result["analysis"] == {"status": "not_configured"}


def test_a_check_concludes_from_the_rules_and_says_an_analysis_will_follow():
    store = FakeCheckStore(researcher_profile())

    use_case(store, analysis_follows=True)(FIRM, CHECK, META)

    assert store.appended[-1][1]["analysis"] == {"status": "pending"}


def test_a_concluded_check_is_skipped_without_appending_anything():
    store = FakeCheckStore(researcher_profile(), status="completed")

    concluded = use_case(store)(FIRM, CHECK, META)

    assert concluded.outcome == "skipped"
    assert store.appended == []


def test_rules_that_raise_fail_the_check_with_a_clear_message_instead_of_retrying_forever():
    def broken_rules(profile, catalogue, firm_outcomes):
        raise ZeroDivisionError

    store = FakeCheckStore(researcher_profile())

    concluded = use_case(store, evaluate=broken_rules)(FIRM, CHECK, META)

    assert concluded.outcome == "failed"
    assert store.appended[-1] == ("CheckFailed", RULES_FAILED)


def test_the_concluded_check_is_remembered_and_compared_with_the_previous_one():
    previous = {"check_id": "check-0", "profile": {**researcher_profile(), "h_index": 3},
                "catalogue_version": load_catalogue().version, "visa_types": {}}
    store, memory = FakeCheckStore(researcher_profile()), FakeMemory(previous)

    use_case(store, memory)(FIRM, CHECK, META)

    changes = store.appended[-1][1]["changes_since_previous_check"]
    assert memory.remembered == [CHECK]
    assert {"field": "h_index", "old": 3, "new": 17} in changes["profile_fields"]


class RacedCheckStore(FakeCheckStore):
    """Another worker concludes the check while this one evaluates it."""

    def start(self, check: RequestedCheck, meta: dict) -> RequestedCheck:
        started = super().start(check, meta)
        self.check = replace(started, status="completed", version=started.version + 1)
        return started


def test_a_check_another_worker_concluded_meanwhile_is_refused_not_recorded_twice():
    store = RacedCheckStore(researcher_profile())

    with pytest.raises(CheckAlreadyConcludedError):
        use_case(store)(FIRM, CHECK, META)

    assert [name for name, _ in store.appended] == ["CheckStarted"]
