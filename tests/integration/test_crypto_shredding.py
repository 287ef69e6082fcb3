"""Envelope encryption in the event store and erasure by destroying the key, on both stores."""

from __future__ import annotations

import base64
import os
import uuid

import pytest

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import close_shared_pools
from event_store import read_envelopes
from query_service.adapters.read_tables import migrate_read_tables
from query_service.projections import Projector
from shared.config import load_settings
from event_store import is_sealed
from shared.sql import Database

META = {"actor_id": "attorney-1", "actor_kind": "attorney"}


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path):
    env = {"VISA_DATA_DIR": str(tmp_path), "VISA_MASTER_KEY":
           base64.b64encode(os.urandom(32)).decode()}
    if request.param == "postgresql":
        env |= {"VISA_DATABASE_URL": request.getfixturevalue("pg_url"),
                "VISA_JWT_SECRET": "j" * 48}
    settings = load_settings(env)
    bootstrap.migrate(settings)
    yield settings
    close_shared_pools()


@pytest.fixture
def case_files(settings):
    stores = firm_case_files(settings, keyring=bootstrap.keyring(settings))
    yield stores.for_firm(str(uuid.uuid4()))
    stores.close()


def stored_states(app) -> list[bytes]:
    return [bytes(n.state) for n in app.recorder.select_notifications(start=0, limit=1000)]


def replay_into_fresh_read_model(app, settings, tmp_path) -> dict:
    db = Database(sqlite_path=tmp_path / f"replay-{uuid.uuid4().hex}.sqlite")
    migrate_read_tables(db)
    projector = Projector(db, keyring=bootstrap.keyring(settings))
    for envelope in read_envelopes(app, 0):
        projector.handle(envelope)
    with db.transaction() as tx:
        return tx.fetch_one("SELECT * FROM clients")


def test_the_wire_carries_sealed_identifiers_that_only_the_keyring_opens(case_files, settings,
                                                                        tmp_path):
    profile = case_files.create_client({"first_name": "Amara", "last_name": "Okafor",
                                        "h_index": 17}, META)

    envelope = read_envelopes(case_files, 0)[0]
    row = replay_into_fresh_read_model(case_files, settings, tmp_path)

    assert is_sealed(envelope.data["fields"]["first_name"])
    assert envelope.data["fields"]["h_index"] == 17
    assert case_files.client_profile(profile.id).fields["first_name"] == "Amara"
    assert (row["first_name"], row["last_name"]) == ("Amara", "Okafor")


def test_erasure_appends_a_fact_and_leaves_the_stored_events_untouched(case_files, settings,
                                                                      tmp_path):
    profile = case_files.create_client({"first_name": "Amara", "last_name": "Okafor",
                                        "email": "amara@example.org"}, META)
    case_files.edit_client(profile.id, {"notes": "met at the consulate"}, META)
    before = stored_states(case_files)

    case_files.erase_client(profile.id, META)
    after = stored_states(case_files)
    reloaded = case_files.client_profile(profile.id)
    replayed = replay_into_fresh_read_model(case_files, settings, tmp_path)
    first_version = case_files.client_profile(profile.id, version=1)

    assert after[:len(before)] == before and len(after) == len(before) + 1
    assert b"Amara" not in b"".join(after)
    assert reloaded.status == "erased" and "first_name" not in reloaded.fields
    assert first_version.fields["first_name"] is None
    assert replayed["status"] == "erased" and replayed["first_name"] == ""
    assert "Amara" not in replayed["profile"] and "consulate" not in replayed["profile"]
