"""Projections: one class per read model, one method per event type.

The projector applies an event and records the firm's position in the same
transaction, so a redelivered or replayed event changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from query_service.adapters.read_batch import ReadBatch, canonical_json, json_column
from query_service.adapters.read_tables import LIVE, ReadTables, tag_writes_with_firm
from query_service.audit_projection import AuditLogProjection
from query_service.dashboard_projection import DashboardProjection
import contracts
from contracts import EventEnvelope
from shared.collector import collector_paused
from shared.positions import PositionTable
from contracts.profile import erased_fields
from event_store import ClientKeyring, EmailIndex
from shared.quarantine import HELD, Quarantine, describe, is_transient
from shared.sql import Database, Transaction

log = logging.getLogger(__name__)


class ClientListingProjection:
    """The clients table: listing, filters, full-text search, email lookup and detail."""

    def __init__(self, email_index: EmailIndex | None = None):
        self._email_index = email_index

    def _described(self, firm_id: str, fields: dict) -> dict:
        """The columns a client's profile fills."""
        digest = self._email_index.digest(firm_id, fields.get("email")) \
            if self._email_index else None
        return {"first_name": fields.get("first_name") or "",
                "last_name": fields.get("last_name") or "", "email": fields.get("email"),
                "email_digest": digest, "employer": _employer(fields),
                "field": fields.get("field_of_study"), "search_text": search_text(fields),
                "profile": canonical_json(fields)}

    def _profile(self, b: ReadBatch, client_id: str) -> dict:
        """The client's profile fields, parsed once per batch and described once, at flush.

        A client's edits mostly arrive together: parsing and re-serialising the whole
        profile for each edit cost more than the rest of projecting it.
        """
        if client_id not in b.profiles:
            b.profiles[client_id] = json_column(b.clients.get(client_id)["profile"])
        b.before_flush("client profiles", lambda: self._describe_profiles(b))
        return b.profiles[client_id]

    def _describe_profiles(self, b: ReadBatch) -> None:
        for client_id, fields in b.profiles.items():
            b.clients.change(client_id, **self._described(b.firm_id, fields))

    def client_profile_created(self, b: ReadBatch, e: EventEnvelope) -> None:
        fields = e.data["fields"]
        b.clients.add(e.aggregate_id, {
            "version": e.aggregate_version, "status": "active", "profile": "{}",
            "created_by": e.meta.get("actor_id"), "created_at": e.occurred_at,
            "updated_at": e.occurred_at})
        b.profiles[e.aggregate_id] = dict(fields)
        self._profile(b, e.aggregate_id)
        b.reindex(e.aggregate_id)

    def client_profile_edited(self, b: ReadBatch, e: EventEnvelope) -> None:
        fields = self._profile(b, e.aggregate_id)
        for name, change in e.data["changes"].items():
            if change["new"] is None:
                fields.pop(name, None)
            else:
                fields[name] = change["new"]
        b.clients.change(e.aggregate_id, version=e.aggregate_version,
                         updated_at=e.occurred_at)
        b.reindex(e.aggregate_id)

    def case_outcome_recorded(self, b: ReadBatch, e: EventEnvelope) -> None:
        """A recorded case outcome moves the client's version (the history stays in the store)."""
        b.clients.change(e.aggregate_id, version=e.aggregate_version, updated_at=e.occurred_at)

    def client_profile_archived(self, b: ReadBatch, e: EventEnvelope) -> None:
        b.clients.change(e.aggregate_id, version=e.aggregate_version, status="archived",
                         updated_at=e.occurred_at)

    def client_profile_erased(self, b: ReadBatch, e: EventEnvelope) -> None:
        if b.clients.get(e.aggregate_id) is None:
            return
        # What erasure leaves names no one: no name, email, employer or field of study.
        b.profiles[e.aggregate_id] = erased_fields(self._profile(b, e.aggregate_id))
        b.clients.change(e.aggregate_id, version=e.aggregate_version, status="erased",
                         updated_at=e.occurred_at)
        b.reindex(e.aggregate_id, erased=True)


class CheckResultsProjection:
    """The checks table and one row per visa recommendation."""

    def check_requested(self, b: ReadBatch, e: EventEnvelope) -> None:
        b.checks.add(e.aggregate_id, {
            "client_id": e.data["client_id"], "status": "pending",
            "profile_version": e.data["profile_version"], "requested_by": e.meta.get("actor_id"),
            "requested_at": e.occurred_at, "updated_at": e.occurred_at})
        b.clients.change(e.data["client_id"], latest_check_id=e.aggregate_id)

    def check_started(self, b: ReadBatch, e: EventEnvelope) -> None:
        b.checks.change(e.aggregate_id, status="processing", started_at=e.occurred_at,
                        updated_at=e.occurred_at)

    def recommendations_produced(self, b: ReadBatch, e: EventEnvelope) -> None:
        result = e.data["result"]
        b.checks.change(e.aggregate_id, status="completed",
                        analysis_mode=result.get("analysis_mode"), result=canonical_json(result),
                        completed_at=e.occurred_at, updated_at=e.occurred_at)
        check = b.checks.get(e.aggregate_id)
        client_id, requested_at = check["client_id"], check["requested_at"]
        is_current = self._supersede(b, client_id, requested_at)
        for rank, rec in enumerate(result["recommendations"], start=1):
            b.add_recommendation({
                "check_id": e.aggregate_id, "client_id": client_id,
                "visa_type": rec["visa_type"], "rank": rank, "verdict": rec["verdict"],
                "eligibility_score": rec["eligibility_score"],
                "success_probability": rec["success_probability"],
                "requested_at": requested_at, "is_current": is_current})

    def attorney_assessment_recorded(self, b: ReadBatch, e: EventEnvelope) -> None:
        """Keep every assessment beside the engine's result; the engine's findings stay."""
        result = json_column(b.checks.get(e.aggregate_id)["result"])
        result["attorney_assessments_recorded"] = [
            *result.get("attorney_assessments_recorded", []),
            {**e.data["assessment"], "attorney_id": e.meta.get("actor_id"),
             "recorded_at": e.occurred_at}]
        b.checks.change(e.aggregate_id, result=canonical_json(result),
                        updated_at=e.occurred_at)

    def analysis_produced(self, b: ReadBatch, e: EventEnvelope) -> None:
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
        self._update_result(b, e, add, analysis_mode="llm_and_rules")

    def analysis_failed(self, b: ReadBatch, e: EventEnvelope) -> None:
        def add(result: dict) -> None:
            result["analysis"] = {"status": "failed", **e.data}
            result["analysis_note"] = f"rules only: {e.data['message']}"
        self._update_result(b, e, add, analysis_mode="rules_only")

    def _update_result(self, b: ReadBatch, e: EventEnvelope, change, analysis_mode: str
                       ) -> None:
        check_id = e.data["check_id"]
        row = b.checks.get(check_id)
        if not row or not row["result"]:
            return
        result = json_column(row["result"])
        change(result)
        b.checks.change(check_id, result=canonical_json(result), analysis_mode=analysis_mode,
                        updated_at=e.occurred_at)

    def check_failed(self, b: ReadBatch, e: EventEnvelope) -> None:
        b.checks.change(e.aggregate_id, status="failed", error_message=e.data["error_message"],
                        retry_allowed=int(bool(e.data["retry_allowed"])),
                        completed_at=e.occurred_at, updated_at=e.occurred_at)

    def _supersede(self, b: ReadBatch, client_id: str, requested_at: str) -> int:
        # A client's current recommendations come from its most recently
        # requested completed check, whichever order the checks finish in.
        current = b.current_recommendations_at(client_id)
        if current is not None and current > requested_at:
            return 0
        b.demote_recommendations(client_id)
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

    A batch of one firm's events is applied together: the rows it touches are read in a
    few statements, changed in memory event by event, and written back set-based with the
    firm's position, in one transaction. An event no projection can apply (a poison event)
    makes the batch start again one event at a time, each under a savepoint; the poison is
    set aside in the quarantine with its error, in the same transaction that moves the
    firm's position past it, so the firm's other events keep flowing; the aggregate's
    later events wait behind it there.
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
        self._audit_log = AuditLogProjection()
        self._projections = (DashboardProjection(),
                             ClientListingProjection(keyring.email_index if keyring else None),
                             CheckResultsProjection())

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
        with collector_paused(), self._db.transaction() as tx:
            self.apply_batch(tx, envelopes)
        if any(e.event_type == contracts.CLIENT_PROFILE_ERASED for e in envelopes):
            # The log's older frames still hold the erased client's rows as they were.
            self._db.truncate_wal()

    def apply_batch(self, tx: Transaction, envelopes: list[EventEnvelope],
                    isolate: bool = False) -> int:
        """Apply one firm's events after its position inside tx; return how many applied.

        Together first (unless isolate); if that fails, one by one, each event under a
        savepoint, and one that fails is set aside instead of failing the transaction.
        """
        firm_id = envelopes[0].firm_id
        tag_writes_with_firm(tx, firm_id)
        reached = self._positions.get(firm_id, tx)
        fresh = []
        for envelope in envelopes:
            if envelope.position > reached:
                fresh.append(envelope)
                reached = envelope.position
        if not fresh:
            return 0
        held = self.quarantine.held_aggregates(tx, firm_id)
        applied = None
        if not isolate:
            try:
                with tx.savepoint():
                    applied = self._apply_together(tx, fresh, held)
            except Exception as exc:
                if is_transient(exc):
                    raise
                log.warning("projector retries a batch of firm %s event by event: %s",
                            firm_id, describe(exc))
        if applied is None:
            applied = self._apply_one_by_one(tx, fresh, held)
        self._positions.advance(firm_id, reached, tx)
        return applied

    def _apply_together(self, tx: Transaction, envelopes: list[EventEnvelope],
                        held: dict[str, int]) -> int:
        batch, applied = ReadBatch(tx, self.tables, envelopes[0].firm_id), 0
        waiting = [e for e in envelopes if e.aggregate_id in held]
        for envelope in waiting:
            self.quarantine.record_envelope(tx, envelope, HELD.format(held[envelope.aggregate_id]))
        ready = self._opened([e for e in envelopes if e.aggregate_id not in held])
        _read_ahead(batch, ready)
        for envelope in ready:
            self._apply_to(batch, envelope)
            applied += 1
        batch.flush()
        return applied

    def _apply_one_by_one(self, tx: Transaction, envelopes: list[EventEnvelope],
                          held: dict[str, int]) -> int:
        applied = 0
        for envelope in envelopes:
            if envelope.aggregate_id in held:
                self.quarantine.record_envelope(
                    tx, envelope, HELD.format(held[envelope.aggregate_id]))
            elif (error := self._try_apply(tx, envelope)) is None:
                applied += 1
            else:
                self.quarantine.record_envelope(tx, envelope, error)
                held[envelope.aggregate_id] = envelope.position
                log.error("projector set aside %s at position %s of firm %s: %s",
                          envelope.event_type, envelope.position, envelope.firm_id, error)
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
                batch = ReadBatch(tx, self.tables, envelope.firm_id)
                self._apply_to(batch, self._opened([envelope])[0])
                batch.flush()
        except Exception as exc:
            if is_transient(exc):
                raise
            return describe(exc)
        return None

    def _apply_to(self, batch: ReadBatch, envelope: EventEnvelope) -> None:
        # The audit log keeps identifiers sealed; the read tables get them opened.
        self._audit_log.record(batch, envelope.sealed)
        method = _METHOD_NAMES.get(envelope.event_type)
        for projection in self._projections:
            if method and hasattr(projection, method):
                getattr(projection, method)(batch, envelope.opened)

    def _opened(self, envelopes: list[EventEnvelope]) -> list[_Both]:
        """Each envelope beside a copy with its identifiers opened (None once erased)."""
        profiles = {e.aggregate_id for e in envelopes if e.event_type in _PROFILE_EVENTS}
        if self._keyring is None or not profiles:
            return [_Both(e, e) for e in envelopes]
        sealers = self._keyring.sealers(envelopes[0].firm_id, profiles)
        # The projections keep the latest profile: an edit's old values are not opened.
        return [_Both(e, _with_data(e, sealers[e.aggregate_id].open_current_values(e.data))
                      if e.event_type in _PROFILE_EVENTS else e) for e in envelopes]


def _with_data(envelope: EventEnvelope, data: dict) -> EventEnvelope:
    # dataclasses.replace runs __init__ and __post_init__ again: a tenth of a replay's time.
    copy = object.__new__(EventEnvelope)
    copy.__dict__.update(envelope.__dict__, data=data)
    return copy


@dataclasses.dataclass(frozen=True)
class _Both:
    sealed: EventEnvelope
    opened: EventEnvelope

    @property
    def aggregate_id(self) -> str:
        return self.sealed.aggregate_id

    @property
    def event_type(self) -> str:
        return self.sealed.event_type


def _read_ahead(batch: ReadBatch, envelopes: list[_Both]) -> None:
    """Read the rows the batch's events will touch, a few statements in all."""
    clients, checks, concluded = [], [], []
    for e in (b.sealed for b in envelopes):
        if e.event_type in _CLIENT_ROW_EVENTS:
            clients.append(e.aggregate_id)
        elif e.event_type in contracts.ANALYSIS_EVENTS:
            checks.append(e.data.get("check_id"))
        elif e.event_type in _CHECK_ROW_EVENTS:
            checks.append(e.aggregate_id)
            if e.event_type == contracts.CHECK_REQUESTED:
                clients.append(e.data.get("client_id"))
            elif e.event_type == contracts.RECOMMENDATIONS_PRODUCED:
                concluded.append(e.aggregate_id)
    batch.clients.load(c for c in clients if isinstance(c, str))
    batch.checks.load(c for c in checks if isinstance(c, str))
    requested = {e.sealed.aggregate_id: e.sealed.data.get("client_id") for e in envelopes
                 if e.event_type == contracts.CHECK_REQUESTED}
    batch.load_current_recommendations(
        c for c in (requested.get(k) or (batch.checks.rows.get(k) or {}).get("client_id")
                    for k in concluded) if isinstance(c, str))


_CLIENT_ROW_EVENTS = frozenset((contracts.CLIENT_PROFILE_CREATED, contracts.CLIENT_PROFILE_EDITED,
                                contracts.CLIENT_PROFILE_ARCHIVED, contracts.CLIENT_PROFILE_ERASED,
                                contracts.CASE_OUTCOME_RECORDED))
_CHECK_ROW_EVENTS = frozenset((contracts.CHECK_REQUESTED, contracts.CHECK_STARTED,
                               contracts.RECOMMENDATIONS_PRODUCED, contracts.CHECK_FAILED,
                               contracts.ATTORNEY_ASSESSMENT_RECORDED))
_PROFILE_EVENTS = (contracts.CLIENT_PROFILE_CREATED, contracts.CLIENT_PROFILE_EDITED)


def _employer(fields: dict) -> str | None:
    offer = fields.get("job_offer") or {}
    return fields.get("current_employer") or offer.get("employer")


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
