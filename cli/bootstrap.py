"""The `visa` command's composition: each service's root, and the embedded product built from them.

Each service composes itself (`command_service/bootstrap.py`, `query_service/bootstrap.py`,
`eligibility_engine/bootstrap.py`); this module only adds what spans them: migrations for a
whole deployment and the embedded default, which runs the same roots in one process with
in-process delivery instead of Kafka.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug.exceptions import HTTPException, MethodNotAllowed

from catalogue.publications import catalogue_migrations, catalogue_publications
from command_service import api_bootstrap as command_api, bootstrap as command_root
from command_service.adapters.local_delivery import LocalDelivery
from command_service.entrypoints import contract as command_contract
from eligibility_engine import bootstrap as engine_root
from event_store import FirmStores, close_shared_pools, kernel_migrations, open_keyring
from query_service import api_bootstrap as query_api, bootstrap as query_root
from query_service.entrypoints import contract as query_contract
from shared.config import Settings
from shared.migrations import Migration, apply_migrations
from shared.openapi import merge_documents
from shared.sql import Database

DEMO_CLIENTS = 40

# The names the `visa` command and the tests use for each service's parts.
keyring = open_keyring
directory = command_root.directory
command_app = command_api.command_app
outbox_relay = command_root.outbox_relay
outbox_relay_positions = command_root.outbox_relay_positions
retention_policy = command_root.retention_policy
read_database = query_root.read_database
query_app = query_api.query_app
projector = query_root.projector
engine = engine_root.engine
Engine = engine_root.Engine


def migrations(settings: Settings) -> list[tuple[Database, list[Migration]]]:
    """Every component's schema migrations, with the database each one changes."""
    return [*kernel_migrations(settings), *catalogue_migrations(settings),
            *command_root.migrations(settings), *query_root.migrations(settings),
            *engine_root.migrations(settings)]


def migrate(settings: Settings) -> list[Migration]:
    """Apply every pending migration once; return those applied."""
    applied = []
    for db, pending in migrations(settings):
        applied += apply_migrations(db, pending)
        db.close()
    return applied


def prepare_event_stores(settings: Settings) -> int:
    """Create every known firm's event store (schema and tables) and key a chain written
    before links were keyed; return how many firms."""
    stores = FirmStores(settings)
    firm_ids = directory(settings, stores).firm_ids()
    for firm_id in firm_ids:
        stores.for_firm(firm_id).adopt_keyed_chain()
    stores.close()
    close_shared_pools()
    return len(firm_ids)


@dataclass
class EmbeddedProduct:
    """The whole product in one process: both APIs, the engine and the projector."""

    settings: Settings
    stop: threading.Event = field(default_factory=threading.Event)
    llm_env: dict | None = None

    def __post_init__(self):
        migrate(self.settings)
        keys = open_keyring(self.settings)
        self.stores = command_root.case_files(self.settings, self._stored, keys)
        self.directory = directory(self.settings, self.stores)
        self.engine = engine(self.settings, self.stores, True, self.llm_env)
        consumers = [query_root.projector(self.settings, keys), self.engine.handler]
        self.delivery = LocalDelivery(self.stores, self.directory.firm_ids, consumers)
        self.command_app = command_app(self.settings, self.stores)
        self.query_app = query_app(self.settings, merge_documents(
            "Visa eligibility API", command_contract.document(), query_contract.document()),
            self.stores, keys)

    def is_first_run(self) -> bool:
        return not self.directory.firm_ids()

    def welcome_first_run(self, progress: Callable[[int], None] | None = None) -> str | None:
        """On an empty data directory, create a demo firm and admin; return how to sign in.

        progress hears how many of the DEMO_CLIENTS demo clients are done.
        """
        if not self.is_first_run():
            return None
        firm = self.directory.create_firm("Demo Immigration LLP")
        password = secrets.token_urlsafe(12)
        admin = self.directory.create_attorney(firm["id"], "admin@demo.example", password, "admin")
        self._seed_demo_clients(firm, admin, progress)
        note = (f"First run: created firm {firm['name']!r} ({firm['id']}) "
                f"with {DEMO_CLIENTS} demo clients.\n"
                f"Sign in as {admin['email']} with password {password}\n")
        credentials = self.settings.data_dir / "demo-credentials.txt"
        credentials.write_text(note)
        credentials.chmod(0o600)
        return note

    def _seed_demo_clients(self, firm: dict, admin: dict, progress) -> None:
        from demo.profiles import ProfileGenerator
        from demo.seed import SeededFirm, Seeder

        seeder = Seeder(self.stores, self.directory, ProfileGenerator(seed=2026))
        seeder.fill(SeededFirm(firm["id"], firm["name"], admin["email"]), DEMO_CLIENTS,
                    actor_id=admin["id"], progress=progress)

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
        self._sweeper = threading.Thread(target=self.engine.run_sweepers, args=(self.stop,),
                                         name="stuck-checks", daemon=True)
        self._sweeper.start()

    def close(self) -> None:
        self.stop.set()
        self.delivery.join()
        self._sweeper.join(10)
        self.engine.handler.close()
        self.stores.close()
        close_shared_pools()


__all__ = ["EmbeddedProduct", "catalogue_publications", "migrate", "migrations",
           "prepare_event_stores"]
