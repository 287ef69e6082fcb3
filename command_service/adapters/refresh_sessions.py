"""Browser sign-in sessions: the refresh token behind the httpOnly cookie, kept as a hash.

One session per sign-in. It mints short-lived access tokens for every tab of the browser
until it expires or the attorney signs out; signing out ends it and revokes every access
token it minted, so no tab stays signed in.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.sql import Database, apply_schema

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS refresh_sessions (
        session_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        attorney_id TEXT NOT NULL,
        firm_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        ended_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS refresh_sessions_by_expiry ON refresh_sessions (expires_at)",
    """CREATE TABLE IF NOT EXISTS refresh_session_tokens (
        session_id TEXT NOT NULL,
        jti TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (session_id, jti))""",
]


@dataclass(frozen=True)
class RefreshSession:
    session_id: str
    attorney_id: str
    firm_id: str
    epoch: int


@dataclass(frozen=True)
class MintedToken:
    jti: str
    attorney_id: str
    firm_id: str
    expires_at: int


class RefreshSessions:
    def __init__(self, db: Database, ttl_seconds: int = 43200):
        self._db = db
        self.ttl_seconds = ttl_seconds

    def migrate(self) -> None:
        apply_schema(self._db, SCHEMA)

    def start(self, attorney_id: str, firm_id: str, epoch: int) -> tuple[str, RefreshSession]:
        """Open a session; return the refresh token (only its hash is kept) and the session."""
        token = secrets.token_urlsafe(32)
        session = RefreshSession(str(uuid.uuid4()), attorney_id, firm_id, epoch)
        now = int(time.time())
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM refresh_session_tokens WHERE expires_at < ?", (now,))
            tx.execute("DELETE FROM refresh_sessions WHERE expires_at < ?", (now,))
            tx.execute("INSERT INTO refresh_sessions (session_id, token_hash, attorney_id, firm_id,"
                       " epoch, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (session.session_id, _hash(token), attorney_id, firm_id, epoch,
                        datetime.now(UTC).isoformat(), now + self.ttl_seconds))
        return token, session

    def find(self, token: str) -> RefreshSession | None:
        """The live session behind a refresh token, or None (unknown, ended or expired)."""
        with self._db.transaction() as tx:
            row = tx.fetch_one("SELECT session_id, attorney_id, firm_id, epoch FROM refresh_sessions"
                               " WHERE token_hash = ? AND ended_at IS NULL AND expires_at > ?",
                               (_hash(token), int(time.time())))
        return RefreshSession(row["session_id"], row["attorney_id"], row["firm_id"],
                              int(row["epoch"])) if row else None

    def minted(self, session_id: str, jti: str, expires_at: int) -> None:
        """Remember an access token the session gave out, to revoke it when the session ends."""
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO refresh_session_tokens (session_id, jti, expires_at)"
                       " VALUES (?, ?, ?) ON CONFLICT (session_id, jti) DO NOTHING",
                       (session_id, jti, expires_at))

    def end(self, token: str) -> list[MintedToken]:
        """End the session behind a refresh token; return the unexpired tokens it minted."""
        with self._db.transaction() as tx:
            row = tx.fetch_one("SELECT session_id, attorney_id, firm_id FROM refresh_sessions"
                               " WHERE token_hash = ?", (_hash(token),))
            if row is None:
                return []
            tx.execute("UPDATE refresh_sessions SET ended_at = ? WHERE session_id = ?"
                       " AND ended_at IS NULL", (datetime.now(UTC).isoformat(), row["session_id"]))
            tokens = tx.fetch_all("SELECT jti, expires_at FROM refresh_session_tokens"
                                  " WHERE session_id = ? AND expires_at >= ?",
                                  (row["session_id"], int(time.time())))
        return [MintedToken(t["jti"], row["attorney_id"], row["firm_id"], int(t["expires_at"]))
                for t in tokens]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
