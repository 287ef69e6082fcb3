"""The query side's composition: read tables, the projector and migrations.

The projector's process is composed here; the query API adds its web layer and the web app
in `api_bootstrap.py`, so the projector's image carries neither.
"""

from __future__ import annotations

from event_store import ClientKeyring, EmailIndex, open_keyring
from query_service.adapters.email_lookup import add_email_digests
from query_service.adapters.read_tables import (
    bound_search_pending_list,
    migrate_quarantine,
    migrate_read_tables,
)
from query_service.projections import Projector
from shared.config import Settings
from shared.limits import RateCounters
from shared.migrations import Migration
from shared.sql import Database, database_for

# The query side counts its own requests per firm, in its own table.
RATE_COUNTERS = "query_rate_counters"


def read_database(settings: Settings, pool_size: int = 4) -> Database:
    return database_for(settings, "read_model", pool_size=pool_size)


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
        Migration("read_model", 4, "email lookup through a keyed blind index; search words"
                  " without addresses", lambda db: add_email_digests(
                      db, EmailIndex(settings.master_key))),
        Migration("read_model", 5, "dead letters: events the projector could not apply",
                  migrate_quarantine),
        Migration("read_model", 6, "search words index with a short pending list",
                  bound_search_pending_list),
    ])]
