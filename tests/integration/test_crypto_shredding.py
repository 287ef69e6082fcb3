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
        env |= {"VISA_DATABASE_URL": request.getfixturevalue("fresh_pg_url"),
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


@pytest.fixture
def embedded_settings(tmp_path):
    settings = load_settings({"VISA_DATA_DIR": str(tmp_path / "data")})
    bootstrap.migrate(settings)
    yield settings
    close_shared_pools()


def file_bytes(path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_an_erased_clients_words_leave_the_search_index_and_its_log(embedded_settings):
    keyring = bootstrap.keyring(embedded_settings)
    stores = firm_case_files(embedded_settings, keyring=keyring)
    case_files = stores.for_firm(str(uuid.uuid4()))
    read_db = bootstrap.read_database(embedded_settings)
    projector = Projector(read_db, keyring=keyring)
    client = case_files.create_client({"first_name": "Amara", "last_name": "Okafor",
                                       "current_employer": "Okafor Robotics"}, META)
    for envelope in read_envelopes(case_files, 0):
        projector.handle(envelope)
    read_db.truncate_wal()
    indexed = file_bytes(embedded_settings.sqlite_path("read_model"))

    case_files.erase_client(client.id, META)
    for envelope in read_envelopes(case_files, projector.position(case_files.firm_id)):
        projector.handle(envelope)
    left = file_bytes(embedded_settings.sqlite_path("read_model"))
    stores.close()

    assert b"okafor" in indexed and b"Okafor Robotics" in indexed
    assert b"okafor" not in left.lower() and b"amara" not in left.lower()


def test_a_destroyed_key_leaves_no_byte_in_the_key_store_files(embedded_settings):
    keyring = bootstrap.keyring(embedded_settings)
    firm, client = str(uuid.uuid4()), str(uuid.uuid4())
    keyring.create(firm, client)
    with keyring._db.read() as tx:
        wrapped = tx.fetch_one("SELECT wrapped_key FROM client_keys WHERE client_id = ?",
                               (client,))["wrapped_key"]
    kept = file_bytes(embedded_settings.sqlite_path("keys"))

    keyring.destroy(firm, client)
    left = file_bytes(embedded_settings.sqlite_path("keys"))

    assert wrapped.encode() in kept
    assert wrapped.encode() not in left and base64.b64decode(wrapped) not in left
    assert keyring.key(firm, client) is None


def test_with_vault_erasure_deletes_the_clients_transit_key_and_no_copy_opens(pg_url, tmp_path):
    from tests.fakes.fake_vault import FakeVault

    with FakeVault() as vault:
        settings = load_settings({
            "VISA_DATA_DIR": str(tmp_path), "VISA_DATABASE_URL": pg_url,
            "VISA_JWT_SECRET": "j" * 48, "VISA_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
            "VISA_KEY_STORE": "vault", "VISA_VAULT_ADDR": vault.url,
            "VISA_VAULT_TOKEN": vault.token})
        bootstrap.migrate(settings)
        keyring = bootstrap.keyring(settings)
        stores = firm_case_files(settings, keyring=keyring)
        case_files = stores.for_firm(str(uuid.uuid4()))
        client = case_files.create_client({"first_name": "Amara", "last_name": "Okafor",
                                           "university": "Okafor Institute"}, META)
        with keyring._db.read() as tx:
            copy = tx.fetch_one("SELECT wrapped_key FROM client_keys WHERE client_id = ?",
                                (str(client.id),))["wrapped_key"]
        opened = case_files.client_profile(client.id).fields
        keys_before = set(vault.keys)

        case_files.erase_client(client.id, META)
        first_version = case_files.client_profile(client.id, version=1).fields
        stores.close()
        close_shared_pools()

        assert copy.startswith("vault:v1:") and len(keys_before) == 1
        assert opened["university"] == "Okafor Institute"
        assert vault.keys == {}
        assert keyring._wrapping.unwrap(case_files.firm_id, str(client.id), copy) is None
        assert first_version["last_name"] is None and first_version["university"] is None


def test_the_engine_judges_the_free_text_opened_and_never_sees_the_identifiers(case_files):
    from eligibility_engine.adapters.check_store import KernelCheckStore

    client = case_files.create_client({"first_name": "Amara", "last_name": "Okafor",
                                       "current_us_status": "H-1B",
                                       "awards": [{"name": "Best Paper", "level": "national"}]},
                                      META)
    profile = KernelCheckStore(_Stores(case_files)).profile(case_files.firm_id, str(client.id), 1)

    assert profile["current_us_status"] == "H-1B"
    assert profile["awards"] == [{"name": "Best Paper", "level": "national"}]
    assert "first_name" not in profile and "last_name" not in profile


class _Stores:
    """The firm stores as the engine holds them, reduced to the one firm of the test."""

    def __init__(self, store):
        self._store = store

    def for_firm(self, firm_id: str):
        return self._store
