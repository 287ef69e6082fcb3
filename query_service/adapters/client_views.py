"""Firm-scoped reads of the projected tables.

A FirmReadView is bound to one firm at construction; every statement it runs
filters on that firm, so a handler cannot forget the tenant filter.
"""

from __future__ import annotations

import base64
import json

from shared.sql import Database

CLIENT_COLUMNS = ("client_id, version, status, profile, created_by, created_at, updated_at,"
                  " latest_check_id")


class FirmReadView:
    def __init__(self, db: Database, firm_id: str):
        self._db = db
        self.firm_id = firm_id

    def clients(self, *, limit: int, cursor: str | None, search: str | None,
                status: str | None) -> tuple[list[dict], str | None]:
        sql = f"SELECT {CLIENT_COLUMNS} FROM clients WHERE firm_id = ?"
        params: list = [self.firm_id]
        if status:
            sql += " AND status = ?"
            params.append(status)
        if search:
            for term in search.lower().split():
                sql += " AND search_text LIKE ?"
                params.append(f"%{_escape_like(term)}%")
        if cursor:
            created_at, client_id = decode_cursor(cursor)
            sql += " AND (created_at < ? OR (created_at = ? AND client_id < ?))"
            params += [created_at, created_at, client_id]
        sql += " ORDER BY created_at DESC, client_id DESC LIMIT ?"
        params.append(limit + 1)
        with self._db.transaction() as tx:
            rows = tx.fetch_all(sql.replace("LIKE ?", "LIKE ? ESCAPE '\\'"), params)
        page = [_client(r) for r in rows[:limit]]
        next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
        return page, next_cursor

    def client(self, client_id: str) -> dict | None:
        with self._db.transaction() as tx:
            row = tx.fetch_one(f"SELECT {CLIENT_COLUMNS} FROM clients"
                               " WHERE firm_id = ? AND client_id = ?", (self.firm_id, client_id))
        return _client(row) if row else None

    def check(self, check_id: str) -> dict | None:
        with self._db.transaction() as tx:
            row = tx.fetch_one("SELECT * FROM checks WHERE firm_id = ? AND check_id = ?",
                               (self.firm_id, check_id))
            assessments = tx.fetch_all(
                "SELECT visa_type, criterion, met, note, attorney_id, recorded_at FROM"
                " attorney_assessments WHERE firm_id = ? AND check_id = ? ORDER BY check_version",
                (self.firm_id, check_id)) if row else []
        return with_assessments(_check(row), assessments) if row else None

    def checks_of_client(self, client_id: str) -> list[dict]:
        with self._db.transaction() as tx:
            rows = tx.fetch_all("SELECT * FROM checks WHERE firm_id = ? AND client_id = ?"
                                " ORDER BY requested_at DESC, check_id DESC",
                                (self.firm_id, client_id))
        return [_check(r) for r in rows]


ENGINE_RESULT_KEYS = ("missing_information", "gap_plan", "shared_evidence", "provenance", "llm",
                      "analysis_note", "guardrail_notes", "changes_since_previous_check",
                      "evaluated_on")


def with_assessments(check: dict, rows: list[dict]) -> dict:
    """Put each attorney assessment beside the engine's finding it concerns; keep the history."""
    history = [{**r, "met": bool(r["met"])} for r in rows]
    check["attorney_assessments"] = history
    latest = {(a["visa_type"], a["criterion"]): a for a in history}
    for rec in check.get("recommendations") or []:
        for row in [*rec["gates"], *rec["criteria"]]:
            row["attorney_assessment"] = latest.get((rec["visa_type"], row["id"]))
    return check


def encode_cursor(row: dict) -> str:
    raw = json.dumps([row["created_at"], row["client_id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    """Decode a listing cursor; raises ValueError when it is not one of ours."""
    try:
        created_at, client_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:
        raise ValueError("malformed cursor") from None
    if not isinstance(created_at, str) or not isinstance(client_id, str):
        raise ValueError("malformed cursor")
    return created_at, client_id


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _client(row: dict) -> dict:
    return {"id": row["client_id"], "version": row["version"], "status": row["status"],
            **json.loads(row["profile"]), "created_by": row["created_by"],
            "created_at": row["created_at"], "updated_at": row["updated_at"],
            "latest_check_id": row["latest_check_id"]}


def _check(row: dict) -> dict:
    result = json.loads(row["result"]) if row["result"] else None
    check = {
        "check_id": row["check_id"], "client_id": row["client_id"], "status": row["status"],
        "profile_version": row["profile_version"], "analysis_mode": row["analysis_mode"],
        "requested_by": row["requested_by"], "requested_at": row["requested_at"],
        "started_at": row["started_at"], "completed_at": row["completed_at"],
        "updated_at": row["updated_at"],
    }
    if result is not None:
        check["recommendations"] = result["recommendations"]
        check["catalogue_version"] = result.get("catalogue_version")
        check["rules_version"] = result.get("rules_version")
        for key in ENGINE_RESULT_KEYS:
            if key in result:
                check[key] = result[key]
    if row["status"] == "failed":
        check["error_message"] = row["error_message"]
        check["retry_allowed"] = bool(row["retry_allowed"])
    return check
