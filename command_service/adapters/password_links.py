"""One-time links with which attorneys set their own password: invites and resets.

A link carries a random token; the table keeps only its SHA-256 digest (the token has 256
bits, so no slow hash is needed), the attorney, the purpose and an expiry. Redeeming a
link marks it used and sets the password in one transaction, so a link works once.
Issuing a link ends the attorney's earlier unused links of the same purpose.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from command_service.adapters.directory import Directory
from shared.sql import Database

LIFETIMES = {"invite": 7 * 24 * 3600, "reset": 3600}


@dataclass(frozen=True)
class PasswordLink:
    token: str
    purpose: str
    expires_at: int


class LinkInvalidError(Exception):
    """The link is unknown, used, expired, or its attorney was deactivated."""


class PasswordLinks:
    def __init__(self, db: Database, directory: Directory, clock=time.time):
        self._db = db
        self._directory = directory
        self._clock = clock

    def issue(self, firm_id: str, attorney_id: str, purpose: str) -> PasswordLink:
        """Create a link for the attorney, ending their earlier links of this purpose."""
        token = secrets.token_urlsafe(32)
        expires_at = int(self._clock()) + LIFETIMES[purpose]
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM password_links WHERE attorney_id = ? AND purpose = ?"
                       " AND used_at IS NULL", (attorney_id, purpose))
            tx.execute("INSERT INTO password_links (token_digest, attorney_id, firm_id, purpose,"
                       " expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (_digest(token), attorney_id, firm_id, purpose, expires_at,
                        datetime.now(UTC).isoformat()))
        return PasswordLink(token, purpose, expires_at)

    def holder(self, token: str) -> dict:
        """Return the attorney (with their firm's name) a usable link is for."""
        with self._db.transaction() as tx:
            row = tx.fetch_one(
                "SELECT l.attorney_id, l.firm_id, l.purpose, a.email, f.name AS firm_name"
                " FROM password_links l JOIN attorneys a ON a.attorney_id = l.attorney_id"
                " JOIN firms f ON f.firm_id = l.firm_id WHERE l.token_digest = ?"
                " AND l.used_at IS NULL AND l.expires_at > ? AND a.active = 1",
                (_digest(token), int(self._clock())))
        if row is None:
            raise LinkInvalidError("the link is unknown, used or expired")
        return row

    def redeem(self, token: str, password_hash: str, meta: dict | None = None) -> dict:
        """Set the link's attorney's password and spend the link, atomically."""
        holder = self.holder(token)
        with self._db.transaction() as tx:
            spent = tx.execute("UPDATE password_links SET used_at = ? WHERE token_digest = ?"
                               " AND used_at IS NULL AND expires_at > ?",
                               (datetime.now(UTC).isoformat(), _digest(token),
                                int(self._clock())))
            if spent != 1:
                raise LinkInvalidError("the link was used a moment ago")
            self._directory.set_password(tx, holder["firm_id"], holder["attorney_id"],
                                         password_hash, holder["purpose"], meta)
        return holder


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
