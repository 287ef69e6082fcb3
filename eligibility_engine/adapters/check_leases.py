"""Which checks an engine has started and not yet concluded, so a stuck one can be found.

A lease is taken when a check starts and released when it concludes. The engine running
the check renews it every few seconds. A lease that is no longer renewed belongs to an
engine that died (SIGKILL, lost machine); one renewed but older than the stuck-check
limit belongs to a worker that hung.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.sql import Database

SCHEMA = """CREATE TABLE IF NOT EXISTS {table} (
    firm_id TEXT NOT NULL,
    check_id TEXT NOT NULL,
    correlation_id TEXT,
    attempts INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    renewed_at TEXT,
    PRIMARY KEY (firm_id, check_id))"""


class CheckLeases:
    """Record started checks (or analyses, in a table of their own) in the engine's database."""

    def __init__(self, db: Database, table: str = "check_leases"):
        self._db = db
        self.table = table

    def migrate(self) -> None:
        with self._db.transaction() as tx:
            tx.execute(SCHEMA.format(table=self.table))
            _add_renewals(tx, self.table)

    def take_if_free(self, firm_id: str, check_id: str, correlation_id: str | None) -> bool:
        """Take the lease unless someone holds it; True when this caller now owns the work."""
        now = _now().isoformat()
        with self._db.transaction() as tx:
            return tx.execute(
                f"INSERT INTO {self.table} (firm_id, check_id, correlation_id, attempts,"
                " started_at, renewed_at) VALUES (?, ?, ?, 1, ?, ?)"
                " ON CONFLICT (firm_id, check_id) DO NOTHING",
                (firm_id, check_id, correlation_id, now, now)) == 1

    def take(self, firm_id: str, check_id: str, correlation_id: str | None) -> None:
        """Note a start; a redelivery counts another attempt but keeps the first start time."""
        now = _now().isoformat()
        with self._db.transaction() as tx:
            tx.execute(
                f"INSERT INTO {self.table} (firm_id, check_id, correlation_id, attempts,"
                " started_at, renewed_at) VALUES (?, ?, ?, 1, ?, ?)"
                " ON CONFLICT (firm_id, check_id) DO UPDATE SET"
                f" attempts = {self.table}.attempts + 1, renewed_at = excluded.renewed_at",
                (firm_id, check_id, correlation_id, now, now))

    def renew(self, checks: list[tuple[str, str]]) -> None:
        """Show that the engine running these (firm_id, check_id) checks is alive."""
        if not checks:
            return
        now = _now().isoformat()
        with self._db.transaction() as tx:
            for firm_id, check_id in checks:
                tx.execute(f"UPDATE {self.table} SET renewed_at = ?"
                           " WHERE firm_id = ? AND check_id = ?", (now, firm_id, check_id))

    def release(self, firm_id: str, check_id: str) -> None:
        with self._db.transaction() as tx:
            tx.execute(f"DELETE FROM {self.table} WHERE firm_id = ? AND check_id = ?",
                       (firm_id, check_id))

    def held(self) -> int:
        with self._db.transaction() as tx:
            return int(tx.fetch_one(f"SELECT COUNT(*) AS n FROM {self.table}")["n"])

    def overdue(self, stuck_seconds: float, abandoned_seconds: float) -> list[dict]:
        """Return the leases of stuck checks and of dead engines, oldest first."""
        now = _now()
        stuck_cutoff = (now - timedelta(seconds=stuck_seconds)).isoformat()
        abandoned_cutoff = (now - timedelta(seconds=abandoned_seconds)).isoformat()
        with self._db.transaction() as tx:
            rows = tx.fetch_all(
                "SELECT firm_id, check_id, correlation_id, attempts, started_at, renewed_at"
                f" FROM {self.table} WHERE started_at < ? OR renewed_at < ?"
                " ORDER BY started_at", (stuck_cutoff, abandoned_cutoff))
        for row in rows:
            row["stuck"] = row["started_at"] < stuck_cutoff
        return rows

    def claim(self, lease: dict) -> bool:
        """Take over an overdue lease; only one of several sweeping engines succeeds."""
        now = _now().isoformat()
        with self._db.transaction() as tx:
            return tx.execute(
                f"UPDATE {self.table} SET started_at = ?, renewed_at = ?"
                " WHERE firm_id = ? AND check_id = ? AND started_at = ? AND renewed_at = ?",
                (now, now, lease["firm_id"], lease["check_id"], lease["started_at"],
                 lease["renewed_at"])) == 1


def _add_renewals(tx, table: str) -> None:
    # Leases written before renewals existed count as renewed when they started.
    if tx.dialect == "postgresql":
        tx.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS renewed_at TEXT")
    elif not any(column["name"] == "renewed_at"
                 for column in tx.fetch_all(f"PRAGMA table_info({table})")):
        tx.execute(f"ALTER TABLE {table} ADD COLUMN renewed_at TEXT")
    tx.execute(f"UPDATE {table} SET renewed_at = started_at WHERE renewed_at IS NULL")


def _now() -> datetime:
    return datetime.now(UTC)
