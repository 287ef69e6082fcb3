"""Projections: one class per read model, one method per event type.

The projector applies an event and records the firm's position in the same
transaction, so a redelivered or replayed event changes nothing.
"""

from __future__ import annotations

import dataclasses
import json

from shared import contracts
from shared.contracts import EventEnvelope
from shared.positions import PositionTable
from shared.privacy import ClientKeyring, without_direct_identifiers
from shared.sql import Database, Transaction


class ClientListingProjection:
    """The clients table: listing, search and detail."""

    def client_profile_created(self, tx: Transaction, e: EventEnvelope) -> None:
        fields = e.data["fields"]
        tx.execute(
            "INSERT INTO clients (firm_id, client_id, version, status, first_name, last_name,"
            " email, search_text, profile, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.firm_id, e.aggregate_id, e.aggregate_version, fields.get("first_name") or "",
             fields.get("last_name") or "", fields.get("email"), _search_text(fields), json.dumps(fields),
             e.meta.get("actor_id"), e.occurred_at, e.occurred_at))

    def client_profile_edited(self, tx: Transaction, e: EventEnvelope) -> None:
        row = tx.fetch_one("SELECT profile FROM clients WHERE firm_id = ? AND client_id = ?",
                           (e.firm_id, e.aggregate_id))
        fields = json.loads(row["profile"])
        for name, change in e.data["changes"].items():
            if change["new"] is None:
                fields.pop(name, None)
            else:
                fields[name] = change["new"]
        tx.execute(
            "UPDATE clients SET version = ?, first_name = ?, last_name = ?, email = ?,"
            " search_text = ?, profile = ?, updated_at = ? WHERE firm_id = ? AND client_id = ?",
            (e.aggregate_version, fields.get("first_name") or "", fields.get("last_name") or "",
             fields.get("email"),
             _search_text(fields), json.dumps(fields), e.occurred_at, e.firm_id, e.aggregate_id))

    def client_profile_archived(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute("UPDATE clients SET version = ?, status = 'archived', updated_at = ?"
                   " WHERE firm_id = ? AND client_id = ?",
                   (e.aggregate_version, e.occurred_at, e.firm_id, e.aggregate_id))

    def client_profile_erased(self, tx: Transaction, e: EventEnvelope) -> None:
        row = tx.fetch_one("SELECT profile FROM clients WHERE firm_id = ? AND client_id = ?",
                           (e.firm_id, e.aggregate_id))
        remaining = without_direct_identifiers(json.loads(row["profile"])) if row else {}
        tx.execute("UPDATE clients SET version = ?, status = 'erased', first_name = '',"
                   " last_name = '', email = NULL, search_text = '', profile = ?, updated_at = ?"
                   " WHERE firm_id = ? AND client_id = ?",
                   (e.aggregate_version, json.dumps(remaining), e.occurred_at, e.firm_id,
                    e.aggregate_id))


class CheckResultsProjection:
    """The checks table and one row per visa recommendation."""

    def check_requested(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute(
            "INSERT INTO checks (firm_id, check_id, client_id, status, profile_version,"
            " requested_by, requested_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
            (e.firm_id, e.aggregate_id, e.data["client_id"], e.data["profile_version"],
             e.meta.get("actor_id"), e.occurred_at, e.occurred_at))
        tx.execute("UPDATE clients SET latest_check_id = ? WHERE firm_id = ? AND client_id = ?",
                   (e.aggregate_id, e.firm_id, e.data["client_id"]))

    def check_started(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute("UPDATE checks SET status = 'processing', started_at = ?, updated_at = ?"
                   " WHERE firm_id = ? AND check_id = ?",
                   (e.occurred_at, e.occurred_at, e.firm_id, e.aggregate_id))

    def recommendations_produced(self, tx: Transaction, e: EventEnvelope) -> None:
        result = e.data["result"]
        tx.execute("UPDATE checks SET status = 'completed', analysis_mode = ?, result = ?,"
                   " completed_at = ?, updated_at = ? WHERE firm_id = ? AND check_id = ?",
                   (result.get("analysis_mode"), json.dumps(result), e.occurred_at,
                    e.occurred_at, e.firm_id, e.aggregate_id))
        client = tx.fetch_one("SELECT client_id FROM checks WHERE firm_id = ? AND check_id = ?",
                              (e.firm_id, e.aggregate_id))
        for rank, rec in enumerate(result["recommendations"], start=1):
            tx.execute(
                "INSERT INTO recommendations (firm_id, check_id, client_id, visa_type, rank,"
                " verdict, eligibility_score, success_probability) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (e.firm_id, e.aggregate_id, client["client_id"], rec["visa_type"], rank,
                 rec["verdict"], rec["eligibility_score"], rec["success_probability"]))

    def check_failed(self, tx: Transaction, e: EventEnvelope) -> None:
        tx.execute("UPDATE checks SET status = 'failed', error_message = ?, retry_allowed = ?,"
                   " completed_at = ?, updated_at = ? WHERE firm_id = ? AND check_id = ?",
                   (e.data["error_message"], int(bool(e.data["retry_allowed"])), e.occurred_at,
                    e.occurred_at, e.firm_id, e.aggregate_id))


_METHOD_NAMES = {
    contracts.CLIENT_PROFILE_CREATED: "client_profile_created",
    contracts.CLIENT_PROFILE_EDITED: "client_profile_edited",
    contracts.CLIENT_PROFILE_ARCHIVED: "client_profile_archived",
    contracts.CLIENT_PROFILE_ERASED: "client_profile_erased",
    contracts.CHECK_REQUESTED: "check_requested",
    contracts.CHECK_STARTED: "check_started",
    contracts.RECOMMENDATIONS_PRODUCED: "recommendations_produced",
    contracts.CHECK_FAILED: "check_failed",
}


class Projector:
    """Apply events to every projection, exactly once per firm position."""

    name = "projector"

    def __init__(self, db: Database, keyring: ClientKeyring | None = None):
        self._db = db
        self._keyring = keyring
        self._positions = PositionTable(db, self.name)
        self._projections = (ClientListingProjection(), CheckResultsProjection())

    def position(self, firm_id: str) -> int:
        return self._positions.get(firm_id)

    def handle(self, envelope: EventEnvelope) -> None:
        envelope = self._opened(envelope)
        method = _METHOD_NAMES.get(envelope.event_type)
        with self._db.transaction() as tx:
            if envelope.position <= self._positions.get(envelope.firm_id, tx):
                return
            for projection in self._projections:
                if method and hasattr(projection, method):
                    getattr(projection, method)(tx, envelope)
            self._positions.advance(envelope.firm_id, envelope.position, tx)

    def _opened(self, envelope: EventEnvelope) -> EventEnvelope:
        # Identifiers arrive sealed; an erased client's stay unreadable (None).
        if self._keyring is None or envelope.event_type not in _PROFILE_EVENTS:
            return envelope
        sealer = self._keyring.sealer(envelope.firm_id, envelope.aggregate_id)
        return dataclasses.replace(envelope, data=sealer.open_profile_data(envelope.data))


_PROFILE_EVENTS = (contracts.CLIENT_PROFILE_CREATED, contracts.CLIENT_PROFILE_EDITED)


def _search_text(fields: dict) -> str:
    parts = (fields.get("first_name"), fields.get("last_name"), fields.get("email"))
    return " ".join(p for p in parts if p).lower()
