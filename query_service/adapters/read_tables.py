"""The read tables the projections write and the query API reads."""

from __future__ import annotations

from shared.positions import SCHEMA as POSITIONS_SCHEMA
from shared.sql import Database

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS clients (
        firm_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        email TEXT,
        search_text TEXT NOT NULL,
        profile TEXT NOT NULL,
        created_by TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        latest_check_id TEXT,
        PRIMARY KEY (firm_id, client_id))""",
    "CREATE INDEX IF NOT EXISTS clients_newest ON clients (firm_id, created_at DESC, client_id DESC)",
    """CREATE TABLE IF NOT EXISTS checks (
        firm_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        status TEXT NOT NULL,
        profile_version INTEGER NOT NULL,
        analysis_mode TEXT,
        result TEXT,
        error_message TEXT,
        retry_allowed INTEGER,
        requested_by TEXT,
        requested_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (firm_id, check_id))""",
    "CREATE INDEX IF NOT EXISTS checks_by_client ON checks (firm_id, client_id, requested_at DESC)",
    """CREATE TABLE IF NOT EXISTS recommendations (
        firm_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        visa_type TEXT NOT NULL,
        rank INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        eligibility_score INTEGER NOT NULL,
        success_probability REAL NOT NULL,
        PRIMARY KEY (firm_id, check_id, visa_type))""",
    "CREATE INDEX IF NOT EXISTS recommendations_by_type ON recommendations "
    "(firm_id, visa_type, eligibility_score)",
    """CREATE TABLE IF NOT EXISTS attorney_assessments (
        firm_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        check_version INTEGER NOT NULL,
        visa_type TEXT NOT NULL,
        criterion TEXT NOT NULL,
        met INTEGER NOT NULL,
        note TEXT NOT NULL,
        attorney_id TEXT,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (firm_id, check_id, check_version))""",
    POSITIONS_SCHEMA,
]


def migrate_read_tables(db: Database) -> None:
    """Create the read tables if they do not exist (safe to run twice)."""
    with db.transaction() as tx:
        for statement in SCHEMA:
            tx.execute(statement)
