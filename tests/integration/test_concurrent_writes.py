"""Edits without If-Match racing on one client all land, on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from eventsourcing.persistence import IntegrityError

from cli import bootstrap
from command_service import application
from command_service.adapters.case_files import firm_case_files
from event_store import close_shared_pools
from command_service.domain.errors import ClientBusyError
from shared.config import load_settings
from tests.support.profiles import researcher_profile

META = {"actor_id": "a-1", "actor_kind": "attorney", "correlation_id": "c-1"}
FIELDS = ["publications_count", "citations_count", "h_index", "patents_count", "judging_count",
          "graduation_year", "years_of_experience", "annual_salary_usd"]


@pytest.fixture(params=["sqlite", "postgresql"])
def case_files(request, tmp_path):
    env = {"VISA_DATA_DIR": str(tmp_path)}
    if request.param == "postgresql":
        env |= {"VISA_DATABASE_URL": request.getfixturevalue("fresh_pg_url"),
                "VISA_JWT_SECRET": secrets.token_urlsafe(32),
                "VISA_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    settings = load_settings(env)
    bootstrap.migrate(settings)
    firm_id = bootstrap.directory(settings).create_firm("Racing & Co")["id"]
    stores = firm_case_files(settings)
    yield stores.for_firm(firm_id)
    stores.close()
    close_shared_pools()


def test_more_concurrent_edits_than_a_fixed_retry_count_all_land(case_files, monkeypatch):
    client = case_files.create_client(researcher_profile(), META)
    values = {name: 2000 + i for i, name in enumerate(FIELDS)}
    # Every writer reads version 1 before any saves, so all but one lose the first race.
    everyone_read = threading.Barrier(len(FIELDS))
    first_read = threading.local()
    read = case_files.client_profile

    def read_together(client_id, *args, **kwargs):
        profile = read(client_id, *args, **kwargs)
        if not getattr(first_read, "done", False):
            first_read.done = True
            everyone_read.wait(timeout=10)
        return profile

    monkeypatch.setattr(case_files, "client_profile", read_together)

    with ThreadPoolExecutor(max_workers=len(FIELDS)) as pool:
        edits = list(pool.map(lambda name: case_files.edit_client(
            client.id, {name: values[name]}, META), FIELDS))

    profile = read(client.id)
    assert len(edits) == len(FIELDS)
    assert profile.version == 1 + len(FIELDS)
    assert {name: profile.fields[name] for name in FIELDS} == values


def test_a_write_that_keeps_losing_the_race_is_refused_as_busy_not_as_stale(case_files,
                                                                         monkeypatch):
    client = case_files.create_client(researcher_profile(), META)
    monkeypatch.setattr(application, "WRITE_RETRY_SECONDS", 0.2)

    def always_beaten(*aggregates):
        raise IntegrityError("another write landed first")

    monkeypatch.setattr(case_files, "_save", always_beaten)

    with pytest.raises(ClientBusyError):
        case_files.edit_client(client.id, {"h_index": 40}, META)
