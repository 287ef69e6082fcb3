"""What the engine remembers per firm: case outcomes, stored analyses and concluded checks.

A FirmEngineMemory is bound to one firm at construction and every statement filters on it,
so one firm's outcomes or analyses can never shape another firm's results.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from shared.sql import Database, Transaction

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS engine_case_outcomes (
        firm_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        client_version INTEGER NOT NULL,
        visa_type TEXT NOT NULL,
        outcome TEXT NOT NULL,
        filed_date TEXT NOT NULL,
        decision_date TEXT NOT NULL,
        PRIMARY KEY (firm_id, client_id, client_version))""",
    """CREATE TABLE IF NOT EXISTS engine_analyses (
        firm_id TEXT NOT NULL,
        analysis_key TEXT NOT NULL,
        analysis TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (firm_id, analysis_key))""",
    """CREATE TABLE IF NOT EXISTS engine_concluded_checks (
        firm_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        profile_version INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        concluded_at TEXT NOT NULL,
        PRIMARY KEY (firm_id, check_id))""",
]


def migrate_engine_memory(db: Database) -> None:
    with db.transaction() as tx:
        for statement in SCHEMA:
            tx.execute(statement)


class FirmEngineMemory:
    def __init__(self, db: Database, firm_id: str):
        self._db = db
        self.firm_id = firm_id

    def record_outcome(self, client_id: str, client_version: int, outcome: dict) -> None:
        """Remember one case outcome; a redelivered event changes nothing."""
        with self._db.transaction() as tx:
            if self._has_outcome(tx, client_id, client_version):
                return
            tx.execute("INSERT INTO engine_case_outcomes (firm_id, client_id, client_version,"
                       " visa_type, outcome, filed_date, decision_date)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (self.firm_id, client_id, client_version, outcome["visa_type"],
                        outcome["outcome"], outcome["filed_date"], outcome["decision_date"]))

    def outcome_counts(self) -> dict[str, dict[str, int]]:
        """Outcomes by visa type and result, for this firm only."""
        with self._db.transaction() as tx:
            rows = tx.fetch_all("SELECT visa_type, outcome, COUNT(*) AS n FROM engine_case_outcomes"
                                " WHERE firm_id = ? GROUP BY visa_type, outcome", (self.firm_id,))
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            counts.setdefault(row["visa_type"], {})[row["outcome"]] = int(row["n"])
        return counts

    def stored_analysis(self, key: str) -> dict | None:
        with self._db.transaction() as tx:
            row = tx.fetch_one("SELECT analysis FROM engine_analyses WHERE firm_id = ? AND"
                               " analysis_key = ?", (self.firm_id, key))
        return json.loads(row["analysis"]) if row else None

    def store_analysis(self, key: str, analysis: dict) -> None:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM engine_analyses WHERE firm_id = ? AND analysis_key = ?",
                       (self.firm_id, key))
            tx.execute("INSERT INTO engine_analyses (firm_id, analysis_key, analysis, created_at)"
                       " VALUES (?, ?, ?, ?)", (self.firm_id, key, json.dumps(analysis), _now()))

    def previous_check(self, client_id: str, check_id: str) -> dict | None:
        """The latest concluded check of a client other than this one."""
        with self._db.transaction() as tx:
            row = tx.fetch_one("SELECT check_id, snapshot FROM engine_concluded_checks"
                               " WHERE firm_id = ? AND client_id = ? AND check_id <> ?"
                               " ORDER BY concluded_at DESC LIMIT 1",
                               (self.firm_id, client_id, check_id))
        return {"check_id": row["check_id"], **json.loads(row["snapshot"])} if row else None

    def forget_client(self, client_id: str) -> None:
        """Drop what quotes an erased client (its profile snapshots and analyses); its case
        outcomes hold no words of the client and keep counting."""
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM engine_concluded_checks WHERE firm_id = ? AND client_id = ?",
                       (self.firm_id, client_id))
            tx.execute("DELETE FROM engine_analyses WHERE firm_id = ? AND analysis_key LIKE ?",
                       (self.firm_id, f"{client_id}:%"))
        self._db.truncate_wal()

    def remember_check(self, check_id: str, client_id: str, profile_version: int,
                       snapshot: dict) -> None:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM engine_concluded_checks WHERE firm_id = ? AND check_id = ?",
                       (self.firm_id, check_id))
            tx.execute("INSERT INTO engine_concluded_checks (firm_id, check_id, client_id,"
                       " profile_version, snapshot, concluded_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (self.firm_id, check_id, client_id, profile_version, json.dumps(snapshot),
                        _now()))

    def _has_outcome(self, tx: Transaction, client_id: str, client_version: int) -> bool:
        return tx.fetch_one("SELECT 1 AS x FROM engine_case_outcomes WHERE firm_id = ? AND"
                            " client_id = ? AND client_version = ?",
                            (self.firm_id, client_id, client_version)) is not None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class ForgetfulMemory:
    """No memory: no firm history, stored analyses or previous checks."""

    def record_outcome(self, client_id: str, client_version: int, outcome: dict) -> None:
        return None

    def outcome_counts(self) -> dict:
        return {}

    def stored_analysis(self, key: str) -> None:
        return None

    def store_analysis(self, key: str, analysis: dict) -> None:
        return None

    def previous_check(self, client_id: str, check_id: str) -> None:
        return None

    def forget_client(self, client_id: str) -> None:
        return None

    def remember_check(self, check_id: str, client_id: str, profile_version: int,
                       snapshot: dict) -> None:
        return None
