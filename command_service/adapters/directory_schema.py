"""The directory's tables and their migrations."""

from __future__ import annotations

from shared.sql import Database, apply_schema

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS firms (
        firm_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS attorneys (
        attorney_id TEXT PRIMARY KEY,
        firm_id TEXT NOT NULL REFERENCES firms(firm_id),
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL)""",
]

# v3: an email is unique within a firm, not across firms, and each attorney has a token epoch.
_PER_FIRM_ATTORNEYS = [
    """CREATE TABLE attorneys_v3 (
        attorney_id TEXT PRIMARY KEY,
        firm_id TEXT NOT NULL REFERENCES firms(firm_id),
        email TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        token_epoch INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (firm_id, email))""",
    """INSERT INTO attorneys_v3 (attorney_id, firm_id, email, password_hash, role, active,
        created_at) SELECT attorney_id, firm_id, email, password_hash, role, active, created_at
        FROM attorneys""",
    "DROP TABLE attorneys",
    "ALTER TABLE attorneys_v3 RENAME TO attorneys",
    "CREATE INDEX IF NOT EXISTS attorneys_by_email ON attorneys (email)",
]

# Only a digest of each link's token is kept: the database never holds a usable link.
PASSWORD_LINKS = [
    """CREATE TABLE IF NOT EXISTS password_links (
        token_digest TEXT PRIMARY KEY,
        attorney_id TEXT NOT NULL,
        firm_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at TEXT,
        created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS password_links_by_attorney ON password_links (attorney_id)",
]


# An attorney who forgot their password asks; their firm's admins see it and send a link.
RESET_REQUESTS = [
    """CREATE TABLE IF NOT EXISTS password_reset_requests (
        attorney_id TEXT PRIMARY KEY,
        firm_id TEXT NOT NULL,
        requested_at TEXT NOT NULL)""",
]


def migrate(db: Database) -> None:
    apply_schema(db, SCHEMA)


def attorneys_per_firm(db: Database) -> None:
    """Make emails unique per firm and give every attorney a token epoch (directory v3)."""
    apply_schema(db, _PER_FIRM_ATTORNEYS)


def password_links(db: Database) -> None:
    apply_schema(db, PASSWORD_LINKS)


def reset_requests(db: Database) -> None:
    apply_schema(db, RESET_REQUESTS)
