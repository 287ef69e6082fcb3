"""Replays read the short way (binary rows, states decoded once, sealed folds) and say the same."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import StoredEvent

import contracts
from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from contracts.profile import fold_profile
from event_store import read_envelopes
from query_service.adapters.profile_history import ProfileHistory
from tests.support.case_files import attorney_meta, write_case_history
from tests.support.profiles import researcher_profile

CREATED_V1 = "command_service.domain.client_profile:ClientProfile.Created"


@pytest.fixture
def sealed_stores(deployment):
    """The deployment's stores with the keyring, as the services run: identifiers sealed."""
    stores = firm_case_files(deployment.settings, keyring=bootstrap.keyring(deployment.settings))
    yield stores
    stores.close()


def a_long_history(cases) -> uuid.UUID:
    """A client created, edited (a value set, changed, removed), given an outcome, archived."""
    meta = attorney_meta()
    client = cases.create_client(researcher_profile(email="amara@lab.example"), meta)
    cases.edit_client(client.id, {"phone": "+1 555 0101", "h_index": 20}, meta)
    cases.edit_client(client.id, {"notes": "Prefers mornings", "email": None}, meta)
    cases.edit_client(client.id, {"notes": "Prefers evenings"}, meta)
    cases.record_case_outcome(client.id, {"visa_type": "O-1A", "outcome": "approved",
                                          "filed_date": "2026-01-05",
                                          "decision_date": "2026-03-01"}, meta)
    cases.archive_client(client.id, meta)
    return client.id


def stored_in_an_older_version(cases) -> uuid.UUID:
    """A client created at class version 1, a country by name: it takes the upcasting path."""
    client_id = uuid.uuid4()
    state = {"timestamp": datetime.now(UTC), "fields": {"first_name": "Old", "h_index": 3,
                                                         "country_of_birth": "India"},
             "meta": attorney_meta()}
    cases.recorder.insert_events([StoredEvent(client_id, 1, CREATED_V1,
                                              cases.mapper.transcoder.encode(state))])
    return client_id


def opened_each_then_folded(cases, client_id, as_of: datetime) -> dict | None:
    """The profile as the query side used to rebuild it: each event opened, then folded."""
    events = [e for e in cases.stream(client_id, reveal=True)
              if datetime.fromisoformat(e.occurred_at) <= as_of]
    state = fold_profile(events)
    return None if state is None else {"status": state["status"], **state["fields"],
                                       "version": events[-1].aggregate_version}


def as_folded(profile: dict | None) -> dict | None:
    if profile is None:
        return None
    return {k: v for k, v in profile.items()
            if k not in ("id", "created_by", "created_at", "updated_at", "as_of")}


def test_a_stream_read_the_short_way_equals_the_log_read_the_librarys_way(deployment,
                                                                          sealed_stores):
    cases = sealed_stores.for_firm(deployment.new_firm())
    ids = [*write_case_history(cases), str(a_long_history(cases)),
           str(stored_in_an_older_version(cases))]
    logged = read_envelopes(cases, 0, 1000)

    for aggregate_id in {e.aggregate_id for e in logged}:
        streamed = cases.stream(aggregate_id)

        assert streamed == [replace(e, position=0) for e in logged
                            if e.aggregate_id == aggregate_id]
    assert cases.stream(ids[-1])[0].data["fields"]["country_of_birth"] == "IN"
    assert {e.event_type for e in logged} >= {
        contracts.CLIENT_PROFILE_CREATED, contracts.CLIENT_PROFILE_EDITED,
        contracts.CLIENT_PROFILE_ARCHIVED, contracts.CASE_OUTCOME_RECORDED,
        contracts.RECOMMENDATIONS_PRODUCED, contracts.CHECK_FAILED}


def test_history_yields_every_event_once_in_order_across_pages(deployment, sealed_stores):
    cases = sealed_stores.for_firm(deployment.new_firm())
    write_case_history(cases)
    logged = read_envelopes(cases, 0, 1000)

    replayed = list(cases.history(page=2))

    assert [e.position for e in replayed] == [e.position for e in logged]
    assert [e.data for e in replayed if not e.event_type.startswith("ClientProfile")] == [
        e.data for e in logged if not e.event_type.startswith("ClientProfile")]


def test_profile_as_of_equals_the_aggregate_rebuilt_at_each_version(deployment, sealed_stores):
    firm = deployment.new_firm()
    cases = sealed_stores.for_firm(firm)
    client_id = a_long_history(cases)
    history = ProfileHistory(sealed_stores)

    for version in range(1, cases.client_profile(client_id).version + 1):
        aggregate = cases.client_profile(client_id, version=version)
        profile = history.profile_as_of(firm, client_id, aggregate.modified_on)

        assert as_folded(profile) == {"status": aggregate.status, **aggregate.fields,
                                      "version": version}
        assert profile["created_by"] == aggregate.created_by
        assert as_folded(profile) == opened_each_then_folded(cases, client_id,
                                                             aggregate.modified_on)


def test_an_erased_clients_profile_as_of_any_time_keeps_nothing_readable(deployment,
                                                                         sealed_stores):
    firm = deployment.new_firm()
    cases = sealed_stores.for_firm(firm)
    meta = attorney_meta()
    client = cases.create_client(researcher_profile(email="gone@lab.example"), meta)
    cases.edit_client(client.id, {"notes": "Lives on Elm Street", "phone": "+1 555 0199"}, meta)
    edited = cases.client_profile(client.id).modified_on
    cases.erase_client(client.id, meta)
    history = ProfileHistory(sealed_stores)

    before_erasure = history.profile_as_of(firm, client.id, edited)
    now = history.profile_as_of(firm, client.id, datetime.now(UTC))

    for profile in (before_erasure, now):
        text = json.dumps(profile)
        assert "gone@lab.example" not in text and "Elm Street" not in text
        assert "Okafor" not in text and "Acme AI" not in text and "pii:v1:" not in text
    assert now["status"] == "erased" and "email" not in now
    assert as_folded(before_erasure) == opened_each_then_folded(cases, client.id, edited)
    assert "notes" not in before_erasure and before_erasure["email"] is None


def test_a_client_stored_in_an_older_version_is_read_as_the_current_one(deployment,
                                                                        sealed_stores):
    firm = deployment.new_firm()
    cases = sealed_stores.for_firm(firm)
    client_id = stored_in_an_older_version(cases)

    profile = ProfileHistory(sealed_stores).profile_as_of(firm, client_id, datetime.now(UTC))

    assert profile["country_of_birth"] == "IN" and profile["first_name"] == "Old"
