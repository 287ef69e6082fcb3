"""Clients whose latest check used a catalogue version other than the one in force."""

from __future__ import annotations

import json

from query_service.adapters.read_tables import scope_to_firm
from shared.sql import Database


def stale_clients(db: Database, firm_id: str, current_version: str) -> list[dict]:
    """Active clients of one firm whose latest completed check predates the current catalogue."""
    with db.read() as tx:
        scope_to_firm(tx, firm_id)
        rows = tx.fetch_all(
            "SELECT c.client_id, c.first_name, c.last_name, c.version, k.check_id, k.result,"
            " k.completed_at FROM clients c JOIN checks k ON k.firm_id = c.firm_id AND"
            " k.check_id = c.latest_check_id WHERE c.firm_id = ? AND c.status = 'active'"
            " AND k.status = 'completed' ORDER BY c.created_at, c.client_id", (firm_id,))
    stale = []
    for row in rows:
        used = json.loads(row["result"]).get("catalogue_version")
        if used != current_version:
            stale.append({"id": row["client_id"], "first_name": row["first_name"],
                          "last_name": row["last_name"], "version": row["version"],
                          "latest_check": {"check_id": row["check_id"],
                                           "catalogue_version": used,
                                           "completed_at": row["completed_at"]}})
    return stale
