"""The command API's composition root: the command side's parts behind its Flask app."""

from __future__ import annotations

from command_service.adapters.refresh_sessions import RefreshSessions
from command_service.bootstrap import case_files, directory
from command_service.entrypoints.app import create_app
from command_service.entrypoints.cors import allow_web_origins
from event_store import FirmStores
from shared.access import AccessRegistry
from shared.auth import token_issuer
from shared.config import Settings
from shared.gatekeeper import Gatekeeper
from shared.idempotency import IdempotencyStore
from shared.limits import Quota, RateCounters
from shared.readiness import Readiness, database_probe
from shared.sql import database_for
from shared.web_ops import install_operations


def gatekeeper(settings: Settings) -> Gatekeeper:
    db = database_for(settings, "directory")
    return Gatekeeper(token_issuer(settings), AccessRegistry(db), RateCounters(db),
                      Quota(settings.firm_requests_per_minute, 60))


def command_app(settings: Settings, stores: FirmStores | None = None):
    """The command API, with its operations endpoints."""
    stores = stores or case_files(settings)
    app = create_app(stores, directory(settings, stores), gatekeeper(settings),
                     IdempotencyStore(database_for(settings, "directory"), settings.master_key),
                     Quota(settings.check_limit_per_hour, 3600),
                     Quota(settings.login_max_failures, settings.login_lockout_seconds))
    # The command side needs only its database: the outbox keeps accepting
    # requests while Kafka is down, so the broker is not part of its readiness.
    probe_db = database_for(settings, "directory", pool_size=1)
    install_operations(app, "command-service", Readiness({"database": database_probe(probe_db)}),
                       settings.metrics_token)
    app.extensions["refresh_sessions"] = RefreshSessions(database_for(settings, "directory"),
                                                         settings.refresh_ttl_seconds)
    app.config["WEB_ORIGINS"] = tuple(o.rstrip("/") for o in settings.web_origins)
    if settings.web_origins:
        allow_web_origins(app, settings.web_origins)
    return app
