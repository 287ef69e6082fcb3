"""Firms and their attorneys: who may sign in, for which firm, in which role."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import contracts
from command_service.adapters.directory_events import DirectoryEvents
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
    """Store firms and attorneys in the command side's database, and record each change.

    Each change's event is appended inside the table's transaction, before it commits:
    a failed append rolls the change back, so the tables never hold what the events lack.
    """

    def __init__(self, db: Database, events: DirectoryEvents | None = None):
        self._db = db
        self._events = events

    def migrate(self) -> None:
        apply_schema(self._db, SCHEMA)

    def create_firm(self, name: str, meta: dict | None = None) -> dict:
        name = (name or "").strip()
        if not name:
            raise DirectoryError("a firm needs a name")
        firm = {"id": str(uuid.uuid4()), "name": name, "created_at": _now()}
        with self._db.transaction() as tx:
            tx.execute("INSERT INTO firms (firm_id, name, created_at) VALUES (?, ?, ?)",
                       (firm["id"], firm["name"], firm["created_at"]))
            self._record(firm["id"], firm["id"], contracts.FIRM_CREATED, {"name": name}, meta)
        return firm

    def create_attorney(self, firm_id: str, email: str, password: str, role: str,
                        meta: dict | None = None) -> dict:
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
                self._record(firm_id, attorney["id"], contracts.ATTORNEY_INVITED,
                             {"email": email, "role": role}, meta)
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
                        active: bool | None = None, meta: dict | None = None) -> dict | None:
        """Change an attorney's role or active flag; None when the firm has no such attorney."""
        if role is not None and role not in ROLES:
            raise DirectoryError(f"role must be one of {', '.join(ROLES)}")
        with self._db.transaction() as tx:
            before = tx.fetch_one(f"SELECT {_ATTORNEY_COLUMNS} FROM attorneys WHERE firm_id = ?"
                                  " AND attorney_id = ?", (firm_id, attorney_id))
            if before is None:
                return None
            if role is not None and role != before["role"]:
                tx.execute("UPDATE attorneys SET role = ? WHERE firm_id = ? AND attorney_id = ?",
                           (role, firm_id, attorney_id))
                self._record(firm_id, attorney_id, contracts.ATTORNEY_ROLE_CHANGED,
                             {"role": role}, meta)
            if active is not None and active != bool(before["active"]):
                tx.execute("UPDATE attorneys SET active = ? WHERE firm_id = ?"
                           " AND attorney_id = ?", (int(active), firm_id, attorney_id))
                self._record(firm_id, attorney_id, contracts.ATTORNEY_REACTIVATED if active
                             else contracts.ATTORNEY_DEACTIVATED, {}, meta)
            row = tx.fetch_one(f"SELECT {_ATTORNEY_COLUMNS} FROM attorneys WHERE firm_id = ?"
                               " AND attorney_id = ?", (firm_id, attorney_id))
        return _attorney(row)

    def record_history(self) -> int:
        """Record events for firms and attorneys created before the directory recorded them."""
        recorded = 0
        with self._db.transaction() as tx:
            firms = tx.fetch_all("SELECT firm_id, name FROM firms ORDER BY firm_id")
            attorneys = tx.fetch_all(f"SELECT {_ATTORNEY_COLUMNS} FROM attorneys"
                                     " ORDER BY created_at, attorney_id")
        for firm in firms:
            if self._events.is_new(firm["firm_id"], firm["firm_id"]):
                self._record(firm["firm_id"], firm["firm_id"], contracts.FIRM_CREATED,
                             {"name": firm["name"]}, None)
                recorded += 1
        for row in attorneys:
            if not self._events.is_new(row["firm_id"], row["attorney_id"]):
                continue
            self._record(row["firm_id"], row["attorney_id"], contracts.ATTORNEY_INVITED,
                         {"email": row["email"], "role": row["role"]}, None)
            if not row["active"]:
                self._record(row["firm_id"], row["attorney_id"], contracts.ATTORNEY_DEACTIVATED,
                             {}, None)
            recorded += 1
        return recorded

    def record_sign_out(self, firm_id: str, attorney_id: str, token_id: str, expires_at: int,
                        meta: dict | None = None) -> None:
        """Tell the other services one of the attorney's tokens was revoked."""
        self._record(firm_id, attorney_id, contracts.ATTORNEY_SIGNED_OUT,
                     {"token_id": token_id, "expires_at": expires_at}, meta)

    def _record(self, firm_id: str, stream_id: str, event_type: str, payload: dict,
                meta: dict | None) -> None:
        if self._events is not None:
            self._events.record(firm_id, stream_id, event_type, payload, meta)

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
