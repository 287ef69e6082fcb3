"""A redelivered CheckRequested yields one result, on both event stores."""

from __future__ import annotations

import base64
import os
import uuid

import pytest

from contracts import CHECK_STARTED

from cli import bootstrap

from command_service.adapters.case_files import firm_case_files
from event_store import FirmStores, close_shared_pools
from event_store import read_envelopes
from eligibility_engine.check_handler import CheckHandler
from query_service.adapters.read_tables import migrate_read_tables
from query_service.adapters.client_views import FirmReadView
from query_service.projections import Projector
from shared.config import load_settings
from contracts import CHECK_REQUESTED, RECOMMENDATIONS_PRODUCED
from shared.sql import Database
from tests.support.case_files import record_as_engine
from tests.support.profiles import researcher_profile

META = {"actor_id": "attorney-1", "correlation_id": "corr-1"}


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request, tmp_path):
    env = {"VISA_DATA_DIR": str(tmp_path)}
    if request.param == "postgres":
        env.update(VISA_DATABASE_URL=request.getfixturevalue("fresh_pg_url"),
                   VISA_JWT_SECRET="test",
                   VISA_MASTER_KEY=base64.b64encode(os.urandom(32)).decode())
    settings = load_settings(env)
    bootstrap.migrate(settings)
    yield settings
    close_shared_pools()  # before fresh_pg_url drops the database


@pytest.fixture
def stores(settings):
    stores = firm_case_files(settings)
    yield stores
    stores.close()


def requested_check(stores: FirmStores):
    firm_id = str(uuid.uuid4())
    cases = stores.for_firm(firm_id)
    client = cases.create_client(researcher_profile(), META)
    check = cases.request_check(client.id, META)
    envelope = next(e for e in read_envelopes(cases, 0) if e.event_type == CHECK_REQUESTED)
    return cases, check, envelope


def test_the_same_check_requested_twice_yields_one_result(stores):
    cases, check, envelope = requested_check(stores)
    engine = CheckHandler(stores)

    engine.handle(envelope)
    engine.handle(envelope)

    produced = [e for e in read_envelopes(cases, 0) if e.event_type == RECOMMENDATIONS_PRODUCED]
    assert len(produced) == 1
    assert cases.eligibility_check(check.id).status == "completed"


def test_a_check_left_processing_by_a_dead_worker_completes_on_redelivery(stores):
    cases, check, envelope = requested_check(stores)
    record_as_engine(cases, check.id, CHECK_STARTED, {}, META)

    CheckHandler(stores).handle(envelope)

    assert cases.eligibility_check(check.id).status == "completed"


def test_projector_applies_each_event_once_under_redelivery(stores, tmp_path):
    cases, check, _ = requested_check(stores)
    CheckHandler(stores).handle(next(e for e in read_envelopes(cases, 0)
                                     if e.event_type == CHECK_REQUESTED))
    db = Database(sqlite_path=tmp_path / "read.sqlite")
    migrate_read_tables(db)
    projector = Projector(db)
    envelopes = read_envelopes(cases, 0)

    for envelope in envelopes + envelopes:
        projector.handle(envelope)

    view = FirmReadView(db, cases.firm_id)
    projected = view.check(str(check.id))
    assert projected["status"] == "completed"
    assert len(projected["recommendations"]) == len(envelopes[-1].data["result"]["recommendations"])
    with db.transaction() as tx:
        rows = tx.fetch_one("SELECT COUNT(*) AS n FROM recommendations WHERE check_id = ?",
                            (str(check.id),))
    assert rows["n"] == len(projected["recommendations"])


def test_a_profile_the_rules_cannot_evaluate_fails_the_check_instead_of_looping(stores, monkeypatch):
    cases, check, envelope = requested_check(stores)
    monkeypatch.setattr("eligibility_engine.application.evaluate_check.evaluate_profile",
                        lambda *a: 1 / 0)

    CheckHandler(stores).handle(envelope)

    concluded = cases.eligibility_check(check.id)
    assert concluded.status == "failed" and "could not evaluate" in concluded.error_message
