"""The command API's composition root: the command side's parts behind its Flask app."""

from __future__ import annotations

from command_service.bootstrap import case_files, directory, password_links
from command_service.adapters.directory import Directory
from command_service.adapters.refresh_sessions import RefreshSessions
from command_service.entrypoints.app import create_app
from command_service.sign_in import SignIn
from command_service.entrypoints.cors import allow_web_origins
from event_store import FirmStores
from shared.access import AccessRegistry
from shared.auth import token_issuer
from shared.config import Settings
from shared.gatekeeper import Gatekeeper
from shared.idempotency import IdempotencyStore
from shared.limits import Quota, RateCounters
from shared.password_hashing import BoundedHasher
from shared.readiness import Readiness, database_probe
from shared.sql import database_for
from shared.web_ops import install_operations


def gatekeeper(settings: Settings) -> Gatekeeper:
    db = database_for(settings, "directory")
    return Gatekeeper(token_issuer(settings), AccessRegistry(db), RateCounters(db),
                      Quota(settings.firm_requests_per_minute, 60))


def sign_in(settings: Settings, people: Directory) -> SignIn:
    """Sign-in with its throttle (per email and per source address) and bounded hashing."""
    window = settings.login_lockout_seconds
    return SignIn(people, RateCounters(database_for(settings, "directory")),
                  Quota(settings.login_max_failures, window),
                  Quota(settings.login_max_failures_per_address, window),
                  BoundedHasher(settings.password_hash_parallel, settings.password_hash_queue))


def command_app(settings: Settings, stores: FirmStores | None = None):
    """The command API, with its operations endpoints."""
    stores = stores or case_files(settings)
    people = directory(settings, stores)
    db = database_for(settings, "directory")
    app = create_app(stores, people, gatekeeper(settings),
                     IdempotencyStore(db, settings.master_key),
                     Quota(settings.check_limit_per_hour, 3600), sign_in(settings, people),
                     password_links(settings, people),
                     settings.web_origins[0] if settings.web_origins else "")
    # The command side needs only its database: the outbox keeps accepting
    # requests while Kafka is down, so the broker is not part of its readiness.
    probe_db = database_for(settings, "directory", pool_size=1)
    install_operations(app, "command-service", Readiness({"database": database_probe(probe_db)}),
                       settings.metrics_token)
    app.extensions["refresh_sessions"] = RefreshSessions(db, settings.refresh_ttl_seconds)
    app.config["WEB_ORIGINS"] = tuple(o.rstrip("/") for o in settings.web_origins)
    if settings.web_origins:
        allow_web_origins(app, settings.web_origins)
    return app
