"""The composition root: every process of the product is assembled here, from settings."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from werkzeug.exceptions import HTTPException

from command_service.adapters.directory import Directory
from command_service.adapters.event_store import FirmStores, close_shared_pools
from command_service.adapters.local_delivery import LocalDelivery
from command_service.adapters.outbox_relay import OutboxRelay
from command_service.entrypoints import contract as command_contract
from command_service.entrypoints.app import create_app as create_command_app
from command_service.retention import RetentionPolicy
from eligibility_engine.check_handler import CheckHandler
from query_service.adapters.read_tables import migrate_read_tables
from query_service.entrypoints import contract as query_contract
from query_service.entrypoints.app import create_app as create_query_app
from query_service.projections import Projector
from shared.access import AccessRegistry
from shared.auth import TokenIssuer
from shared.config import Settings
from shared.gatekeeper import Gatekeeper
from shared.idempotency import IdempotencyStore
from shared.limits import Quota, RateCounters
from shared.openapi import merge_documents
from shared.positions import PositionTable
from shared.privacy import ClientKeyring
from shared.sql import Database, database_for


def token_issuer(settings: Settings) -> TokenIssuer:
    return TokenIssuer(settings.jwt_secret, settings.jwt_issuer, settings.jwt_audience,
                       settings.jwt_ttl_seconds)


def directory(settings: Settings) -> Directory:
    directory = Directory(database_for(settings, "directory"))
    directory.migrate()
    return directory


def keyring(settings: Settings) -> ClientKeyring:
    keys = ClientKeyring(database_for(settings, "keys"), settings.master_key)
    keys.migrate()
    return keys


def gatekeeper(settings: Settings) -> Gatekeeper:
    """The request checks, on the database every service process shares."""
    directory(settings)
    db = database_for(settings, "directory")
    access, counters = AccessRegistry(db), RateCounters(db)
    access.migrate()
    counters.migrate()
    return Gatekeeper(token_issuer(settings), access, counters,
                      Quota(settings.firm_requests_per_minute, 60))


def idempotency_store(settings: Settings) -> IdempotencyStore:
    store = IdempotencyStore(database_for(settings, "directory"), settings.master_key)
    store.migrate()
    return store


def read_database(settings: Settings) -> Database:
    db = database_for(settings, "read_model")
    migrate_read_tables(db)
    return db


def command_app(settings: Settings, stores: FirmStores | None = None):
    stores = stores or FirmStores(settings, keyring=keyring(settings))
    return create_command_app(stores, directory(settings), gatekeeper(settings),
                              idempotency_store(settings),
                              Quota(settings.check_limit_per_hour, 3600),
                              Quota(settings.login_max_failures, settings.login_lockout_seconds))


def query_app(settings: Settings, document: dict | None = None):
    return create_query_app(read_database(settings), gatekeeper(settings), document)


def outbox_relay_positions(settings: Settings) -> PositionTable:
    positions = PositionTable(database_for(settings, "directory"), "relay")
    positions.migrate()
    return positions


def outbox_relay(settings: Settings, publisher) -> OutboxRelay:
    return OutboxRelay(FirmStores(settings, keyring=keyring(settings)), directory(settings),
                       publisher,
                       outbox_relay_positions(settings))


def check_handler(settings: Settings, stores: FirmStores | None = None,
                  track_positions: bool = False) -> CheckHandler:
    positions = None
    if track_positions:
        positions = PositionTable(database_for(settings, "engine"), "engine")
        positions.migrate()
    return CheckHandler(stores or FirmStores(settings, keyring=keyring(settings)), positions)


def projector(settings: Settings) -> Projector:
    return Projector(read_database(settings), keyring(settings))


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(FirmStores(settings, keyring=keyring(settings)),
                           read_database(settings),
                           timedelta(days=settings.retention_inactive_days),
                           timedelta(days=settings.retention_grace_days))


@dataclass
class EmbeddedProduct:
    """The whole product in one process: both APIs, the engine and the projector."""

    settings: Settings
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.directory = directory(self.settings)
        keys = keyring(self.settings)
        self.stores = FirmStores(self.settings, on_saved=self._stored, keyring=keys)
        consumers = [Projector(read_database(self.settings), keys),
                     check_handler(self.settings, self.stores, True)]
        self.delivery = LocalDelivery(self.stores, self.directory, consumers)
        self.command_app = command_app(self.settings, self.stores)
        self.query_app = query_app(self.settings, merge_documents(
            "Visa eligibility API", command_contract.document(), query_contract.document()))

    def welcome_first_run(self) -> str | None:
        """On an empty data directory, create a demo firm and admin; return how to sign in."""
        if self.directory.firm_ids():
            return None
        firm = self.directory.create_firm("Demo Immigration LLP")
        password = secrets.token_urlsafe(12)
        admin = self.directory.create_attorney(firm["id"], "admin@demo.example", password, "admin")
        note = (f"First run: created firm {firm['name']!r} ({firm['id']}).\n"
                f"Sign in as {admin['email']} with password {password}\n")
        credentials = self.settings.data_dir / "demo-credentials.txt"
        credentials.write_text(note)
        credentials.chmod(0o600)
        return note

    def _stored(self, firm_id: str) -> None:
        self.delivery.wake(firm_id)

    def wsgi(self, environ, start_response):
        """Route each request to the side that serves its path and method (reads: query)."""
        app = self.query_app if self._serves_query(environ) else self.command_app
        return app(environ, start_response)

    def _serves_query(self, environ) -> bool:
        try:
            self.query_app.url_map.bind("").match(environ.get("PATH_INFO") or "/",
                                                  environ["REQUEST_METHOD"])
        except HTTPException:
            return False
        return True

    def start(self) -> None:
        self.delivery.start(self.stop)

    def close(self) -> None:
        self.stop.set()
        self.delivery.join()
        self.stores.close()
        close_shared_pools()
