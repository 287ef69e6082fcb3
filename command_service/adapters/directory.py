"""Firms and their attorneys: who may sign in, for which firm, in which role."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import contracts
from command_service.adapters import directory_schema
from command_service.adapters.directory_events import DirectoryEvents
from shared.auth import ROLES, hash_password
from shared.password_policy import check_password
from shared.sql import Database, Transaction, is_unique_violation

# An invited attorney has no password until they set one from their link: no hash matches it.
NO_PASSWORD = "unset"


class DirectoryError(Exception):
    """A firm or attorney request was refused."""


class Directory:
    """Store firms and attorneys in the command side's database, and record each change.

    Each change's event is appended inside the table's transaction, before it commits:
    a failed append rolls the change back, so the tables never hold what the events lack.
    Role changes, (re)activation and new passwords move the attorney's token epoch to the
    version of the event that recorded them, which ends every token issued before.
    """

    def __init__(self, db: Database, events: DirectoryEvents | None = None):
        self._db = db
        self._events = events

    def migrate(self) -> None:
        directory_schema.migrate(self._db)

    def transaction(self):
        return self._db.transaction()

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

    def create_attorney(self, firm_id: str, email: str, password: str | None, role: str,
                        meta: dict | None = None) -> dict:
        """Create an attorney; without a password they set their own from an invite link."""
        email = (email or "").strip().lower()
        if role not in ROLES:
            raise DirectoryError(f"role must be one of {', '.join(ROLES)}")
        if "@" not in email:
            raise DirectoryError("an attorney needs a valid email")
        firm = self.firm(firm_id)
        if firm is None:
            raise DirectoryError(f"no firm {firm_id}")
        if password is not None:
            check_password(password, (email, firm["name"]))
        attorney = {"id": str(uuid.uuid4()), "firm_id": firm_id, "email": email,
                    "role": role, "active": True, "created_at": _now()}
        password_hash = hash_password(password) if password is not None else NO_PASSWORD
        try:
            with self._db.transaction() as tx:
                tx.execute(
                    "INSERT INTO attorneys (attorney_id, firm_id, email, password_hash, role,"
                    " active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
                    (attorney["id"], firm_id, email, password_hash, role,
                     attorney["created_at"]))
                self._record(firm_id, attorney["id"], contracts.ATTORNEY_INVITED,
                             {"email": email, "role": role}, meta)
        except Exception as exc:
            if is_unique_violation(exc):
                # Unique within the firm only: another firm's attorneys are never revealed.
                raise DirectoryError("your firm already has an attorney with this email") \
                    from None
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
        """The firm's attorneys, each with when they last asked for a new password (or None)."""
        with self._db.transaction() as tx:
            rows = tx.fetch_all(
                "SELECT a.attorney_id, a.firm_id, a.email, a.role, a.active, a.created_at,"
                " r.requested_at FROM attorneys a LEFT JOIN password_reset_requests r"
                " ON r.attorney_id = a.attorney_id WHERE a.firm_id = ?"
                " ORDER BY a.created_at, a.attorney_id", (firm_id,))
        return [{**_attorney(r), "password_reset_requested_at": r["requested_at"]} for r in rows]

    def request_password_reset(self, email: str) -> None:
        """Tell the admins of every firm where this email is an active attorney that they ask."""
        with self._db.transaction() as tx:
            for row in tx.fetch_all("SELECT attorney_id, firm_id FROM attorneys WHERE email = ?"
                                    " AND active = 1", ((email or "").strip().lower(),)):
                tx.execute("INSERT INTO password_reset_requests (attorney_id, firm_id,"
                           " requested_at) VALUES (?, ?, ?) ON CONFLICT (attorney_id)"
                           " DO UPDATE SET requested_at = excluded.requested_at",
                           (row["attorney_id"], row["firm_id"], _now()))

    def attorney(self, firm_id: str, attorney_id: str) -> dict | None:
        with self._db.transaction() as tx:
            row = tx.fetch_one(f"SELECT {_ATTORNEY_COLUMNS} FROM attorneys WHERE firm_id = ?"
                               " AND attorney_id = ?", (firm_id, attorney_id))
        return _attorney(row) if row else None

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
                self._bump(tx, firm_id, attorney_id, contracts.ATTORNEY_ROLE_CHANGED,
                           {"role": role}, meta)
            if active is not None and active != bool(before["active"]):
                tx.execute("UPDATE attorneys SET active = ? WHERE firm_id = ?"
                           " AND attorney_id = ?", (int(active), firm_id, attorney_id))
                self._bump(tx, firm_id, attorney_id, contracts.ATTORNEY_REACTIVATED if active
                           else contracts.ATTORNEY_DEACTIVATED, {}, meta)
            row = tx.fetch_one(f"SELECT {_ATTORNEY_COLUMNS} FROM attorneys WHERE firm_id = ?"
                               " AND attorney_id = ?", (firm_id, attorney_id))
        return _attorney(row)

    def clear_reset_request(self, attorney_id: str) -> None:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM password_reset_requests WHERE attorney_id = ?", (attorney_id,))

    def set_password(self, tx: Transaction, firm_id: str, attorney_id: str, password_hash: str,
                     via: str, meta: dict | None = None) -> None:
        """Store a new password hash in tx and end the attorney's older tokens."""
        tx.execute("UPDATE attorneys SET password_hash = ? WHERE firm_id = ? AND attorney_id = ?",
                   (password_hash, firm_id, attorney_id))
        tx.execute("DELETE FROM password_reset_requests WHERE attorney_id = ?", (attorney_id,))
        self._bump(tx, firm_id, attorney_id, contracts.ATTORNEY_PASSWORD_SET, {"via": via}, meta)

    def sign_in_candidates(self, email: str, firm_id: str | None = None) -> list[dict]:
        """Every account with this email (in one firm when firm_id is given), with its hash."""
        query = ("SELECT a.attorney_id, a.firm_id, f.name AS firm_name, a.email, a.password_hash,"
                 " a.role, a.active, a.token_epoch, a.created_at FROM attorneys a"
                 " JOIN firms f ON f.firm_id = a.firm_id WHERE a.email = ?")
        params: tuple = ((email or "").strip().lower(),)
        if firm_id is not None:
            query, params = query + " AND a.firm_id = ?", (*params, firm_id)
        with self._db.transaction() as tx:
            rows = tx.fetch_all(query + " ORDER BY f.name, a.firm_id", params)
        return [{**_attorney(r), "firm_name": r["firm_name"], "token_epoch": int(r["token_epoch"]),
                 "password_hash": r["password_hash"]} for r in rows]

    def record_history(self) -> int:
        """Record events for firms and attorneys created before the directory recorded them."""
        recorded = 0
        with self._db.transaction() as tx:
            firms = tx.fetch_all("SELECT firm_id, name FROM firms ORDER BY firm_id")
            attorneys = tx.fetch_all("SELECT attorney_id, firm_id, email, role, active"
                                     " FROM attorneys ORDER BY created_at, attorney_id")
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

    def adopt_token_epochs(self) -> None:
        """Set each attorney's token epoch from their stream (directory v3)."""
        with self._db.transaction() as tx:
            for row in tx.fetch_all("SELECT attorney_id, firm_id FROM attorneys"):
                epoch = self._events.latest_version(row["firm_id"], row["attorney_id"],
                                                    contracts.TOKEN_EPOCH_EVENTS)
                tx.execute("UPDATE attorneys SET token_epoch = ? WHERE attorney_id = ?",
                           (epoch, row["attorney_id"]))

    def record_sign_out(self, firm_id: str, attorney_id: str, token_id: str, expires_at: int,
                        meta: dict | None = None) -> None:
        """Tell the other services one of the attorney's tokens was revoked."""
        self._record(firm_id, attorney_id, contracts.ATTORNEY_SIGNED_OUT,
                     {"token_id": token_id, "expires_at": expires_at}, meta)

    def _bump(self, tx: Transaction, firm_id: str, attorney_id: str, event_type: str,
              payload: dict, meta: dict | None) -> None:
        version = self._record(firm_id, attorney_id, event_type, payload, meta)
        if version is None:
            tx.execute("UPDATE attorneys SET token_epoch = token_epoch + 1 WHERE attorney_id = ?",
                       (attorney_id,))
        else:
            tx.execute("UPDATE attorneys SET token_epoch = ? WHERE attorney_id = ?",
                       (version, attorney_id))

    def _record(self, firm_id: str, stream_id: str, event_type: str, payload: dict,
                meta: dict | None) -> int | None:
        if self._events is None:
            return None
        return self._events.record(firm_id, stream_id, event_type, payload, meta)


_ATTORNEY_COLUMNS = "attorney_id, firm_id, email, role, active, created_at"


def _attorney(row: dict) -> dict:
    return {"id": row["attorney_id"], "firm_id": row["firm_id"], "email": row["email"],
            "role": row["role"], "active": bool(row["active"]), "created_at": row["created_at"]}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()

