"""Upgrade existing read tables to the email blind index (read model v4).

Adds the digest column and its index, then fills both the digests and the search words
(which no longer hold addresses) from each client's projected profile, so email lookup
works and audit verification finds no drift without a rebuild.
"""

from __future__ import annotations

import json

from event_store import EmailIndex
from query_service.adapters.read_tables import LIVE, table_exists
from query_service.projections import search_text
from shared.sql import Database, Transaction

PAGE = 2000


def add_email_digests(db: Database, email_index: EmailIndex) -> None:
    with db.transaction() as tx:
        if not table_exists(tx, LIVE.clients) or _has_column(tx, "email_digest"):
            return
        tx.execute(f"ALTER TABLE {LIVE.clients} ADD COLUMN email_digest TEXT")
        tx.execute(f"CREATE INDEX clients_email ON {LIVE.clients} (firm_id, email_digest)")
        after = ("", "")
        while rows := tx.fetch_all(
                f"SELECT firm_id, client_id, profile, search_rowid FROM {LIVE.clients}"
                " WHERE (firm_id, client_id) > (?, ?) ORDER BY firm_id, client_id LIMIT ?",
                (*after, PAGE)):
            for row in rows:
                _refill(tx, email_index, row)
            after = (rows[-1]["firm_id"], rows[-1]["client_id"])


def _refill(tx: Transaction, email_index: EmailIndex, row: dict) -> None:
    fields = json.loads(row["profile"])
    words = search_text(fields)
    tx.execute(f"UPDATE {LIVE.clients} SET email_digest = ?, search_text = ?"
               " WHERE firm_id = ? AND client_id = ?",
               (email_index.digest(row["firm_id"], fields.get("email")), words,
                row["firm_id"], row["client_id"]))
    if tx.dialect == "sqlite" and row["search_rowid"] is not None:
        tx.execute(f"UPDATE {LIVE.clients_fts} SET search_text = ? WHERE rowid = ?",
                   (words, row["search_rowid"]))


def _has_column(tx: Transaction, column: str) -> bool:
    if tx.dialect == "sqlite":
        return any(r["name"] == column
                   for r in tx.fetch_all(f"PRAGMA table_info({LIVE.clients})"))
    return tx.fetch_one("SELECT 1 AS found FROM information_schema.columns WHERE table_name = ?"
                        " AND column_name = ? AND table_schema = current_schema()",
                        (LIVE.clients, column)) is not None
