"""Firms and their attorneys: who may sign in, for which firm, in which role."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from shared.auth import ROLES, hash_password
from shared.sql import Database, apply_schema, is_unique_violation

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


class DirectoryError(Exception):
    """A firm or attorney request was refused."""


class Directory:
    """Store firms and attorneys in the command side's database."""

    def __init__(self, db: Database):
        self._db = db

    def migrate(self) -> None:
        apply_schema(self._db, SCHEMA)

    def create_firm(self, name: str) -> dict:
        name = (name or "").strip()
        if not name:
            raise DirectoryError("a firm needs a name")
        firm = {"id": str(uuid.uuid4()), "name": name, "created_at": _now()}
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO firms (firm_id, name, created_at) VALUES (?, ?, ?)",
                       (firm["id"], firm["name"], firm["created_at"]))
        return firm

    def create_attorney(self, firm_id: str, email: str, password: str, role: str) -> dict:
        email = (email or "").strip().lower()
        if role not in ROLES:
            raise DirectoryError(f"role must be one of {', '.join(ROLES)}")
        if "@" not in email:
            raise DirectoryError("an attorney needs a valid email")
        if len(password or "") < 8:
            raise DirectoryError("a password needs at least 8 characters")
        if self.firm(firm_id) is None:
            raise DirectoryError(f"no firm {firm_id}")
        attorney = {"id": str(uuid.uuid4()), "firm_id": firm_id, "email": email,
                    "role": role, "active": True, "created_at": _now()}
        try:
            with self._db.transaction() as tx:
                tx.execute(
                    "INSERT INTO attorneys (attorney_id, firm_id, email, password_hash, role,"
                    " active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
                    (attorney["id"], firm_id, email, hash_password(password), role,
                     attorney["created_at"]),
                )
        except Exception as exc:
            if is_unique_violation(exc):
                raise DirectoryError(f"an attorney with email {email} already exists") from None
            raise
        return attorney

    def firm(self, firm_id: str) -> dict | None:
        with self._db.transaction() as tx:
            row = tx.fetch_one("SELECT firm_id, name, created_at FROM firms WHERE firm_id = ?",
                               (firm_id,))
        return {"id": row["firm_id"], "name": row["name"], "created_at": row["created_at"]} if row else None

    def firm_ids(self) -> list[str]:
        with self._db.transaction() as tx:
            return [r["firm_id"] for r in tx.fetch_all("SELECT firm_id FROM firms ORDER BY firm_id")]

    def attorneys_of_firm(self, firm_id: str) -> list[dict]:
        with self._db.transaction() as tx:
            rows = tx.fetch_all(f"SELECT {_ATTORNEY_COLUMNS} FROM attorneys WHERE firm_id = ?"
                                " ORDER BY created_at, attorney_id", (firm_id,))
        return [_attorney(r) for r in rows]

    def change_attorney(self, firm_id: str, attorney_id: str, role: str | None = None,
                        active: bool | None = None) -> dict | None:
        """Change an attorney's role or active flag; None when the firm has no such attorney."""
        if role is not None and role not in ROLES:
            raise DirectoryError(f"role must be one of {', '.join(ROLES)}")
        with self._db.transaction() as tx:
            if role is not None:
                tx.execute("UPDATE attorneys SET role = ? WHERE firm_id = ? AND attorney_id = ?",
                           (role, firm_id, attorney_id))
            if active is not None:
                tx.execute("UPDATE attorneys SET active = ? WHERE firm_id = ?"
                           " AND attorney_id = ?", (int(active), firm_id, attorney_id))
            row = tx.fetch_one(f"SELECT {_ATTORNEY_COLUMNS} FROM attorneys WHERE firm_id = ?"
                               " AND attorney_id = ?", (firm_id, attorney_id))
        return _attorney(row) if row else None

    def attorney_by_email(self, email: str) -> dict | None:
        with self._db.transaction() as tx:
            row = tx.fetch_one(
                "SELECT attorney_id, firm_id, email, password_hash, role, active, created_at"
                " FROM attorneys WHERE email = ?", ((email or "").strip().lower(),))
        if row is None:
            return None
        return {"id": row["attorney_id"], "firm_id": row["firm_id"], "email": row["email"],
                "password_hash": row["password_hash"], "role": row["role"],
                "active": bool(row["active"]), "created_at": row["created_at"]}


_ATTORNEY_COLUMNS = "attorney_id, firm_id, email, role, active, created_at"


def _attorney(row: dict) -> dict:
    return {"id": row["attorney_id"], "firm_id": row["firm_id"], "email": row["email"],
            "role": row["role"], "active": bool(row["active"]), "created_at": row["created_at"]}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()
