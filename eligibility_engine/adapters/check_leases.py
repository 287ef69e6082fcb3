"""Which checks an engine has started and not yet concluded, so a stuck one can be found.

A lease is taken when a check starts and released when it concludes. A lease
that outlives the stuck-check limit belongs to a worker that died or hung.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.sql import Database

SCHEMA = """CREATE TABLE IF NOT EXISTS check_leases (
    firm_id TEXT NOT NULL,
    check_id TEXT NOT NULL,
    correlation_id TEXT,
    attempts INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (firm_id, check_id))"""


class CheckLeases:
    """Record started checks in the engine's database."""

    def __init__(self, db: Database):
        self._db = db

    def migrate(self) -> None:
        with self._db.transaction() as tx:
            tx.execute(SCHEMA)

    def take(self, firm_id: str, check_id: str, correlation_id: str | None) -> None:
        """Note a start; a redelivery counts another attempt but keeps the first start time."""
        with self._db.transaction() as tx:
            tx.execute(
                "INSERT INTO check_leases (firm_id, check_id, correlation_id, attempts,"
                " started_at) VALUES (?, ?, ?, 1, ?) ON CONFLICT (firm_id, check_id)"
                " DO UPDATE SET attempts = check_leases.attempts + 1",
                (firm_id, check_id, correlation_id, _now().isoformat()))

    def release(self, firm_id: str, check_id: str) -> None:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM check_leases WHERE firm_id = ? AND check_id = ?",
                       (firm_id, check_id))

    def held(self) -> int:
        with self._db.transaction() as tx:
            return int(tx.fetch_one("SELECT COUNT(*) AS n FROM check_leases")["n"])

    def overdue(self, limit_seconds: float) -> list[dict]:
        """Return the leases older than the limit, oldest first."""
        cutoff = (_now() - timedelta(seconds=limit_seconds)).isoformat()
        with self._db.transaction() as tx:
            return tx.fetch_all(
                "SELECT firm_id, check_id, correlation_id, attempts, started_at"
                " FROM check_leases WHERE started_at < ? ORDER BY started_at", (cutoff,))

    def claim(self, lease: dict) -> bool:
        """Take over an overdue lease; only one of several sweeping engines succeeds."""
        with self._db.transaction() as tx:
            return tx.execute(
                "UPDATE check_leases SET started_at = ?"
                " WHERE firm_id = ? AND check_id = ? AND started_at = ?",
                (_now().isoformat(), lease["firm_id"], lease["check_id"],
                 lease["started_at"])) == 1


def _now() -> datetime:
    return datetime.now(UTC)
