"""Large appends reach PostgreSQL whole: the biggest bodies the API accepts and seeding batches.

Each append runs under a deadline: the failure these tests guard against is a hang
(an INSERT left half-sent while the firm's lock is held), not slowness.
"""

from __future__ import annotations

import json
import os
import threading
import uuid

import pytest
from eventsourcing.persistence import StoredEvent

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from demo.profiles import ProfileGenerator
from demo.seed import SeedPlan, Seeder
from event_store import close_shared_pools, verify_chain
from shared.http import MAX_BODY_BYTES
from shared.profile_schema import load_profile
from tests.support.profiles import largest_profile

META = {"actor_id": "a-1", "actor_kind": "attorney", "correlation_id": "c-1"}
DEADLINE_SECONDS = 180


@pytest.fixture
def postgres(pg_settings):
    stores = firm_case_files(pg_settings, keyring=bootstrap.keyring(pg_settings))
    yield pg_settings, stores
    stores.close()
    close_shared_pools()


def within_deadline(work):
    """Run work in a thread; fail the test if it has not finished by the deadline."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the test below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(DEADLINE_SECONDS)
    assert not worker.is_alive(), f"the append did not finish within {DEADLINE_SECONDS} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def assert_chain_holds(store) -> None:
    notifications = store.recorder.select_notifications(0, 1_000_000)
    problems, _ = verify_chain(store.recorder.chain_links(), notifications, store.chain_key)
    assert problems == []


def test_the_largest_profile_the_api_accepts_is_stored_and_chained(postgres):
    settings, stores = postgres
    profile = largest_profile()
    body = len(json.dumps(profile, ensure_ascii=False).encode())
    assert MAX_BODY_BYTES * 0.9 < body <= MAX_BODY_BYTES
    fields = load_profile(profile)
    store = stores.for_firm(str(uuid.uuid4()))

    created = within_deadline(lambda: [store.create_client(fields, META) for _ in range(3)])

    assert [store.client_profile(c.id).fields["notes"] for c in created] == [fields["notes"]] * 3
    assert_chain_holds(store)


def test_a_batch_of_megabyte_events_is_appended_in_one_transaction(postgres):
    _, stores = postgres
    store = stores.for_firm(str(uuid.uuid4()))
    events = [StoredEvent(uuid.uuid4(), 1, "bench:Large", os.urandom(MAX_BODY_BYTES))
              for _ in range(8)]

    positions = within_deadline(lambda: store.recorder.insert_events(events))

    assert positions == list(range(1, 9))
    assert_chain_holds(store)


def test_many_small_events_in_one_batch_are_appended_whole(postgres):
    _, stores = postgres
    store = stores.for_firm(str(uuid.uuid4()))
    batches = [[StoredEvent(uuid.uuid4(), 1, "bench:Small", os.urandom(5000))
                for _ in range(2000)] for _ in range(3)]

    within_deadline(lambda: [store.recorder.insert_events(b) for b in batches])

    assert store.recorder.max_notification_id() == 6000
    assert_chain_holds(store)


def test_the_demo_seeders_batches_are_appended_whole(postgres):
    settings, stores = postgres
    seeder = Seeder(stores, bootstrap.directory(settings, stores), ProfileGenerator(seed=7),
                    SeedPlan(batch_size=200))

    firm = within_deadline(lambda: seeder.fill(seeder.create_firm(0, "quartz-lantern-harbor-91"), 300))

    store = stores.for_firm(firm.id)
    assert firm.clients == 300
    assert store.recorder.max_notification_id() == firm.events
    assert_chain_holds(store)
