"""How far each consumer has got in each firm's event stream."""

from __future__ import annotations

from datetime import datetime, timezone

from shared.sql import Database, Transaction

SCHEMA = """CREATE TABLE IF NOT EXISTS consumer_positions (
    consumer TEXT NOT NULL,
    firm_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (consumer, firm_id))"""


class PositionTable:
    """Read and advance one consumer's per-firm positions."""

    def __init__(self, db: Database, consumer: str, table: str = "consumer_positions"):
        self.db = db
        self.consumer = consumer
        self.table = table

    def migrate(self) -> None:
        with self.db.transaction() as tx:
            tx.execute(SCHEMA.replace("consumer_positions", self.table, 1))

    def adopt(self, legacy_table: str = "consumer_positions") -> None:
        """Copy this consumer's positions from the table all consumers once shared."""
        with self.db.transaction() as tx:
            if not _table_exists(tx, legacy_table):
                return
            rows = tx.fetch_all(f"SELECT firm_id, position FROM {legacy_table}"
                                " WHERE consumer = ?", (self.consumer,))
        for row in rows:
            self.advance(row["firm_id"], int(row["position"]))

    def get(self, firm_id: str, tx: Transaction | None = None) -> int:
        if tx is None:
            with self.db.transaction() as own:
                return self.get(firm_id, own)
        row = tx.fetch_one(
            f"SELECT position FROM {self.table} WHERE consumer = ? AND firm_id = ?",
            (self.consumer, firm_id))
        return int(row["position"]) if row else 0

    def all(self) -> dict[str, int]:
        with self.db.transaction() as tx:
            rows = tx.fetch_all(
                f"SELECT firm_id, position FROM {self.table} WHERE consumer = ?",
                (self.consumer,))
        return {r["firm_id"]: int(r["position"]) for r in rows}

    def advance(self, firm_id: str, position: int, tx: Transaction | None = None) -> None:
        if tx is None:
            with self.db.transaction() as own:
                return self.advance(firm_id, position, own)
        tx.execute(
            f"INSERT INTO {self.table} (consumer, firm_id, position, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (consumer, firm_id) DO UPDATE SET"
            " position = excluded.position, updated_at = excluded.updated_at"
            f" WHERE {self.table}.position < excluded.position",
            (self.consumer, firm_id, position, datetime.now(timezone.utc).isoformat()))


def _table_exists(tx: Transaction, name: str) -> bool:
    if tx.dialect == "sqlite":
        return tx.fetch_one("SELECT 1 AS found FROM sqlite_master WHERE name = ?",
                            (name,)) is not None
    row = tx.fetch_one("SELECT to_regclass(?) IS NOT NULL AS found", (name,))
    return bool(row and row["found"])
