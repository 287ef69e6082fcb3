"""Batches of events project exactly what event-by-event delivery projects, exactly once."""

from __future__ import annotations

import uuid

import pytest

import contracts
from event_store import read_envelopes
from query_service.adapters.read_batch import ReadBatch
from query_service.adapters.read_tables import ReadTables, create_tables
from query_service.projections import Projector
from query_service.verification import COMPARED, _plain
from tests.support.case_files import (attorney_meta, completed_check_result, record_as_engine,
                                      write_case_history)


def _history(deployment) -> tuple[str, list]:
    """A firm whose history has every kind of row change, one check superseding another."""
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    ids = [uuid.UUID(i) for i in write_case_history(app)]
    meta = attorney_meta()
    for _ in range(2):  # the second check's recommendations supersede the first's
        check = app.request_check(ids[0], meta)
        record_as_engine(app, check.id, contracts.CHECK_STARTED, {}, meta)
        record_as_engine(app, check.id, contracts.RECOMMENDATIONS_PRODUCED,
                         {"result": completed_check_result()}, meta)
    app.edit_client(ids[1], {"annual_salary_usd": 99000}, meta)
    return firm, read_envelopes(app, 0)


def _rows(deployment, tables: ReadTables, firm_id: str) -> dict:
    with deployment.read_db.read() as tx:
        return {table: sorted(
            (tuple(_plain(r[c], c) for c in (*keys, *columns)) for r in tx.fetch_all(
                f"SELECT {', '.join((*keys, *columns))} FROM {getattr(tables, table)}"
                " WHERE firm_id = ?", (firm_id,))), key=repr)
            for table, (keys, columns) in COMPARED.items()}


def _one_by_one(deployment, firm: str, events: list) -> dict:
    reference = ReadTables("__one")
    create_tables(deployment.read_db, reference)
    projector = Projector(deployment.read_db, reference)
    for envelope in events:
        projector.handle(envelope)
    return _rows(deployment, reference, firm)


def _batched_projector(deployment, suffix: str) -> tuple[Projector, ReadTables]:
    tables = ReadTables(suffix)
    create_tables(deployment.read_db, tables)
    return Projector(deployment.read_db, tables), tables


def test_one_batch_projects_what_event_by_event_delivery_projects(deployment):
    firm, events = _history(deployment)
    projector, tables = _batched_projector(deployment, "__all")

    projector.handle_batch(events)

    rows = _rows(deployment, tables, firm)
    assert rows == _one_by_one(deployment, firm, events)
    assert len(rows["audit_log"]) == len(events)
    assert sum(1 for r in rows["recommendations"] if r[-1] == 1) == len(
        completed_check_result()["recommendations"])
    assert projector.position(firm) == events[-1].position


def test_overlapping_redelivered_batches_apply_each_event_once(deployment):
    firm, events = _history(deployment)
    projector, tables = _batched_projector(deployment, "__overlap")

    projector.handle_batch(events[:7])
    projector.handle_batch(events[3:12])
    projector.handle_batch(events)
    projector.handle_batch(events[5:9])

    assert _rows(deployment, tables, firm) == _one_by_one(deployment, firm, events)


def test_a_batch_that_fails_midway_through_its_writes_leaves_nothing_and_is_applied_again(
        deployment, monkeypatch):
    firm, events = _history(deployment)
    projector, tables = _batched_projector(deployment, "__crash")
    written = ReadBatch.flush

    def crash_after_the_clients(batch):
        batch.clients.flush()  # some rows written in the transaction, then the line drops
        raise ConnectionError("connection lost mid-batch")

    monkeypatch.setattr(ReadBatch, "flush", crash_after_the_clients)
    with pytest.raises(ConnectionError):
        projector.handle_batch(events)
    crashed = _rows(deployment, tables, firm)
    position_after_crash = projector.position(firm)
    monkeypatch.setattr(ReadBatch, "flush", written)
    projector.handle_batch(events)

    assert position_after_crash == 0
    assert all(rows == [] for rows in crashed.values())
    assert _rows(deployment, tables, firm) == _one_by_one(deployment, firm, events)
    assert projector.quarantine.events(firm) == []
