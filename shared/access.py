"""Who may act right now: attorney status, current role, token epoch and revoked tokens.

The command service checks these on every request against its own directory, so
deactivating an attorney, changing a role or signing out takes effect at once in every
worker. (The query service learns the same facts from the directory's events.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from shared.auth import Principal
from shared.sql import Database, apply_schema

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS revoked_tokens (
        jti TEXT PRIMARY KEY,
        attorney_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS revoked_tokens_by_expiry ON revoked_tokens (expires_at)",
]


class AccessDeniedError(Exception):
    """The token was valid once but its attorney or the token itself no longer is."""


class AccessConfirmation(Protocol):
    """The port a gatekeeper asks whether a verified token still speaks for its attorney."""

    def probe(self, principal: Principal) -> list[tuple[str, tuple]]:
        """The reads confirm needs, for the gatekeeper's own round trip ([]: confirm reads)."""

    def confirm(self, principal: Principal,
                probed: list[list[dict]] | None = None) -> Principal:
        """Return the principal with the attorney's current role, or raise AccessDeniedError.

        probed: the rows of probe()'s statements, when the gatekeeper ran them.
        """


class AccessRegistry:
    """Confirm a verified token still speaks for an active attorney, and revoke tokens."""

    def __init__(self, db: Database):
        self._db = db

    def migrate(self) -> None:
        apply_schema(self._db, SCHEMA)

    def probe(self, principal: Principal) -> list[tuple[str, tuple]]:
        return [("SELECT a.role, a.active, a.token_epoch, (SELECT COUNT(*) FROM revoked_tokens r"
                 " WHERE r.jti = ?) AS revoked FROM attorneys a"
                 " WHERE a.attorney_id = ? AND a.firm_id = ?",
                 (principal.token_id, principal.attorney_id, principal.firm_id))]

    def confirm(self, principal: Principal,
                probed: list[list[dict]] | None = None) -> Principal:
        """Return the principal with the attorney's current role, or raise AccessDeniedError."""
        rows = (probed or self._db.script(self.probe(principal)))[0]
        row = rows[0] if rows else None
        if row is None or not row["active"]:
            raise AccessDeniedError("the attorney is unknown or deactivated")
        if int(row["token_epoch"]) != principal.epoch:
            raise AccessDeniedError("the token predates the attorney's last change")
        if row["revoked"]:
            raise AccessDeniedError("the token was revoked")
        return principal.with_role(row["role"])

    def revoke(self, jti: str, attorney_id: str, expires_at: int) -> None:
        """Revoke one token until it would have expired anyway."""
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM revoked_tokens WHERE expires_at < ?",
                       (int(datetime.now(UTC).timestamp()),))
            tx.execute("INSERT INTO revoked_tokens (jti, attorney_id, expires_at, revoked_at)"
                       " VALUES (?, ?, ?, ?) ON CONFLICT (jti) DO NOTHING",
                       (jti, attorney_id, expires_at, datetime.now(UTC).isoformat()))
