"""The query API's composition root: read tables, event streams and the web app behind Flask."""

from __future__ import annotations

from catalogue.publications import catalogue_publications
from event_store import ClientKeyring, FirmStores, open_keyring
from query_service.adapters.attorney_access import AttorneyStreams
from query_service.adapters.firm_names import FirmNames
from query_service.adapters.profile_history import ProfileHistory
from query_service.bootstrap import RATE_COUNTERS, read_database
from query_service.entrypoints.app import create_app
from shared.auth import token_issuer
from shared.config import Settings
from shared.gatekeeper import Gatekeeper
from shared.limits import Quota, RateCounters
from shared.readiness import Readiness, database_probe
from shared.sql import Database
from shared.web_ops import install_operations
from webapp.views import install_web_app


def gatekeeper(settings: Settings, read_db: Database, stores: FirmStores) -> Gatekeeper:
    return Gatekeeper(token_issuer(settings), AttorneyStreams(stores, beside_read_tables=settings.uses_postgres),
                      RateCounters(read_db, table=RATE_COUNTERS),
                      Quota(settings.firm_requests_per_minute, 60))


def query_app(settings: Settings, document: dict | None = None,
              stores: FirmStores | None = None, keyring: ClientKeyring | None = None):
    """The query API with its operations endpoints, serving the web app."""
    db = read_database(settings)
    keys = keyring or open_keyring(settings)
    stores = stores or FirmStores(settings, keyring=keys)
    app = create_app(db, gatekeeper(settings, db, stores), ProfileHistory(stores), document,
                     publications=catalogue_publications(settings), firm_names=FirmNames(stores))
    app.extensions["keyring"] = keys
    install_operations(app, "query-service", Readiness({"database": database_probe(db)}),
                       settings.metrics_token)
    install_web_app(app, settings.web_command_url)
    return app
