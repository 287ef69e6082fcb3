"""Firm-scoped reads of the projected tables.

A FirmReadView is bound to one firm at construction; every statement it runs
filters on that firm, and in PostgreSQL runs as a role whose row-level
security policies only show that firm's rows, so a handler cannot forget the
tenant filter.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from typing import Callable, Iterator

import orjson

from query_service.adapters.client_listing import (
    BEST_RANK,
    CLIENT_COLUMNS,
    Conditions,
    Statement,
    index_then_join,
    prefixed,
    joined_columns,
    page_then_join,
)
from query_service.adapters.read_tables import LIVE, firm_scope
from query_service.dashboard_projection import dashboard_from_counters
from query_service.projections import search_terms
from query_service.report.wording import headline
from event_store import EmailIndex, looks_like_email
from shared.sql import Database

AUDIT_COLUMNS = ("position, event_type, action, entity_type, entity_id, client_id, actor_id,"
                 " actor_kind, request_id, correlation_id, occurred_at, changes")


@dataclass(frozen=True)
class ClientFilters:
    status: str | None = None
    search: str = ""
    attorney_id: str | None = None
    visa_type: str | None = None
    min_score: int | None = None
    updated_since: str | None = None
    best_verdict: str | None = None  # a verdict, or "none" for clients without results
    best_visa_type: str | None = None
    latest_check: str | None = None  # a check status, "in_progress" or "none" (never checked)
    sort: str = "newest"


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    entity: str | None = None
    client: str = ""  # words of the client's name, employer or field, or their email
    occurred_from: str | None = None
    occurred_to: str | None = None


class FirmReadView:
    def __init__(self, db: Database, firm_id: str, email_index: EmailIndex | None = None,
                 on_position: Callable[[int], None] | None = None):
        self._db = db
        self.firm_id = firm_id
        self.t = LIVE
        self._email_index = email_index
        self._on_position = on_position

    def _rows(self, sql: str, params, chosen_first: Statement | None = None) -> list[dict]:
        """Run one read as the firm's reader (one round trip on PostgreSQL).

        The projections' position is read in the same transaction and handed to
        on_position: it is the position the rows reflect. chosen_first runs before the
        firm's scope is taken (see client_listing.index_then_join).
        """
        scope = firm_scope(self._db.dialect, self.firm_id)
        position = (f"SELECT position FROM {self.t.projector_positions}"
                    " WHERE consumer = 'projector' AND firm_id = ?", (self.firm_id,))
        *_, reached, rows = self._db.script([*([chosen_first] if chosen_first else []),
                                             *scope, position, (sql, tuple(params))])
        if self._on_position is not None:
            self._on_position(int(reached[0]["position"]) if reached else 0)
        return rows

    def _row(self, sql: str, params) -> dict | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def position(self) -> int:
        """Return how far the projections have got in this firm's event stream."""
        rows = self._db.script([*firm_scope(self._db.dialect, self.firm_id), (
            f"SELECT position FROM {self.t.projector_positions}"
            " WHERE consumer = 'projector' AND firm_id = ?", (self.firm_id,))])[-1]
        return int(rows[0]["position"]) if rows else 0

    def clients(self, *, limit: int, cursor: str | None,
                filters: ClientFilters) -> tuple[list[dict], str | None]:
        first, fallback = self.clients_queries(limit=limit, cursor=cursor, filters=filters)
        rows = self._rows(*first)
        if fallback is not None and len(rows) <= limit:
            choose, read = fallback
            rows = self._rows(*read, chosen_first=choose)
        page = [_listed_client(r) for r in rows[:limit]]
        next_cursor = encode_cursor(rows[limit - 1], filters.sort == "best_probability") \
            if len(rows) > limit else None
        return page, next_cursor

    def clients_queries(self, *, limit: int, cursor: str | None, filters: ClientFilters
                        ) -> tuple[Statement, tuple[Statement, Statement] | None]:
        """The listing's statement (`?` placeholders), and the two to run instead when the
        first finds no more than `limit` rows (None: the first is the answer); of those,
        the first runs as the tables' owner, the second as the firm's reader.

        Each asks for one row more than a page, so the caller knows whether there is more.
        """
        where = self._client_conditions(filters)
        by_probability = filters.sort == "best_probability"
        key = decode_cursor(cursor) if cursor else None
        if key and not (by_probability and len(key) == 3):
            created_at, client_id = key[-2:]
            where = replace(where, sql=where.sql + " AND (c.created_at < ? OR"
                            " (c.created_at = ? AND c.client_id < ?))",
                            params=[*where.params, created_at, created_at, client_id])
        if not (by_probability or filters.best_verdict or filters.best_visa_type
                or filters.latest_check):
            fallback = index_then_join(self.t, where, limit + 1) \
                if where.words is not None and where.dialect == "postgresql" else None
            return page_then_join(self.t, where, limit + 1), fallback
        return self._joined_query(filters, where, key, limit + 1), None

    def _joined_query(self, f: ClientFilters, where: Conditions, key: tuple | None,
                      rows: int) -> tuple[str, list]:
        """The listing whose filters or order need the best option or latest check first."""
        columns, joins = joined_columns(self.t)
        sql = (f"SELECT {prefixed('c', CLIENT_COLUMNS)}, {columns} FROM {self.t.clients} c"
               f"{joins} WHERE {where.sql}")
        params = list(where.params)
        for column, value in (("b.verdict", f.best_verdict), ("b.visa_type", f.best_visa_type),
                              ("k.status", f.latest_check)):
            if value == "none":
                sql += f" AND {column} IS NULL"
            elif value == "in_progress":
                sql += f" AND {column} IN ('pending', 'processing')"
            elif value:
                sql += f" AND {column} = ?"
                params.append(value)
        if where.words is not None:
            clause, words = self._words_clause(where.words, "c")
            sql, params = sql + clause, params + words
        order = ""
        if f.sort == "best_probability":
            order = f"{BEST_RANK} DESC, "
            if key and len(key) == 3:
                sql += (f" AND ({BEST_RANK} < ? OR ({BEST_RANK} = ? AND (c.created_at < ?"
                        " OR (c.created_at = ? AND c.client_id < ?))))")
                params += [key[0], key[0], key[1], key[1], key[2]]
        sql += f" ORDER BY {order}c.created_at DESC, c.client_id DESC LIMIT ?"
        return sql, [*params, rows]

    def _client_conditions(self, f: ClientFilters) -> Conditions:
        """The listing's conditions on the clients table alone, and its search words."""
        sql, params = "c.firm_id = ?", [self.firm_id]
        for column, value in (("status", f.status), ("created_by", f.attorney_id)):
            if value:
                sql += f" AND c.{column} = ?"
                params.append(value)
        if f.updated_since:
            sql += " AND c.updated_at >= ?"
            params.append(f.updated_since)
        if f.visa_type:
            # Uncorrelated, so both engines read the qualifying clients once from
            # the (firm, type, current, score) index instead of probing per client.
            sql += (f" AND c.client_id IN (SELECT r.client_id FROM {self.t.recommendations} r"
                    " WHERE r.firm_id = ? AND r.visa_type = ? AND r.is_current = 1"
                    " AND r.eligibility_score >= ?)")
            params += [self.firm_id, f.visa_type, f.min_score or 0]
        addresses, words = self._email_clause(f.search, "c")
        return Conditions(sql + addresses, params + words, self._words(f.search),
                          self._db.dialect)

    def _search_clause(self, search: str, alias: str) -> tuple[str, list]:
        """The conditions that find clients by name, employer and field words, or exact email."""
        sql, params = self._email_clause(search, alias)
        words = self._words(search)
        if words is None:
            return sql, params
        clause, more = self._words_clause(words, alias)
        return sql + clause, params + more

    def _email_clause(self, search: str, alias: str) -> tuple[str, list]:
        sql, params = "", []
        for address in [w for w in search.split() if looks_like_email(w)]:
            # An address is found exactly through its blind index (none without a key).
            digest = self._email_index.digest(self.firm_id, address) if self._email_index \
                else None
            sql += f" AND {alias}.email_digest = ?"
            params.append(digest or "")
        return sql, params

    def _words(self, search: str) -> str | None:
        """The search's words (not its addresses) as the engine's full-text query."""
        terms = search_terms(" ".join(w for w in search.split() if not looks_like_email(w)))
        if not terms:
            return None
        if self._db.dialect == "sqlite":
            return " ".join(f'"{t}"*' for t in terms)
        return " & ".join(f"{t}:*" for t in terms)

    def _words_clause(self, words: str, alias: str) -> tuple[str, list]:
        if self._db.dialect == "sqlite":
            return (f" AND {alias}.search_rowid IN (SELECT rowid FROM {self.t.clients_fts}"
                    f" WHERE {self.t.clients_fts} MATCH ?)", [words])
        return f" AND {alias}.search_vector @@ to_tsquery('simple', ?)", [words]

    def client(self, client_id: str) -> dict | None:
        row = self._row(f"SELECT {CLIENT_COLUMNS} FROM {self.t.clients}"
                        " WHERE firm_id = ? AND client_id = ?", (self.firm_id, client_id))
        return _client(row) if row else None

    def check(self, check_id: str) -> dict | None:
        row = self._row(f"SELECT * FROM {self.t.checks} WHERE firm_id = ? AND check_id = ?",
                        (self.firm_id, check_id))
        if row is None:
            return None
        result = _loads(row["result"]) if row["result"] else {}
        return with_assessments(_check(row), result.get("attorney_assessments_recorded", []))

    def checks_of_client(self, client_id: str) -> list[dict]:
        rows = self._rows(f"SELECT * FROM {self.t.checks} WHERE firm_id = ?"
                          " AND client_id = ? ORDER BY requested_at DESC, check_id DESC",
                          (self.firm_id, client_id))
        return [_check(r) for r in rows]

    def dashboard(self) -> dict:
        rows = self._rows(f"SELECT metric, bucket, count, total FROM"
                          f" {self.t.dashboard_counters} WHERE firm_id = ?", (self.firm_id,))
        return dashboard_from_counters(rows)

    def history(self, client_id: str) -> list[dict]:
        rows = self._rows(f"SELECT {AUDIT_COLUMNS} FROM {self.t.audit_log}"
                          " WHERE firm_id = ? AND client_id = ? ORDER BY position",
                          (self.firm_id, client_id))
        return [audit_entry(r) for r in rows]

    def audit(self, filters: AuditFilters, after: int, limit: int) -> list[dict]:
        # Each entry names its client (an erased one has no name left).
        sql = (f"SELECT {prefixed('a', AUDIT_COLUMNS)}, c.first_name, c.last_name"
               f" FROM {self.t.audit_log} a LEFT JOIN {self.t.clients} c"
               " ON c.firm_id = a.firm_id AND c.client_id = a.client_id"
               " WHERE a.firm_id = ? AND a.position > ?")
        params: list = [self.firm_id, after]
        for condition, value in (("a.actor_id = ?", filters.actor),
                                 ("a.entity_id = ?", filters.entity),
                                 ("a.occurred_at >= ?", filters.occurred_from),
                                 ("a.occurred_at <= ?", filters.occurred_to)):
            if value:
                sql += f" AND {condition}"
                params.append(value)
        if filters.client.strip():
            clause, words = self._search_clause(filters.client, "m")
            sql += (f" AND a.client_id IN (SELECT m.client_id FROM {self.t.clients} m"
                    f" WHERE m.firm_id = ?{clause})")
            params += [self.firm_id, *words]
        rows = self._rows(sql + " ORDER BY a.position LIMIT ?", [*params, limit])
        return [audit_entry(r) for r in rows]

    def audit_all(self, filters: AuditFilters, page_size: int = 1000) -> Iterator[dict]:
        """Yield every matching audit entry, a page per transaction."""
        after = 0
        while True:
            page = self.audit(filters, after, page_size)
            yield from page
            if len(page) < page_size:
                return
            after = page[-1]["position"]


ENGINE_RESULT_KEYS = ("missing_information", "gap_plan", "shared_evidence", "provenance", "analysis", "llm",
                      "analysis_note", "guardrail_notes", "changes_since_previous_check",
                      "evaluated_on", "summary", "groups", "verify")


def with_assessments(check: dict, rows: list[dict]) -> dict:
    """Put each attorney assessment beside the engine's finding it concerns; keep the history."""
    history = [{**r, "met": bool(r["met"])} for r in rows]
    check["attorney_assessments"] = history
    latest = {(a["visa_type"], a["criterion"]): a for a in history}
    for rec in check.get("recommendations") or []:
        for row in [*rec["gates"], *rec["criteria"]]:
            row["attorney_assessment"] = latest.get((rec["visa_type"], row["id"]))
    return check


def encode_cursor(row: dict, by_probability: bool = False) -> str:
    key = [row["created_at"], row["client_id"]]
    raw = json.dumps([int(row["best_rank"]), *key] if by_probability else key).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple:
    """Decode a listing cursor ([rank,] created_at, client_id); ValueError when not ours."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:
        raise ValueError("malformed cursor") from None
    if not isinstance(key, list) or len(key) not in (2, 3) \
            or not all(isinstance(k, str) for k in key[-2:]) \
            or (len(key) == 3 and (type(key[0]) is not int)):
        raise ValueError("malformed cursor")
    return tuple(key)


def _loads(text: str):
    # orjson: the projector writes these with orjson; the standard library reads what it refuses.
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def audit_entry(row: dict) -> dict:
    name = " ".join(n for n in (row.get("first_name"), row.get("last_name")) if n) or None
    return {"position": int(row["position"]), "event_type": row["event_type"],
            "action": row["action"], "entity_type": row["entity_type"],
            "entity_id": row["entity_id"], "client_id": row["client_id"],
            "actor_id": row["actor_id"], "actor_kind": row["actor_kind"],
            "request_id": row["request_id"], "correlation_id": row["correlation_id"],
            "occurred_at": row["occurred_at"], "changes": json.loads(row["changes"]),
            **({"client_name": name} if "first_name" in row else {})}


def _client(row: dict) -> dict:
    return {"id": row["client_id"], "version": row["version"], "status": row["status"],
            **_loads(row["profile"]), "created_by": row["created_by"],
            "created_at": row["created_at"], "updated_at": row["updated_at"],
            "latest_check_id": row["latest_check_id"]}


def _listed_client(row: dict) -> dict:
    best = None if row["best_visa_type"] is None else {
        "visa_type": row["best_visa_type"], "verdict": row["best_verdict"],
        "eligibility_score": int(row["best_score"]),
        "success_probability": float(row["best_probability"])}
    return {**_client(row), "best_option": best,
            "latest_check_status": row["latest_check_status"]}


def _check(row: dict) -> dict:
    result = _loads(row["result"]) if row["result"] else None
    check = {
        "check_id": row["check_id"], "client_id": row["client_id"], "status": row["status"],
        "profile_version": row["profile_version"], "analysis_mode": row["analysis_mode"],
        "requested_by": row["requested_by"], "requested_at": row["requested_at"],
        "started_at": row["started_at"], "completed_at": row["completed_at"],
        "updated_at": row["updated_at"],
    }
    if result is not None:
        # Each finding leads with one sentence in plain words, for the web app and the report.
        check["recommendations"] = [{"headline": headline(r), **r}
                                    for r in result["recommendations"]]
        check["catalogue_version"] = result.get("catalogue_version")
        check["rules_version"] = result.get("rules_version")
        for key in ENGINE_RESULT_KEYS:
            if key in result:
                check[key] = result[key]
    if row["status"] == "failed":
        check["error_message"] = row["error_message"]
        check["retry_allowed"] = bool(row["retry_allowed"])
    return check
