"""The command side's composition: stores, directory, outbox relay, retention and migrations.

The outbox relay's process is composed here; the command API adds its web layer in
`api_bootstrap.py`, so the relay's image carries no Flask app, catalogue or web app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from command_service.adapters import directory_schema
from command_service.adapters.case_files import firm_case_files
from command_service.adapters.directory import Directory
from command_service.adapters.directory_events import DirectoryEvents
from command_service.adapters.password_links import PasswordLinks
from command_service.adapters.outbox_relay import OutboxRelay
from command_service.retention import RetentionPolicy
from command_service.adapters.refresh_sessions import RefreshSessions
from event_store import ClientKeyring, FirmStores, open_keyring
from shared.access import AccessRegistry
from shared.config import Settings
from shared.idempotency import IdempotencyStore
from shared.limits import RateCounters
from shared.migrations import Migration
from shared.positions import PositionTable
from shared.sql import Database, database_for

RELAY_POSITIONS = "relay_positions"


def case_files(settings: Settings, on_saved: Callable[[str], None] | None = None,
               keyring: ClientKeyring | None = None) -> FirmStores:
    return firm_case_files(settings, on_saved, keyring or open_keyring(settings))


def directory(settings: Settings, stores: FirmStores | None = None) -> Directory:
    """Firms and attorneys; every change is also recorded as an event in the firm's store."""
    return Directory(database_for(settings, "directory"),
                     DirectoryEvents(stores or FirmStores(settings)))


def password_links(settings: Settings, people: Directory) -> PasswordLinks:
    return PasswordLinks(database_for(settings, "directory"), people)


def outbox_relay_positions(settings: Settings) -> PositionTable:
    return PositionTable(database_for(settings, "directory"), "relay", RELAY_POSITIONS)


def outbox_relay(settings: Settings, publisher) -> OutboxRelay:
    return OutboxRelay(FirmStores(settings), directory(settings), publisher,
                       outbox_relay_positions(settings))


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(case_files(settings), directory(settings).firm_ids,
                           timedelta(days=settings.retention_inactive_days),
                           timedelta(days=settings.retention_grace_days))


def migrations(settings: Settings) -> list[tuple[Database, list[Migration]]]:
    """The command service's tables, all in its own database."""
    return [(database_for(settings, "directory"), [
        Migration("directory", 1, "firms and attorneys", lambda db: Directory(db).migrate()),
        Migration("directory", 2, "directory events for firms and attorneys recorded before them",
                  lambda db: directory(settings).record_history()),
        Migration("directory", 3, "attorney emails unique per firm; token epochs",
                  lambda db: _attorneys_per_firm(db, settings)),
        Migration("directory", 4, "one-time password links (digests only)",
                  directory_schema.password_links),
        Migration("directory", 5, "password reset requests for the firm's admins",
                  directory_schema.reset_requests),
        Migration("outbox", 1, "relay positions",
                  lambda db: PositionTable(db, "relay").migrate()),
        Migration("outbox", 2, "relay positions in the command service's own table",
                  lambda db: _own_positions(PositionTable(db, "relay", RELAY_POSITIONS))),
        Migration("access", 1, "revoked tokens, rate counters, idempotency records",
                  lambda db: _migrate_access(db, settings)),
        Migration("sessions", 1, "browser sign-in sessions (refresh tokens)",
                  lambda db: RefreshSessions(db).migrate()),
    ])]


def _attorneys_per_firm(db: Database, settings: Settings) -> None:
    directory_schema.attorneys_per_firm(db)
    directory(settings).adopt_token_epochs()


def _own_positions(positions: PositionTable) -> None:
    positions.migrate()
    positions.adopt()


def _migrate_access(db: Database, settings: Settings) -> None:
    AccessRegistry(db).migrate()
    RateCounters(db).migrate()
    IdempotencyStore(db, settings.master_key).migrate()
