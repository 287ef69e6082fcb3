"""Several firms' event stores share one connection pool without mixing their types."""

from __future__ import annotations

import base64
import os
import secrets

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import close_shared_pools
from shared.config import load_settings
from tests.support.profiles import researcher_profile

META = {"actor_id": "a-1", "actor_kind": "attorney", "correlation_id": "c-1"}


def test_two_firms_can_take_turns_appending_events_over_shared_connections(pg_url, tmp_path):
    settings = load_settings({"VISA_DATABASE_URL": pg_url, "VISA_DATA_DIR": str(tmp_path),
                              "VISA_JWT_SECRET": secrets.token_urlsafe(32),
                              "VISA_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()})
    bootstrap.migrate(settings)
    firms = bootstrap.directory(settings)
    firm_ids = [firms.create_firm(f"Turn-taking {n}")["id"] for n in range(2)]
    stores = firm_case_files(settings)

    try:
        created = [stores.for_firm(firm_id).create_client(researcher_profile(), META)
                   for _ in range(3) for firm_id in firm_ids]
    finally:
        stores.close()
        close_shared_pools()

    assert len(created) == 6
