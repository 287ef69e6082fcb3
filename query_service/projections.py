"""Projections: one class per read model, one method per event type.

The projector applies an event and records the firm's position in the same
transaction, so a redelivered or replayed event changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re

from query_service.adapters.read_tables import LIVE, ReadTables, tag_writes_with_firm
from query_service.audit_projection import AuditLogProjection
from query_service.dashboard_projection import DashboardProjection
import contracts
from contracts import EventEnvelope
from shared.positions import PositionTable
from contracts.profile import erased_fields
from event_store import ClientKeyring, EmailIndex
from shared.quarantine import HELD, Quarantine, describe, is_transient
from shared.sql import Database, Transaction

log = logging.getLogger(__name__)


class ClientListingProjection:
    """The clients table: listing, filters, full-text search, email lookup and detail."""

    def __init__(self, tables: ReadTables, email_index: EmailIndex | None = None):
        self.t = tables
        self._email_index = email_index

    def _email_digest(self, e: EventEnvelope, fields: dict) -> str | None:
        return self._email_index.digest(e.firm_id, fields.get("email")) \
            if self._email_index else None

    def client_profile_created(self, tx: Transaction, e: EventEnvelope) -> None:
        fields = e.data["fields"]
        tx.execute(
            f"INSERT INTO {self.t.clients} (firm_id, client_id, version, status, first_name,"
            " last_name, email, email_digest, employer, field, search_text, profile, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.firm_id, e.aggregate_id, e.aggregate_version, fields.get("first_name") or "",
             fields.get("last_name") or "", fields.get("email"), self._email_digest(e, fields),
             _employer(fields),
             fields.get("field_of_study"), search_text(fields), canonical_json(fields),
             e.meta.get("actor_id"), e.occurred_at, e.occurred_at))
        self._index(tx, e, fields)

    def client_profile_edited(self, tx: Transaction, e: EventEnvelope) -> None:
        row = tx.fetch_one(f"SELECT profile FROM {self.t.clients}"
                           " WHERE firm_id = ? AND client_id = ?", (e.firm_id, e.aggregate_id))
        fields = json.loads(row["profile"])
        for name, change in e.data["changes"].items():
            if change["new"] is None:
                fields.pop(name, None)
            else:
                fields[name] = change["new"]
        tx.execute(
            f"UPDATE {self.t.clients} SET version = ?, first_name = ?, last_name = ?, email = ?,"
            " email_digest = ?, employer = ?, field = ?, search_text = ?, profile = ?,"
            " updated_at = ? WHERE firm_id = ? AND client_id = ?",
            (e.aggregate_version, fields.get("first_name") or "", fields.get("last_name") or "",
             fields.get("email"), self._email_digest(e, fields),
             _employer(fields), fields.get("field_of_study"), search_text(fields),
             canonical_json(fields), e.occurred_at, e.firm_id, e.aggregate_id))
        self._index(tx, e, fields)

    def case_outcome_recorded(self, tx: Transaction, e: EventEnvelope) -> None:
        """A recorded case outcome moves the client's version (the history stays in the store)."""
        tx.execute(f"UPDATE {self.t.clients} SET version = ?, updated_at = ?"
                   " WHERE firm_id = ? AND client_id = ?",
                   (e.aggregate_version, e.occurred_at, e.firm_id, e.aggregate_id))

    def client_profile_archived(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute(f"UPDATE {self.t.clients} SET version = ?, status = 'archived', updated_at = ?"
                   " WHERE firm_id = ? AND client_id = ?",
                   (e.aggregate_version, e.occurred_at, e.firm_id, e.aggregate_id))

    def client_profile_erased(self, tx: Transaction, e: EventEnvelope) -> None:
        row = tx.fetch_one(f"SELECT profile FROM {self.t.clients}"
                           " WHERE firm_id = ? AND client_id = ?", (e.firm_id, e.aggregate_id))
        remaining = erased_fields(json.loads(row["profile"])) if row else {}
        tx.execute(f"UPDATE {self.t.clients} SET version = ?, status = 'erased', first_name = '',"
                   " last_name = '', email = NULL, email_digest = NULL, employer = NULL,"
                   " field = NULL, search_text = ?,"
                   " profile = ?, updated_at = ?"
                   " WHERE firm_id = ? AND client_id = ?",
                   (e.aggregate_version, search_text(remaining), canonical_json(remaining),
                    e.occurred_at, e.firm_id, e.aggregate_id))
        self._index(tx, e, remaining)
        if tx.dialect == "sqlite":
            # FTS5 only marks a deleted row's words deleted in a newer segment; merging all
            # segments into one drops them (PostgreSQL derives the words from the row).
            tx.execute(f"INSERT INTO {self.t.clients_fts} ({self.t.clients_fts})"
                       " VALUES ('optimize')")

    def _index(self, tx: Transaction, e: EventEnvelope, fields: dict) -> None:
        # PostgreSQL derives its tsvector column; SQLite keeps an FTS5 table beside.
        if tx.dialect != "sqlite":
            return
        row = tx.fetch_one(f"SELECT search_rowid FROM {self.t.clients}"
                           " WHERE firm_id = ? AND client_id = ?", (e.firm_id, e.aggregate_id))
        rowid = row["search_rowid"]
        if rowid is None:
            rowid = tx.fetch_one(f"SELECT COALESCE(MAX(search_rowid), 0) + 1 AS next"
                                 f" FROM {self.t.clients}")["next"]
            tx.execute(f"UPDATE {self.t.clients} SET search_rowid = ?"
                       " WHERE firm_id = ? AND client_id = ?", (rowid, e.firm_id, e.aggregate_id))
        tx.execute(f"DELETE FROM {self.t.clients_fts} WHERE rowid = ?", (rowid,))
        tx.execute(f"INSERT INTO {self.t.clients_fts} (rowid, search_text) VALUES (?, ?)",
                   (rowid, search_text(fields)))


class CheckResultsProjection:
    """The checks table and one row per visa recommendation."""

    def __init__(self, tables: ReadTables):
        self.t = tables

    def check_requested(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute(
            f"INSERT INTO {self.t.checks} (firm_id, check_id, client_id, status, profile_version,"
            " requested_by, requested_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
            (e.firm_id, e.aggregate_id, e.data["client_id"], e.data["profile_version"],
             e.meta.get("actor_id"), e.occurred_at, e.occurred_at))
        tx.execute(f"UPDATE {self.t.clients} SET latest_check_id = ?"
                   " WHERE firm_id = ? AND client_id = ?",
                   (e.aggregate_id, e.firm_id, e.data["client_id"]))

    def check_started(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute(f"UPDATE {self.t.checks} SET status = 'processing', started_at = ?,"
                   " updated_at = ? WHERE firm_id = ? AND check_id = ?",
                   (e.occurred_at, e.occurred_at, e.firm_id, e.aggregate_id))

    def recommendations_produced(self, tx: Transaction, e: EventEnvelope) -> None:
        result = e.data["result"]
        tx.execute(f"UPDATE {self.t.checks} SET status = 'completed', analysis_mode = ?,"
                   " result = ?, completed_at = ?, updated_at = ?"
                   " WHERE firm_id = ? AND check_id = ?",
                   (result.get("analysis_mode"), canonical_json(result), e.occurred_at,
                    e.occurred_at, e.firm_id, e.aggregate_id))
        check = tx.fetch_one(f"SELECT client_id, requested_at FROM {self.t.checks}"
                             " WHERE firm_id = ? AND check_id = ?", (e.firm_id, e.aggregate_id))
        is_current = self._supersede(tx, e.firm_id, check["client_id"], check["requested_at"])
        for rank, rec in enumerate(result["recommendations"], start=1):
            tx.execute(
                f"INSERT INTO {self.t.recommendations} (firm_id, check_id, client_id, visa_type,"
                " rank, verdict, eligibility_score, success_probability, requested_at,"
                " is_current) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (e.firm_id, e.aggregate_id, check["client_id"], rec["visa_type"], rank,
                 rec["verdict"], rec["eligibility_score"], rec["success_probability"],
                 check["requested_at"], is_current))

    def attorney_assessment_recorded(self, tx: Transaction, e: EventEnvelope) -> None:
        """Keep every assessment beside the engine's result; the engine's findings stay."""
        row = tx.fetch_one(f"SELECT result FROM {self.t.checks} WHERE firm_id = ? AND check_id = ?",
                           (e.firm_id, e.aggregate_id))
        result = json.loads(row["result"])
        result["attorney_assessments_recorded"] = [
            *result.get("attorney_assessments_recorded", []),
            {**e.data["assessment"], "attorney_id": e.meta.get("actor_id"),
             "recorded_at": e.occurred_at}]
        tx.execute(f"UPDATE {self.t.checks} SET result = ?, updated_at = ?"
                   " WHERE firm_id = ? AND check_id = ?",
                   (canonical_json(result), e.occurred_at, e.firm_id, e.aggregate_id))

    def analysis_produced(self, tx: Transaction, e: EventEnvelope) -> None:
        """Put the model's opinion beside each recommendation; the rules' figures stay."""
        analysis = e.data["analysis"]
        by_type = {t["visa_type"]: t for t in analysis["types"]}

        def add(result: dict) -> None:
            for rec in result["recommendations"]:
                opinion = by_type.get(rec["visa_type"])
                rec["llm_assessment"] = opinion
                views = {o["criterion_id"]: o for o in (opinion or {}).get("criterion_opinions", [])}
                for row in [*rec["gates"], *rec["criteria"]]:
                    row["llm_opinion"] = views.get(row["id"])
            result["analysis"] = {"status": "ready", **{k: v for k, v in analysis.items()
                                                         if k != "types"}}
            result["analysis_mode"] = "llm_and_rules"
            usage = analysis.get("usage") or {}
            result.setdefault("provenance", {})["analysis"] = {
                "model": analysis.get("model"), "prompt_version": analysis.get("prompt_version"),
                "request_ids": usage.get("request_ids", []), "cost_usd": usage.get("cost_usd"),
                "reused_stored_analysis": analysis.get("reused_stored_analysis", False)}
        self._update_result(tx, e, add, analysis_mode="llm_and_rules")

    def analysis_failed(self, tx: Transaction, e: EventEnvelope) -> None:
        def add(result: dict) -> None:
            result["analysis"] = {"status": "failed", **e.data}
            result["analysis_note"] = f"rules only: {e.data['message']}"
        self._update_result(tx, e, add, analysis_mode="rules_only")

    def _update_result(self, tx: Transaction, e: EventEnvelope, change, analysis_mode: str
                       ) -> None:
        check_id = e.data["check_id"]
        row = tx.fetch_one(f"SELECT result FROM {self.t.checks} WHERE firm_id = ? AND check_id = ?",
                           (e.firm_id, check_id))
        if not row or not row["result"]:
            return
        result = json.loads(row["result"])
        change(result)
        tx.execute(f"UPDATE {self.t.checks} SET result = ?, analysis_mode = ?, updated_at = ?"
                   " WHERE firm_id = ? AND check_id = ?",
                   (canonical_json(result), analysis_mode, e.occurred_at, e.firm_id, check_id))

    def check_failed(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute(f"UPDATE {self.t.checks} SET status = 'failed', error_message = ?,"
                   " retry_allowed = ?, completed_at = ?, updated_at = ?"
                   " WHERE firm_id = ? AND check_id = ?",
                   (e.data["error_message"], int(bool(e.data["retry_allowed"])), e.occurred_at,
                    e.occurred_at, e.firm_id, e.aggregate_id))

    def _supersede(self, tx: Transaction, firm_id: str, client_id: str, requested_at: str) -> int:
        # A client's current recommendations come from its most recently
        # requested completed check, whichever order the checks finish in.
        newer = tx.fetch_one(
            f"SELECT 1 AS found FROM {self.t.recommendations} WHERE firm_id = ? AND client_id = ?"
            " AND is_current = 1 AND requested_at > ?", (firm_id, client_id, requested_at))
        if newer:
            return 0
        tx.execute(f"UPDATE {self.t.recommendations} SET is_current = 0"
                   " WHERE firm_id = ? AND client_id = ? AND is_current = 1",
                   (firm_id, client_id))
        return 1


_METHOD_NAMES = {
    contracts.CLIENT_PROFILE_CREATED: "client_profile_created",
    contracts.CLIENT_PROFILE_EDITED: "client_profile_edited",
    contracts.CLIENT_PROFILE_ARCHIVED: "client_profile_archived",
    contracts.CLIENT_PROFILE_ERASED: "client_profile_erased",
    contracts.CHECK_REQUESTED: "check_requested",
    contracts.CHECK_STARTED: "check_started",
    contracts.RECOMMENDATIONS_PRODUCED: "recommendations_produced",
    contracts.CHECK_FAILED: "check_failed",
    contracts.CASE_OUTCOME_RECORDED: "case_outcome_recorded",
    contracts.ATTORNEY_ASSESSMENT_RECORDED: "attorney_assessment_recorded",
    contracts.ANALYSIS_PRODUCED: "analysis_produced",
    contracts.ANALYSIS_FAILED: "analysis_failed",
}


class Projector:
    """Apply events to every projection, exactly once per firm position.

    An event no projection can apply (a poison event) is set aside in the quarantine
    with its error, in the same transaction that moves the firm's position past it, so the
    firm's other events keep flowing; the aggregate's later events wait behind it there.
    """

    name = "projector"

    def __init__(self, db: Database, tables: ReadTables = LIVE,
                 keyring: ClientKeyring | None = None):
        self._db = db
        self._keyring = keyring
        self.tables = tables
        self._positions = PositionTable(db, self.name, table=tables.projector_positions)
        self.quarantine = Quarantine(db, self.name, tables.projector_quarantine)
        # The dashboard reads a check's previous status, so it runs before the
        # projection that overwrites it; the audit log records every event first.
        self._audit_log = AuditLogProjection(tables)
        self._projections = (DashboardProjection(tables),
                             ClientListingProjection(tables, keyring.email_index if keyring else None),
                             CheckResultsProjection(tables))

    def position(self, firm_id: str) -> int:
        return self._positions.get(firm_id)

    def position_in(self, tx: Transaction, firm_id: str) -> int:
        return self._positions.get(firm_id, tx)

    def positions(self) -> dict[str, int]:
        return self._positions.all()

    def handle(self, envelope: EventEnvelope) -> None:
        self.handle_batch([envelope])

    def handle_batch(self, envelopes: list[EventEnvelope]) -> None:
        """Apply a batch of one firm's events in one transaction, setting poison aside."""
        if not envelopes:
            return
        try:
            with self._db.transaction() as tx, tx.pipeline():
                self.apply_batch(tx, envelopes)
        except Exception as exc:
            if is_transient(exc):
                raise
            # Something in the batch is poison: apply one by one to find and set it aside.
            with self._db.transaction() as tx:
                self.apply_batch(tx, envelopes, isolate=True)
        if any(e.event_type == contracts.CLIENT_PROFILE_ERASED for e in envelopes):
            # The log's older frames still hold the erased client's rows as they were.
            self._db.truncate_wal()

    def apply_batch(self, tx: Transaction, envelopes: list[EventEnvelope],
                    isolate: bool = False) -> int:
        """Apply the events after the firm's position inside tx; return how many applied.

        With isolate, each event runs under a savepoint and one that fails is set aside
        instead of failing the transaction.
        """
        firm_id = envelopes[0].firm_id
        tag_writes_with_firm(tx, firm_id)
        reached = self._positions.get(firm_id, tx)
        held = self.quarantine.held_aggregates(tx, firm_id)
        applied = 0
        for envelope in envelopes:
            if envelope.position <= reached:
                continue
            reached = envelope.position
            if envelope.aggregate_id in held:
                self.quarantine.record_envelope(
                    tx, envelope, HELD.format(held[envelope.aggregate_id]))
            elif not isolate:
                self.apply(tx, envelope)
                applied += 1
            elif (error := self._try_apply(tx, envelope)) is None:
                applied += 1
            else:
                self.quarantine.record_envelope(tx, envelope, error)
                held[envelope.aggregate_id] = envelope.position
                log.error("projector set aside %s at position %s of firm %s: %s",
                          envelope.event_type, envelope.position, firm_id, error)
        self._positions.advance(firm_id, reached, tx)
        return applied

    def set_aside(self, firm_id: str, position: int, event_type: str, aggregate_id: str,
                  error: str) -> None:
        """Quarantine an event that could not even be read, and move past it."""
        with self._db.transaction() as tx:
            tag_writes_with_firm(tx, firm_id)
            if position > self._positions.get(firm_id, tx):
                self.quarantine.record(tx, firm_id, position, event_type, aggregate_id, error)
                self._positions.advance(firm_id, position, tx)

    def retry(self, envelope: EventEnvelope) -> str | None:
        """Apply a quarantined event again; release it and return None, or return the error."""
        with self._db.transaction() as tx:
            tag_writes_with_firm(tx, envelope.firm_id)
            held = self.quarantine.held_aggregates(tx, envelope.firm_id)
            first = held.get(envelope.aggregate_id)
            if first is not None and first < envelope.position:
                error = HELD.format(first)
            else:
                error = self._try_apply(tx, envelope)
            if error is None:
                self.quarantine.release(tx, envelope.firm_id, envelope.position)
            else:
                self.quarantine.record_envelope(tx, envelope, error)
        return error

    def _try_apply(self, tx: Transaction, envelope: EventEnvelope) -> str | None:
        try:
            with tx.savepoint():
                self.apply(tx, envelope)
        except Exception as exc:
            if is_transient(exc):
                raise
            return describe(exc)
        return None

    def apply(self, tx: Transaction, envelope: EventEnvelope) -> None:
        # The audit log keeps identifiers sealed; the read tables get them opened.
        self._audit_log.record(tx, envelope)
        envelope = self._opened(envelope)
        method = _METHOD_NAMES.get(envelope.event_type)
        for projection in self._projections:
            if method and hasattr(projection, method):
                getattr(projection, method)(tx, envelope)

    def _opened(self, envelope: EventEnvelope) -> EventEnvelope:
        # Identifiers arrive sealed; an erased client's stay unreadable (None).
        if self._keyring is None or envelope.event_type not in _PROFILE_EVENTS:
            return envelope
        sealer = self._keyring.sealer(envelope.firm_id, envelope.aggregate_id)
        return dataclasses.replace(envelope, data=sealer.open_profile_data(envelope.data))


_PROFILE_EVENTS = (contracts.CLIENT_PROFILE_CREATED, contracts.CLIENT_PROFILE_EDITED)


def _employer(fields: dict) -> str | None:
    offer = fields.get("job_offer") or {}
    return fields.get("current_employer") or offer.get("employer")


def canonical_json(value) -> str:
    """Serialise with sorted keys, so a replay stores exactly what live delivery stored."""
    return json.dumps(value, sort_keys=True)


def search_text(fields: dict) -> str:
    """Return the words a client is found by: name, employer and field.

    Not the email: an address is found exactly, through its blind index, so no index
    holds it readable.
    """
    offer = fields.get("job_offer") or {}
    parts = [fields.get("first_name"), fields.get("last_name"),
             fields.get("current_employer"), offer.get("employer"), fields.get("field_of_study")]
    return " ".join(search_terms(" ".join(p for p in parts if p)))


def search_terms(text: str) -> list[str]:
    """Split text into lower-case words the way both search engines index them."""
    return re.findall(r"\w+", text.lower())
