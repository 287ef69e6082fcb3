"""The record of published catalogue versions (`CatalogueVersionPublished`), oldest first."""

from __future__ import annotations

from datetime import datetime, timezone

from shared.migrations import Migration
from shared.sql import Database, database_for

CATALOGUE_VERSION_PUBLISHED = "CatalogueVersionPublished"
SCHEMA = """CREATE TABLE IF NOT EXISTS catalogue_publications (
    version TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL)"""


class CatalogueVersionConflictError(Exception):
    """The version was already published with different content: bump the version."""


class CataloguePublications:
    def __init__(self, db: Database):
        self._db = db

    def migrate(self) -> None:
        with self._db.transaction() as tx:
            tx.execute(SCHEMA)

    def publish(self, version: str, fingerprint: str, published_by: str) -> dict:
        """Record that a catalogue version is in force; publishing it again changes nothing."""
        with self._db.transaction() as tx:
            row = tx.fetch_one("SELECT * FROM catalogue_publications WHERE version = ?",
                               (version,))
            if row and row["fingerprint"] != fingerprint:
                raise CatalogueVersionConflictError(
                    f"catalogue version {version} was published with different content; "
                    "bump `version` in catalogue.yaml")
            if row is None:
                row = {"version": version, "fingerprint": fingerprint,
                       "published_by": published_by,
                       "published_at": datetime.now(timezone.utc).isoformat()}
                tx.execute("INSERT INTO catalogue_publications (version, fingerprint,"
                           " published_by, published_at) VALUES (?, ?, ?, ?)",
                           (version, fingerprint, published_by, row["published_at"]))
        return {"event_type": CATALOGUE_VERSION_PUBLISHED, **row}

    def current(self) -> dict | None:
        with self._db.transaction() as tx:
            return tx.fetch_one("SELECT * FROM catalogue_publications"
                                " ORDER BY published_at DESC LIMIT 1")


def catalogue_publications(settings) -> CataloguePublications:
    """The publication record, in the catalogue's own database (reference data, not a service's)."""
    return CataloguePublications(database_for(settings, "catalogue"))


def catalogue_migrations(settings) -> list:
    return [(database_for(settings, "catalogue"), [
        Migration("catalogue", 1, "catalogue publications",
                  lambda db: CataloguePublications(db).migrate()),
    ])]
