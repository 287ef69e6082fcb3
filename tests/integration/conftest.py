"""A fresh deployment's stores for integration tests: SQLite files or a new PostgreSQL database."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import pytest

from cli import bootstrap
from command_service.adapters.directory import Directory
from command_service.adapters.case_files import firm_case_files
from event_store import FirmStores, close_shared_pools
from event_store import read_envelopes
from query_service.projections import Projector
from shared.config import Settings, load_settings
from shared.sql import Database


@dataclass
class Deployment:
    settings: Settings
    directory: Directory
    stores: FirmStores
    read_db: Database

    @property
    def keyring(self):
        return bootstrap.keyring(self.settings)

    @property
    def dialect(self) -> str:
        return self.read_db.dialect

    def new_firm(self) -> str:
        return self.directory.create_firm(f"Firm {secrets.token_hex(3)}")["id"]

    def project_all(self, firm_id: str, projector: Projector | None = None) -> Projector:
        """Deliver a firm's stored events to the live projector one by one, as a consumer would."""
        projector = projector or Projector(self.read_db)
        app = self.stores.for_firm(firm_id)
        while batch := read_envelopes(app, projector.position(firm_id)):
            for envelope in batch:
                projector.handle(envelope)
        return projector


@pytest.fixture(params=["sqlite", "postgresql"])
def deployment(request, tmp_path):
    """A deployment of its own, on SQLite files or on a fresh PostgreSQL database."""
    env = {"VISA_DATA_DIR": str(tmp_path)}
    if request.param == "postgresql":
        env.update(VISA_DATABASE_URL=request.getfixturevalue("fresh_pg_url"),
                   VISA_JWT_SECRET=secrets.token_urlsafe(32),
                   VISA_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode())
    settings = load_settings(env)
    bootstrap.migrate(settings)
    stores = firm_case_files(settings)
    read_db = bootstrap.read_database(settings)
    yield Deployment(settings, bootstrap.directory(settings), stores, read_db)
    stores.close()
    read_db.close()
    close_shared_pools()  # before fresh_pg_url drops the database


@pytest.fixture
def pg_settings(tmp_path, fresh_pg_url) -> Settings:
    """Settings of a migrated distributed deployment on a fresh PostgreSQL database."""
    settings = load_settings({"VISA_DATABASE_URL": fresh_pg_url, "VISA_DATA_DIR": str(tmp_path),
                              "VISA_JWT_SECRET": secrets.token_urlsafe(32),
                              "VISA_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode()})
    bootstrap.migrate(settings)
    return settings
