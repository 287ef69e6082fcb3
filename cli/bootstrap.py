"""The composition root: every process of the product is assembled here, from settings."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from command_service.adapters.directory import Directory
from command_service.adapters.event_store import FirmStores, close_shared_pools
from command_service.adapters.local_delivery import LocalDelivery
from command_service.adapters.outbox_relay import OutboxRelay
from command_service.entrypoints.app import create_app as create_command_app
from eligibility_engine.check_handler import CheckHandler
from query_service.adapters.read_tables import migrate_read_tables
from query_service.entrypoints.app import create_app as create_query_app
from query_service.projections import Projector
from shared.auth import TokenIssuer
from shared.config import Settings
from shared.positions import PositionTable
from shared.sql import Database, database_for
from webapp.cors import allow_web_origins
from webapp.views import install_web_app


def token_issuer(settings: Settings) -> TokenIssuer:
    return TokenIssuer(settings.jwt_secret, settings.jwt_issuer, settings.jwt_audience,
                       settings.jwt_ttl_seconds)


def directory(settings: Settings) -> Directory:
    directory = Directory(database_for(settings, "directory"))
    directory.migrate()
    return directory


def read_database(settings: Settings) -> Database:
    db = database_for(settings, "read_model")
    migrate_read_tables(db)
    return db


def command_app(settings: Settings, stores: FirmStores | None = None):
    stores = stores or FirmStores(settings)
    app = create_command_app(stores, directory(settings), token_issuer(settings))
    if settings.web_origins:
        allow_web_origins(app, settings.web_origins)
    return app


def query_app(settings: Settings):
    app = create_query_app(read_database(settings), token_issuer(settings))
    install_web_app(app, settings.web_command_url)
    return app


def outbox_relay_positions(settings: Settings) -> PositionTable:
    positions = PositionTable(database_for(settings, "directory"), "relay")
    positions.migrate()
    return positions


def outbox_relay(settings: Settings, publisher) -> OutboxRelay:
    return OutboxRelay(FirmStores(settings), directory(settings), publisher,
                       outbox_relay_positions(settings))


def check_handler(settings: Settings, stores: FirmStores | None = None,
                  track_positions: bool = False) -> CheckHandler:
    positions = None
    if track_positions:
        positions = PositionTable(database_for(settings, "engine"), "engine")
        positions.migrate()
    return CheckHandler(stores or FirmStores(settings), positions)


def projector(settings: Settings) -> Projector:
    return Projector(read_database(settings))


@dataclass
class EmbeddedProduct:
    """The whole product in one process: both APIs, the engine and the projector."""

    settings: Settings
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.directory = directory(self.settings)
        read_db = read_database(self.settings)
        self.stores = FirmStores(self.settings, on_saved=self._stored)
        consumers = [Projector(read_db), check_handler(self.settings, self.stores, True)]
        self.delivery = LocalDelivery(self.stores, self.directory, consumers)
        tokens = token_issuer(self.settings)
        self.command_app = create_command_app(self.stores, self.directory, tokens)
        self.query_app = create_query_app(read_db, tokens)
        install_web_app(self.query_app)

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
        """Route reads to the query side and writes to the command side."""
        app = self.query_app if environ["REQUEST_METHOD"] in ("GET", "HEAD") else self.command_app
        return app(environ, start_response)

    def start(self) -> None:
        self.delivery.start(self.stop)

    def close(self) -> None:
        self.stop.set()
        self.delivery.join()
        self.stores.close()
        close_shared_pools()
