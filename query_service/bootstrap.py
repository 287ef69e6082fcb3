"""The query service's composition root: its API and the projector."""

from __future__ import annotations

from catalogue.publications import catalogue_publications
from event_store import ClientKeyring, FirmStores, open_keyring
from query_service.adapters.attorney_access import AttorneyStreams
from query_service.adapters.profile_history import ProfileHistory
from query_service.adapters.read_tables import migrate_quarantine, migrate_read_tables
from query_service.entrypoints.app import create_app
from query_service.projections import Projector
from shared.auth import token_issuer
from shared.config import Settings
from shared.gatekeeper import Gatekeeper
from shared.limits import Quota, RateCounters
from shared.migrations import Migration
from shared.readiness import Readiness, database_probe
from shared.sql import Database, database_for
from shared.web_ops import install_operations
from webapp.views import install_web_app

# The query side counts its own requests per firm, in its own table.
RATE_COUNTERS = "query_rate_counters"


def read_database(settings: Settings, pool_size: int = 4) -> Database:
    return database_for(settings, "read_model", pool_size=pool_size)


def gatekeeper(settings: Settings, read_db: Database, stores: FirmStores) -> Gatekeeper:
    return Gatekeeper(token_issuer(settings), AttorneyStreams(stores),
                      RateCounters(read_db, table=RATE_COUNTERS),
                      Quota(settings.firm_requests_per_minute, 60))


def query_app(settings: Settings, document: dict | None = None,
              stores: FirmStores | None = None, keyring: ClientKeyring | None = None):
    """The query API with its operations endpoints, serving the web app."""
    db = read_database(settings)
    keys = keyring or open_keyring(settings)
    stores = stores or FirmStores(settings, keyring=keys)
    app = create_app(db, gatekeeper(settings, db, stores), ProfileHistory(stores), document,
                     publications=catalogue_publications(settings))
    app.extensions["keyring"] = keys
    install_operations(app, "query-service", Readiness({"database": database_probe(db)}))
    install_web_app(app, settings.web_command_url)
    return app


def projector(settings: Settings, keyring: ClientKeyring | None = None) -> Projector:
    return Projector(read_database(settings), keyring=keyring or open_keyring(settings))


def migrations(settings: Settings) -> list[tuple[Database, list[Migration]]]:
    return [(read_database(settings), [
        Migration("read_model", 1, "clients, checks, recommendations, positions",
                  migrate_read_tables),
        Migration("read_model", 2, "query side: search, dashboard, audit log, "
                  "projector positions, row-level security", migrate_read_tables),
        Migration("read_model", 3, "the query side's own rate counters",
                  lambda db: RateCounters(db, table=RATE_COUNTERS).migrate()),
        Migration("read_model", 4, "dead letters: events the projector could not apply",
                  migrate_quarantine),
    ])]
