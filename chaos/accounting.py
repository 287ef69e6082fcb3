"""Count what happened to accepted commands: delivered, duplicated or lost.

The event store is the truth. A command is delivered when its event is in the
store and its effect is in the read tables (a client at its version, a check
concluded); a check concluded more than once, or a read row that differs from a
fresh replay of the store, is a duplicate.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg
from psycopg.rows import dict_row

from chaos.workload import Outcomes
from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import read_envelopes
from query_service.adapters.read_tables import migrate_read_tables
from query_service.projections import Projector
from shared.config import load_settings
from contracts import (
    CHECK_FAILED,
    RECOMMENDATIONS_PRODUCED,
    EventEnvelope,
)
from shared.sql import Database
from event_store import EVENT_STORE_SCHEMA, firm_store_name

JSON_COLUMNS = ("profile", "result")
READ_TABLES = {
    "clients": "client_id",
    "checks": "check_id",
    "recommendations": "check_id, visa_type",
}


@dataclass
class Tally:
    """What one scenario did and what became of every command it sent."""

    scenario: str
    actions: list[str] = field(default_factory=list)
    sent: int = 0
    accepted: int = 0
    delivered: int = 0
    duplicated: int = 0
    lost: int = 0
    details: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.delivered == self.accepted

    def did(self, action: str) -> None:
        print(f"[{self.scenario}] {action}", flush=True)
        self.actions.append(action)

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (f"{verdict} {self.scenario}: sent={self.sent} accepted={self.accepted} "
                f"delivered={self.delivered} duplicated={self.duplicated} lost={self.lost}"
                + (f" {self.details}" if self.details else ""))

    def as_dict(self) -> dict:
        return {"scenario": self.scenario, "actions": self.actions, "sent": self.sent,
                "accepted": self.accepted, "delivered": self.delivered,
                "duplicated": self.duplicated, "lost": self.lost, "passed": self.passed,
                "details": self.details}


class Ledger:
    """Read a firm's event store and read tables to account for accepted commands."""

    def __init__(self, env: dict, firm_id: str):
        self.settings = load_settings(env)
        self.firm_id = firm_id
        # The services' keyring: a replay opens sealed identifiers as the projector does.
        self._keyring = bootstrap.keyring(self.settings)
        self._stores = firm_case_files(self.settings, keyring=self._keyring)
        self._conn = None

    def events(self) -> list[EventEnvelope]:
        cases, events = self._stores.for_firm(self.firm_id), []
        while batch := read_envelopes(cases, events[-1].position if events else 0, 1000):
            events += batch
        return events

    def conclusions(self, events: list[EventEnvelope]) -> Counter:
        return Counter(e.aggregate_id for e in events
                       if e.event_type in (RECOMMENDATIONS_PRODUCED, CHECK_FAILED))

    def read_rows(self, database_url: str | None = None) -> dict[str, list[dict]]:
        """Return this firm's rows of every read table, in a stable order."""
        with psycopg.connect(database_url or self.settings.database_url,
                             row_factory=dict_row) as conn:
            return {table: [_parsed(row) for row in conn.execute(
                        f"SELECT * FROM {table} WHERE firm_id = %s ORDER BY {key}",
                        (self.firm_id,)).fetchall()]
                    for table, key in READ_TABLES.items()}

    def count(self, tally: Tally, outcomes: Outcomes) -> Tally:
        """Fill the tally's counts from the store and the read tables, as they are now."""
        events = self.events()
        stored = {(e.aggregate_id, e.aggregate_version) for e in events}
        conclusions = self.conclusions(events)
        rows = self.read_rows()
        projected_clients = {r["client_id"]: r["version"] for r in rows["clients"]}
        concluded_checks = {r["check_id"] for r in rows["checks"]
                            if r["status"] in ("completed", "failed")}
        delivered = 0
        for command in outcomes.accepted:
            in_store = (command.aggregate_id, command.version) in stored
            if command.kind == "check":
                effect = (command.aggregate_id in concluded_checks
                          and conclusions[command.aggregate_id] >= 1)
            else:
                effect = projected_clients.get(command.aggregate_id, 0) >= command.version
            delivered += in_store and effect
        tally.sent, tally.accepted = outcomes.sent, len(outcomes.accepted)
        tally.delivered = delivered
        tally.duplicated = sum(n - 1 for n in conclusions.values() if n > 1)
        tally.lost = tally.accepted - delivered
        if outcomes.refused:
            tally.details["refused"] = dict(outcomes.refused)
        return tally

    def settle(self, tally: Tally, outcomes: Outcomes, timeout: float) -> Tally:
        """Count repeatedly until every accepted command is delivered or the time is up."""
        deadline = time.monotonic() + timeout
        while True:
            self.count(tally, outcomes)
            if tally.delivered == tally.accepted or time.monotonic() > deadline:
                return tally
            time.sleep(0.5)

    def replay_differences(self, replay_url: str) -> dict[str, dict[str, int]]:
        """Project the whole store into an empty database; count extra and missing live rows."""
        db = Database(postgres_url=replay_url)
        try:
            migrate_read_tables(db)
            projector = Projector(db, keyring=self._keyring)
            for envelope in self.events():
                projector.handle(envelope)
        finally:
            db.close()
        live, fresh = self.read_rows(), self.read_rows(replay_url)
        return {table: _differences(live[table], fresh[table]) for table in READ_TABLES}

    def projector_backlog(self) -> int:
        """Count this firm's stored events the projector has not applied yet."""
        events = self.events()
        with psycopg.connect(self.settings.database_url) as conn:
            row = conn.execute("SELECT position FROM projector_positions WHERE consumer ="
                               " 'projector' AND firm_id = %s", (self.firm_id,)).fetchone()
        applied = row[0] if row else 0
        return sum(1 for e in events if e.position > applied)

    def processing_checks(self) -> int:
        """Count checks started and not concluded: the engine is mid-check (or died there)."""
        self._stores.for_firm(self.firm_id)  # the firm's table exists before its first command
        # One connection for the whole poll: PostgreSQL's connections are shared and few.
        if self._conn is None:
            self._conn = psycopg.connect(self.settings.database_url, autocommit=True)
        return self._conn.execute(
            f"SELECT count(*) FROM (SELECT originator_id FROM {self._events_table}"
            " GROUP BY originator_id HAVING bool_or(topic LIKE %s) AND NOT bool_or("
            "topic LIKE %s OR topic LIKE %s)) AS open_checks",
            ("%EligibilityCheck.Started", "%EligibilityCheck.RecommendationsProduced",
             "%EligibilityCheck.Failed")).fetchone()[0]

    @property
    def _events_table(self) -> str:
        return f'"{EVENT_STORE_SCHEMA}"."{firm_store_name(self.firm_id)}_events"'

    def close(self) -> None:
        self._stores.close()
        if self._conn is not None:
            self._conn.close()


def _parsed(row: dict) -> dict:
    # JSON columns are compared as values: key order depends on the path an event took.
    return {name: json.loads(value) if name in JSON_COLUMNS and value else value
            for name, value in row.items()}


def _differences(live: list[dict], fresh: list[dict]) -> dict[str, int]:
    live_rows = Counter(json.dumps(r, sort_keys=True, default=str) for r in live)
    fresh_rows = Counter(json.dumps(r, sort_keys=True, default=str) for r in fresh)
    return {"extra": sum((live_rows - fresh_rows).values()),
            "missing": sum((fresh_rows - live_rows).values()), "rows": len(fresh)}
