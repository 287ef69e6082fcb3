"""A fresh deployment's stores for integration tests: SQLite files or a new PostgreSQL database."""

from __future__ import annotations

import base64
import re
import secrets
import uuid
from dataclasses import dataclass, replace

import pytest

from cli import bootstrap
from command_service.api_bootstrap import command_app
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


PASSWORD = "correct-horse-42"
LOGIN_LIMIT = 5


@dataclass
class Command:
    """The command API's Flask app on a deployment, called as separate clients would."""

    app: object
    deployment: object
    firm_id: str
    admin_email: str

    def login(self, email: str, password: str, address: str = "10.0.0.1", **extra):
        client = self.app.test_client()
        return client.post("/v1/auth/login", json={"email": email, "password": password, **extra},
                           environ_base={"REMOTE_ADDR": address})

    def token(self, email: str, password: str = PASSWORD, **extra) -> str:
        response = self.login(email, password, **extra)
        assert response.status_code == 200, response.json
        return response.json["access_token"]

    def call(self, method: str, path: str, token: str, body: dict | None = None):
        return self.app.test_client().open(path, method=method, json=body,
                                           headers={"Authorization": f"Bearer {token}"})

    def invite(self, email: str, role: str = "attorney", firm_admin: str | None = None) -> dict:
        admin = self.token(firm_admin or self.admin_email)
        response = self.call("POST", "/v1/attorneys", admin, {"email": email, "role": role})
        assert response.status_code == 201, response.json
        return response.json

    def set_password(self, link_url: str, password: str = PASSWORD):
        token = re.search(r"#token=(.+)$", link_url).group(1)
        return self.app.test_client().post("/v1/auth/password",
                                           json={"token": token, "password": password})


@pytest.fixture
def command(deployment) -> Command:
    """The command API in process on the deployment, with a firm and its admin."""
    settings = replace(deployment.settings, login_max_failures=LOGIN_LIMIT,
                       login_max_failures_per_address=1000, password_hash_queue=64)
    firm_id = deployment.new_firm()
    admin_email = f"admin-{uuid.uuid4().hex[:8]}@firm.test"
    deployment.directory.create_attorney(firm_id, admin_email, PASSWORD, "admin")
    return Command(command_app(settings, deployment.stores), deployment, firm_id, admin_email)
