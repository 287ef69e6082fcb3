"""Compliance verification: replay a firm's stored events, check their hash chain,
and compare the live read tables with a fresh projection of the same events."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from event_store import Checkpoint, ChainProblem, check_against, verify_chain
from event_store import FirmStores
from event_store import to_envelope
from query_service.adapters.read_tables import LIVE, ReadTables, create_tables
from query_service.adapters.read_batch import json_column
from query_service.projections import Projector
from shared.sql import Database, Transaction

# Each compared table with its key columns and the columns compared.
COMPARED = {
    "clients": (("client_id",), ("version", "status", "first_name", "last_name", "email",
                                 "email_digest", "employer", "field", "search_text", "profile", "created_by",
                                 "created_at", "updated_at", "latest_check_id")),
    "checks": (("check_id",), ("client_id", "status", "profile_version", "analysis_mode",
                               "result", "error_message", "retry_allowed", "requested_by",
                               "requested_at", "started_at", "completed_at", "updated_at")),
    "recommendations": (("check_id", "visa_type"), ("client_id", "rank", "verdict",
                                                    "eligibility_score", "success_probability",
                                                    "requested_at", "is_current")),
    "dashboard_counters": (("metric", "bucket"), ("count", "total")),
    "audit_log": (("position",), ("event_type", "action", "entity_type", "entity_id",
                                  "client_id", "actor_id", "actor_kind", "request_id",
                                  "correlation_id", "occurred_at", "changes")),
}
PAGE = 5000


@dataclass
class FirmVerification:
    firm_id: str
    events: int = 0
    chain_head: str = ""
    position: int = 0
    head_position: int = 0
    chain_problems: list[ChainProblem] = field(default_factory=list)
    drift: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)

    @property
    def lag(self) -> int:
        return max(0, self.head_position - self.position)

    @property
    def ok(self) -> bool:
        return not (self.chain_problems or self.drift or self.quarantined or self.lag)

    def as_dict(self) -> dict:
        return {"firm_id": self.firm_id, "ok": self.ok, "events": self.events,
                "chain_head": self.chain_head, "projection_position": self.position,
                "head_position": self.head_position, "projection_lag": self.lag,
                "chain_problems": [p.as_dict() for p in self.chain_problems],
                "drift": self.drift, "quarantined": self.quarantined}


def verify_firm(read_db: Database, stores: FirmStores, firm_id: str,
                wait_seconds: float = 10.0, checkpoints: Sequence[Checkpoint] = (),
                trusted_key: Ed25519PublicKey | None = None) -> FirmVerification:
    """Check one firm's chain (and the auditor's signed checkpoints of it), its projection's
    progress, and its read tables afresh.

    The read tables must have caught up with the store's head (waiting up to
    wait_seconds for the projector) and hold no quarantined event.
    """
    app = stores.for_firm(firm_id)
    notifications = _all_notifications(app.recorder)
    report = FirmVerification(firm_id, events=len(notifications),
                              head_position=notifications[-1].id if notifications else 0)
    report.chain_problems, report.chain_head = verify_chain(app.recorder.chain_links(),
                                                           notifications, app.chain_key)
    report.chain_problems += check_against(
        [c for c in checkpoints if c.firm_id == firm_id], app.recorder.chain_links(),
        trusted_key)
    _wait_for_projection(read_db, firm_id, report.head_position, wait_seconds)
    live = _live_rows(read_db, firm_id)
    report.position = live.pop("__position")
    report.quarantined = [e.as_dict() for e in Projector(read_db).quarantine.events(firm_id)]
    fresh = _fresh_rows(app, firm_id, [n for n in notifications if n.id <= report.position],
                        report)
    for table in COMPARED:
        report.drift += _differences(table, live[table], fresh[table])
    return report


def _wait_for_projection(db: Database, firm_id: str, head: int, seconds: float) -> None:
    positions = Projector(db)
    deadline = time.monotonic() + seconds
    while positions.position(firm_id) < head and time.monotonic() < deadline:
        time.sleep(0.1)


def _all_notifications(recorder) -> list:
    notifications, start = [], 0
    while page := recorder.select_notifications(start, PAGE, inclusive_of_start=False):
        notifications += page
        start = page[-1].id
    return notifications


def _live_rows(db: Database, firm_id: str) -> dict:
    with db.read() as tx:
        if tx.dialect == "postgresql":
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows = _rows(tx, LIVE, firm_id)
    return rows


def _fresh_rows(app, firm_id: str, notifications: list, report: FirmVerification) -> dict:
    scratch = Database(sqlite_path=Path(":memory:"))
    tables = ReadTables()
    create_tables(scratch, tables)
    projector = Projector(scratch, tables, keyring=getattr(app, "keyring", None))
    with scratch.transaction() as tx:
        for notification in notifications:
            try:
                envelope = to_envelope(app, notification)
            except Exception as exc:  # a tampered event may no longer decode
                report.chain_problems.append(ChainProblem(
                    "undecodable", notification.id, f"{type(exc).__name__}: {exc}"))
                continue
            projector.apply_batch(tx, [envelope], isolate=True)
        # e.g. an edit whose creation was deleted, or a value no table can hold
        for event in projector.quarantine.events(firm_id, tx=tx):
            report.chain_problems.append(ChainProblem("unprojectable", event.position,
                                                      event.error))
        rows = _rows(tx, tables, firm_id)
    scratch.close()
    return rows


def _rows(tx: Transaction, t: ReadTables, firm_id: str) -> dict:
    rows: dict = {}
    for table, (keys, columns) in COMPARED.items():
        selected = ", ".join((*keys, *columns))
        fetched = tx.fetch_all(f"SELECT {selected} FROM {getattr(t, table)} WHERE firm_id = ?",
                               (firm_id,))
        rows[table] = {tuple(_plain(r[k]) for k in keys): {c: _plain(r[c], c) for c in columns}
                       for r in fetched}
    position = tx.fetch_one(f"SELECT position FROM {t.projector_positions}"
                            " WHERE consumer = 'projector' AND firm_id = ?", (firm_id,))
    rows["__position"] = int(position["position"]) if position else 0
    return rows


def _differences(table: str, live: dict, fresh: dict) -> list[dict]:
    drift = []
    for key in sorted(live.keys() | fresh.keys(), key=str):
        if key not in fresh:
            drift.append({"table": table, "key": list(key), "problem": "unexpected row"})
        elif key not in live:
            drift.append({"table": table, "key": list(key), "problem": "missing row"})
        elif live[key] != fresh[key]:
            columns = sorted(c for c in live[key] if live[key][c] != fresh[key][c])
            drift.append({"table": table, "key": list(key), "problem": "differs",
                          "columns": columns})
    return drift


# Compared as the JSON they hold: rows projected by earlier releases spell it differently.
JSON_COLUMNS = frozenset(("profile", "result", "changes"))


def _plain(value, column: str = ""):
    if column in JSON_COLUMNS and isinstance(value, str):
        return json_column(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), 9)
    return value
