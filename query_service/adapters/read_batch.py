"""One firm's read rows for a batch of events: read in a few statements, written back set-based.

The projections change rows here in memory, event after event; `flush` then writes each
table with one statement per kind of change (executemany: no round trip per row), in the
projector's transaction, beside the firm's position.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import orjson

from query_service.adapters.read_tables import ReadTables
from shared.sql import Transaction

CLIENT_COLUMNS = ("version", "status", "first_name", "last_name", "email", "email_digest",
                  "employer", "field", "search_text", "profile", "created_by", "created_at",
                  "updated_at", "latest_check_id", "search_rowid")
CHECK_COLUMNS = ("client_id", "status", "profile_version", "analysis_mode", "result",
                 "error_message", "retry_allowed", "requested_by", "requested_at", "started_at",
                 "completed_at", "updated_at")
RECOMMENDATION_COLUMNS = ("check_id", "client_id", "visa_type", "rank", "verdict",
                          "eligibility_score", "success_probability", "requested_at",
                          "is_current")
AUDIT_COLUMNS = ("position", "event_type", "action", "entity_type", "entity_id", "client_id",
                 "actor_id", "actor_kind", "request_id", "correlation_id", "occurred_at",
                 "changes")
IDS_PER_STATEMENT = 500


def canonical_json(value) -> str:
    """Serialise with sorted keys, so a replay stores exactly what live delivery stored.

    orjson: a check's result is about 100 KB, and the standard library's sorted encoding of
    it cost more than everything else the projector does for the event. What orjson
    refuses (a lone surrogate) goes through the standard library and fails at the write.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(value, sort_keys=True)


def json_column(text: str):
    """Read a JSON column back (either library's form)."""
    return orjson.loads(text)


def _read_by_id(tx: Transaction, sql: str, firm_id: str, ids: list[str]) -> dict[str, dict | None]:
    """Run a query whose first column is an id, for many ids in few statements; None: no row."""
    wanted, found = list(dict.fromkeys(ids)), {}
    for start in range(0, len(wanted), IDS_PER_STATEMENT):
        chunk = wanted[start:start + IDS_PER_STATEMENT]
        rows = tx.fetch_all(sql.format(", ".join("?" * len(chunk))), (firm_id, *chunk))
        found.update(dict.fromkeys(chunk))
        found.update((next(iter(r.values())), r) for r in rows)
    return found


class _Rows:
    """One keyed table's rows of the firm: as read, created and changed in this batch."""

    def __init__(self, tx: Transaction, table: str, key: str, columns: tuple[str, ...],
                 firm_id: str):
        self._tx, self._table, self._key, self._columns = tx, table, key, columns
        self._firm_id = firm_id
        self.rows: dict[str, dict | None] = {}
        self.created: dict[str, None] = {}
        self.changed: dict[str, None] = {}

    def load(self, ids) -> None:
        loaded = _read_by_id(self._tx, f"SELECT {self._key}, {', '.join(self._columns)}"
                             f" FROM {self._table} WHERE firm_id = ? AND {self._key} IN ({{}})",
                             self._firm_id, [i for i in ids if i not in self.rows])
        self.rows.update((key, row and {c: row[c] for c in self._columns})
                         for key, row in loaded.items())

    def get(self, key: str) -> dict | None:
        if key not in self.rows:
            self.load([key])
        return self.rows[key]

    def add(self, key: str, row: dict) -> None:
        if self.get(key) is not None:
            raise ValueError(f"{self._table} already holds {key}")
        self.rows[key] = {c: row.get(c) for c in self._columns}
        self.created[key] = None

    def change(self, key: str, **values) -> bool:
        """Change a row's columns; False (and nothing changed) when there is no such row."""
        row = self.get(key)
        if row is None:
            return False
        row.update(values)
        self.changed[key] = None
        return True

    def flush(self) -> None:
        self._tx.insert_rows(self._table, ("firm_id", self._key, *self._columns),
                             [(self._firm_id, k, *self._values(k)) for k in self.created])
        self._tx.execute_many(
            f"UPDATE {self._table} SET {', '.join(f'{c} = ?' for c in self._columns)}"
            f" WHERE firm_id = ? AND {self._key} = ?",
            [(*self._values(k), self._firm_id, k) for k in self.changed
             if k not in self.created])


    def _values(self, key: str) -> list:
        row = self.rows[key]
        return [row[c] for c in self._columns]


class ReadBatch:
    """The read rows one firm's batch of events touches, and the rows it adds."""

    def __init__(self, tx: Transaction, tables: ReadTables, firm_id: str):
        self.tx, self.t, self.firm_id = tx, tables, firm_id
        self.clients = _Rows(tx, tables.clients, "client_id", CLIENT_COLUMNS, firm_id)
        self.checks = _Rows(tx, tables.checks, "check_id", CHECK_COLUMNS, firm_id)
        self._current_at: dict[str, str | None] = {}
        self._demoted: dict[str, None] = {}
        self._recommendations: dict[str, list[dict]] = {}
        self._counters: dict[tuple[str, str], list] = {}
        self._audit: list[tuple] = []
        self._reindexed: dict[str, None] = {}
        self._words_erased = False
        # Clients' profile fields as the batch's events leave them, parsed from their rows.
        self.profiles: dict[str, dict] = {}
        self._before_flush: dict[str, Callable[[], None]] = {}

    def before_flush(self, name: str, action: Callable[[], None]) -> None:
        """Run action once, when the batch is written (a second one of that name is ignored)."""
        self._before_flush.setdefault(name, action)

    def load_current_recommendations(self, client_ids) -> None:
        """Read when each client's current recommendations were requested (None: none are)."""
        loaded = _read_by_id(
            self.tx, f"SELECT client_id, MAX(requested_at) AS requested_at"
            f" FROM {self.t.recommendations} WHERE firm_id = ? AND is_current = 1"
            " AND client_id IN ({}) GROUP BY client_id", self.firm_id,
            [c for c in client_ids if c not in self._current_at])
        self._current_at.update((c, row and row["requested_at"]) for c, row in loaded.items())

    def current_recommendations_at(self, client_id: str) -> str | None:
        if client_id not in self._current_at:
            self.load_current_recommendations([client_id])
        return self._current_at[client_id]

    def demote_recommendations(self, client_id: str) -> None:
        """The client's current recommendations are current no longer."""
        for row in self._recommendations.get(client_id, ()):
            row["is_current"] = 0
        self._demoted[client_id] = None
        self._current_at[client_id] = None

    def add_recommendation(self, row: dict) -> None:
        self._recommendations.setdefault(row["client_id"], []).append(row)
        if row["is_current"]:
            self._current_at[row["client_id"]] = row["requested_at"]

    def count(self, metric: str, bucket: str, count: int = 1, total: float = 0) -> None:
        counter = self._counters.setdefault((metric, bucket), [0, 0])
        counter[0] += count
        counter[1] += total

    def audit(self, row: dict) -> None:
        self._audit.append(tuple(row[c] for c in AUDIT_COLUMNS))

    def reindex(self, client_id: str, erased: bool = False) -> None:
        """The client's search words changed (SQLite keeps them in an FTS5 table beside)."""
        if self.tx.dialect == "sqlite":
            self._reindexed[client_id] = None
            self._words_erased = self._words_erased or erased

    def flush(self) -> None:
        """Write every change: one statement per table and kind of change."""
        tx, t = self.tx, self.t
        for action in self._before_flush.values():
            action()
        self._number_search_rows()
        self.clients.flush()
        self.checks.flush()
        tx.execute_many(f"UPDATE {t.recommendations} SET is_current = 0"
                        " WHERE firm_id = ? AND client_id = ? AND is_current = 1",
                        [(self.firm_id, c) for c in self._demoted])
        tx.insert_rows(t.recommendations, ("firm_id", *RECOMMENDATION_COLUMNS),
                       [(self.firm_id, *(r[c] for c in RECOMMENDATION_COLUMNS))
                        for rows in self._recommendations.values() for r in rows])
        counters = t.dashboard_counters
        tx.execute_many(
            f"INSERT INTO {counters} (firm_id, metric, bucket, count, total)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (firm_id, metric, bucket) DO UPDATE SET"
            f" count = {counters}.count + excluded.count,"
            f" total = {counters}.total + excluded.total",
            [(self.firm_id, metric, bucket, n, total)
             for (metric, bucket), (n, total) in self._counters.items()])
        tx.insert_rows(t.audit_log, ("firm_id", *AUDIT_COLUMNS),
                       [(self.firm_id, *row) for row in self._audit])
        rows = [(self.clients.rows[c]["search_rowid"], self.clients.rows[c]["search_text"])
                for c in self._reindexed]
        tx.execute_many(f"DELETE FROM {t.clients_fts} WHERE rowid = ?", [(r,) for r, _ in rows])
        tx.execute_many(f"INSERT INTO {t.clients_fts} (rowid, search_text) VALUES (?, ?)", rows)
        if self._words_erased:
            # FTS5 only marks a deleted row's words deleted in a newer segment; merging all
            # segments into one drops them (PostgreSQL derives the words from the row).
            tx.execute(f"INSERT INTO {t.clients_fts} ({t.clients_fts}) VALUES ('optimize')")

    def _number_search_rows(self) -> None:
        # A client's FTS row is numbered once, when first indexed, after every number in use.
        unnumbered = [c for c in self._reindexed
                      if self.clients.rows[c]["search_rowid"] is None]
        if not unnumbered:
            return
        last = self.tx.fetch_one(f"SELECT COALESCE(MAX(search_rowid), 0) AS last"
                                 f" FROM {self.t.clients}")["last"]
        for number, client_id in enumerate(unnumbered, start=last + 1):
            self.clients.change(client_id, search_rowid=number)
