"""Versioned schema migrations with a ledger, so `visa migrate` is safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.sql import Database

LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (component, version))"""


@dataclass(frozen=True)
class Migration:
    """One schema change of one component; its statements must be idempotent."""

    component: str
    version: int
    description: str
    apply: Callable[[Database], None]


def applied_versions(db: Database, component: str) -> set[int]:
    with db.transaction() as tx:
        tx.execute(LEDGER)
        rows = tx.fetch_all("SELECT version FROM schema_migrations WHERE component = ?",
                            (component,))
    return {int(r["version"]) for r in rows}


def apply_migrations(db: Database, migrations: list[Migration]) -> list[Migration]:
    """Apply the migrations the ledger has not recorded, in order; return those applied."""
    applied = []
    for migration in sorted(migrations, key=lambda m: (m.component, m.version)):
        if migration.version in applied_versions(db, migration.component):
            continue
        migration.apply(db)
        with db.transaction() as tx:
            tx.execute(
                "INSERT INTO schema_migrations (component, version, description, applied_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (component, version) DO NOTHING",
                (migration.component, migration.version, migration.description,
                 datetime.now(UTC).isoformat()))
        applied.append(migration)
    return applied
