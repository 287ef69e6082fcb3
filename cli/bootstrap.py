"""The composition root: every process of the product is assembled here, from settings."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from werkzeug.exceptions import HTTPException, MethodNotAllowed

from command_service.adapters.directory import Directory
from command_service.adapters.event_store import FirmStores, close_shared_pools
from command_service.adapters.local_delivery import LocalDelivery
from command_service.adapters.outbox_relay import OutboxRelay
from command_service.entrypoints import contract as command_contract
from command_service.entrypoints.app import create_app as create_command_app
from eligibility_engine.adapters.anthropic_analyst import AnthropicAnalyst
from eligibility_engine.adapters.catalogue_publications import CataloguePublications
from command_service.retention import RetentionPolicy
from eligibility_engine.adapters.check_leases import CheckLeases
from eligibility_engine.adapters.engine_memory import migrate_engine_memory
from eligibility_engine.adapters.llm_settings import llm_settings
from eligibility_engine.check_handler import CheckHandler
from eligibility_engine.llm_step import LLMStep
from eligibility_engine.stuck_checks import StuckCheckSweeper
from query_service.adapters.profile_history import ProfileHistory
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
from shared.migrations import Migration
from shared.openapi import merge_documents
from shared.positions import PositionTable
from shared.privacy import ClientKeyring
from shared.readiness import BrokerProbe, Readiness, database_probe
from shared.sql import Database, database_for
from shared.web_ops import install_operations
from webapp.cors import allow_web_origins
from webapp.views import install_web_app

DEMO_CLIENTS = 40


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
    app = create_command_app(stores, directory(settings), gatekeeper(settings),
                             idempotency_store(settings),
                             Quota(settings.check_limit_per_hour, 3600),
                             Quota(settings.login_max_failures, settings.login_lockout_seconds))
    # The command side needs only its database: the outbox keeps accepting
    # requests while Kafka is down, so the broker is not part of its readiness.
    probe_db = database_for(settings, "directory", pool_size=1)
    install_operations(app, "command-service", Readiness({"database": database_probe(probe_db)}))
    if settings.web_origins:
        allow_web_origins(app, settings.web_origins)
    return app


def query_app(settings: Settings, document: dict | None = None):
    db = read_database(settings)
    keys = keyring(settings)
    history = ProfileHistory(FirmStores(settings, keyring=keys))
    app = create_query_app(db, gatekeeper(settings), history, document,
                           publications=catalogue_publications(settings))
    app.extensions["keyring"] = keys
    install_operations(app, "query-service", Readiness({"database": database_probe(db)}))
    install_web_app(app, settings.web_command_url)
    return app


def catalogue_publications(settings: Settings) -> CataloguePublications:
    publications = CataloguePublications(database_for(settings, "directory"))
    publications.migrate()
    return publications


def worker_readiness(settings: Settings, db: Database, group_id: str | None = None
                     ) -> tuple[Readiness, BrokerProbe]:
    """Probe a worker's database, the broker and, for consumers, their consumer group."""
    broker = BrokerProbe(settings.kafka_bootstrap_servers, group_id)
    probes = {"database": database_probe(db), "broker": broker.broker}
    if group_id:
        probes["consumer_group"] = broker.consumer_group
    return Readiness(probes), broker


def outbox_relay_positions(settings: Settings) -> PositionTable:
    positions = PositionTable(database_for(settings, "directory"), "relay")
    positions.migrate()
    return positions


def outbox_relay(settings: Settings, publisher) -> OutboxRelay:
    return OutboxRelay(FirmStores(settings, keyring=keyring(settings)), directory(settings),
                       publisher,
                       outbox_relay_positions(settings))


@dataclass
class Engine:
    """The eligibility engine's parts: the check handler and the stuck-check sweeper."""

    handler: CheckHandler
    sweeper: StuckCheckSweeper
    leases: CheckLeases
    db: Database


def engine(settings: Settings, stores: FirmStores | None = None,
           track_positions: bool = False, llm_env: dict | None = None) -> Engine:
    stores = stores or FirmStores(settings, keyring=keyring(settings))
    llm = llm_settings(llm_env)
    db = database_for(settings, "engine", pool_size=min(16, llm.concurrency))
    leases = CheckLeases(db)
    leases.migrate()
    migrate_engine_memory(db)
    positions = None
    if track_positions:
        positions = PositionTable(db, "engine")
        positions.migrate()
    analyst = AnthropicAnalyst(llm) if llm.enabled else None
    handler = CheckHandler(stores, positions, leases, memory_db=db, llm=LLMStep(analyst),
                           workers=llm.concurrency, deadline_seconds=llm.deadline_seconds)
    sweeper = StuckCheckSweeper(stores, leases, handler, settings.stuck_check_seconds,
                                settings.check_lease_seconds)
    return Engine(handler, sweeper, leases, db)


def check_handler(settings: Settings, stores: FirmStores | None = None,
                  track_positions: bool = False) -> CheckHandler:
    return engine(settings, stores, track_positions).handler


def prepare_event_stores(settings: Settings) -> int:
    """Create every known firm's event store (schema and tables); return how many firms."""
    stores = FirmStores(settings)
    firm_ids = directory(settings).firm_ids()
    for firm_id in firm_ids:
        stores.for_firm(firm_id)
    stores.close()
    close_shared_pools()
    return len(firm_ids)


def migrations(settings: Settings) -> list[tuple[Database, list[Migration]]]:
    """Every component's schema migrations, with the database each one changes."""
    directory_db = database_for(settings, "directory")
    read_db = database_for(settings, "read_model")
    engine_db = database_for(settings, "engine")
    return [
        (directory_db, [
            Migration("directory", 1, "firms and attorneys", lambda db: Directory(db).migrate()),
            Migration("outbox", 1, "relay positions",
                      lambda db: PositionTable(db, "relay").migrate()),
            Migration("catalogue", 1, "catalogue publications",
                      lambda db: CataloguePublications(db).migrate()),
            Migration("access", 1, "revoked tokens, rate counters, idempotency records",
                      lambda db: _migrate_access(db, settings)),
        ]),
        (database_for(settings, "keys"), [
            Migration("keys", 1, "clients' wrapped data keys",
                      lambda db: ClientKeyring(db, settings.master_key).migrate()),
        ]),
        (read_db, [Migration("read_model", 1, "clients, checks, recommendations, positions",
                             migrate_read_tables),
                   Migration("read_model", 2, "query side: search, dashboard, audit log, "
                             "projector positions, row-level security", migrate_read_tables)]),
        (engine_db, [
            Migration("engine", 1, "engine positions", lambda db: PositionTable(db, "engine").migrate()),
            Migration("engine", 2, "check leases for stuck-check detection",
                      lambda db: CheckLeases(db).migrate()),
            Migration("engine", 3, "engine memory: case outcomes, stored analyses, checks",
                      migrate_engine_memory),
        ]),
    ]


def _migrate_access(db: Database, settings: Settings) -> None:
    AccessRegistry(db).migrate()
    RateCounters(db).migrate()
    IdempotencyStore(db, settings.master_key).migrate()


def projector(settings: Settings) -> Projector:
    return Projector(read_database(settings), keyring=keyring(settings))


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(FirmStores(settings, keyring=keyring(settings)),
                           read_database(settings),
                           timedelta(days=settings.retention_inactive_days),
                           timedelta(days=settings.retention_grace_days))


def _embedded_command_app(settings: Settings, stores: FirmStores, directory_: Directory):
    return create_command_app(stores, directory_, gatekeeper(settings), idempotency_store(settings),
                              Quota(settings.check_limit_per_hour, 3600),
                              Quota(settings.login_max_failures, settings.login_lockout_seconds))


@dataclass
class EmbeddedProduct:
    """The whole product in one process: both APIs, the engine and the projector."""

    settings: Settings
    stop: threading.Event = field(default_factory=threading.Event)
    llm_env: dict | None = None

    def __post_init__(self):
        self.directory = directory(self.settings)
        read_db = read_database(self.settings)
        keys = keyring(self.settings)
        self.stores = FirmStores(self.settings, on_saved=self._stored, keyring=keys)
        self.engine = engine(self.settings, self.stores, True, self.llm_env)
        consumers = [Projector(read_db, keyring=keys), self.engine.handler]
        self.delivery = LocalDelivery(self.stores, self.directory, consumers)
        self.command_app = _embedded_command_app(self.settings, self.stores, self.directory)
        self.query_app = create_query_app(
            read_db, gatekeeper(self.settings), ProfileHistory(self.stores), merge_documents(
                "Visa eligibility API", command_contract.document(), query_contract.document()),
            publications=catalogue_publications(self.settings))
        self.query_app.extensions["keyring"] = keys
        readiness = Readiness({"database": database_probe(read_db)})
        install_operations(self.command_app, "embedded", readiness)
        install_operations(self.query_app, "embedded", readiness)
        install_web_app(self.query_app)

    def welcome_first_run(self) -> str | None:
        """On an empty data directory, create a demo firm and admin; return how to sign in."""
        if self.directory.firm_ids():
            return None
        firm = self.directory.create_firm("Demo Immigration LLP")
        password = secrets.token_urlsafe(12)
        admin = self.directory.create_attorney(firm["id"], "admin@demo.example", password, "admin")
        self._seed_demo_clients(firm, admin)
        note = (f"First run: created firm {firm['name']!r} ({firm['id']}) "
                f"with {DEMO_CLIENTS} demo clients.\n"
                f"Sign in as {admin['email']} with password {password}\n")
        credentials = self.settings.data_dir / "demo-credentials.txt"
        credentials.write_text(note)
        credentials.chmod(0o600)
        return note

    def _seed_demo_clients(self, firm: dict, admin: dict) -> None:
        from demo.profiles import ProfileGenerator
        from demo.seed import SeededFirm, Seeder

        seeder = Seeder(self.stores, self.directory, ProfileGenerator(seed=2026))
        seeder.fill(SeededFirm(firm["id"], firm["name"], admin["email"]), DEMO_CLIENTS,
                    actor_id=admin["id"])

    def _stored(self, firm_id: str) -> None:
        self.delivery.wake(firm_id)

    def wsgi(self, environ, start_response):
        """Route each request to the side that serves its path and method (reads: query)."""
        return self._side_for(environ)(environ, start_response)

    def _side_for(self, environ):
        # A path one side knows under another method goes there, so it answers 405.
        path, method = environ.get("PATH_INFO") or "/", environ["REQUEST_METHOD"]
        knows_path = None
        for app in (self.query_app, self.command_app):
            try:
                app.url_map.bind("").match(path, method)
                return app
            except MethodNotAllowed:
                knows_path = knows_path or app
            except HTTPException:
                pass
        return knows_path or self.command_app

    def start(self) -> None:
        self.delivery.start(self.stop)
        self._sweeper = threading.Thread(target=self.engine.sweeper.run, args=(self.stop,),
                                         name="stuck-checks", daemon=True)
        self._sweeper.start()

    def close(self) -> None:
        self.stop.set()
        self.delivery.join()
        self._sweeper.join(10)
        self.engine.handler.close()
        self.stores.close()
        close_shared_pools()
