"""Projections on SQLite and PostgreSQL: exactly-once, order per firm, rebuild, verification."""

from __future__ import annotations

import re
import threading

from event_store import read_envelopes
from query_service.adapters.client_views import AuditFilters, ClientFilters, FirmReadView
from query_service.projections import Projector
from query_service.rebuild import ProjectionRebuild, projection_status
from query_service.verification import verify_firm
from tests.support.case_files import attorney_meta, write_case_history
from tests.support.profiles import researcher_profile


def _snapshot(deployment, firm_id: str) -> dict:
    view = FirmReadView(deployment.read_db, firm_id)
    clients, _ = view.clients(limit=100, cursor=None, filters=ClientFilters())
    archived, _ = view.clients(limit=100, cursor=None, filters=ClientFilters(status="archived"))
    return {"clients": clients, "archived": archived, "dashboard": view.dashboard(),
            "audit": view.audit(AuditFilters(), 0, 1000), "position": view.position(),
            "checks": [view.checks_of_client(c["id"]) for c in clients]}


def test_redelivered_events_change_nothing(deployment):
    firm = deployment.new_firm()
    write_case_history(deployment.stores.for_firm(firm))
    projector = deployment.project_all(firm)
    before = _snapshot(deployment, firm)

    everything = read_envelopes(deployment.stores.for_firm(firm), 0)
    for envelope in everything:
        projector.handle(envelope)
    projector.handle_batch(everything[2:5])

    assert _snapshot(deployment, firm) == before
    assert before["dashboard"]["clients_by_status"] == {"active": 2, "archived": 1}
    assert before["dashboard"]["checks_by_status"] == {
        "pending": 1, "processing": 0, "completed": 1, "failed": 1}
    assert len(before["audit"]) == len(everything)


def test_each_firm_is_projected_in_order_even_when_firms_interleave(deployment):
    firm_a, firm_b = deployment.new_firm(), deployment.new_firm()
    write_case_history(deployment.stores.for_firm(firm_a))
    write_case_history(deployment.stores.for_firm(firm_b), clients=4)
    events_a = read_envelopes(deployment.stores.for_firm(firm_a), 0)
    events_b = read_envelopes(deployment.stores.for_firm(firm_b), 0)
    projector = Projector(deployment.read_db)

    for a, b in zip(events_a, events_b):
        projector.handle(b)
        projector.handle(a)
    for envelope in events_b[len(events_a):]:
        projector.handle(envelope)
    projector.handle(events_a[0])

    audit_a = FirmReadView(deployment.read_db, firm_a).audit(AuditFilters(), 0, 1000)
    audit_b = FirmReadView(deployment.read_db, firm_b).audit(AuditFilters(), 0, 1000)
    assert [e["position"] for e in audit_a] == [e.position for e in events_a]
    assert [e["position"] for e in audit_b] == [e.position for e in events_b]
    assert verify_firm(deployment.read_db, deployment.stores, firm_a).ok
    assert verify_firm(deployment.read_db, deployment.stores, firm_b).ok


def test_rebuild_produces_exactly_the_live_projection(deployment):
    firms = [deployment.new_firm(), deployment.new_firm()]
    for firm in firms:
        write_case_history(deployment.stores.for_firm(firm))
        deployment.project_all(firm)
    live = {firm: _snapshot(deployment, firm) for firm in firms}

    report = ProjectionRebuild(deployment.read_db, deployment.stores,
                               deployment.directory.firm_ids).run()

    assert report.events == sum(len(live[f]["audit"]) for f in firms)
    assert {firm: _snapshot(deployment, firm) for firm in firms} == live


def test_a_rebuilt_table_set_is_durable_and_indexed_like_a_created_one(deployment):
    firm = deployment.new_firm()
    write_case_history(deployment.stores.for_firm(firm))
    deployment.project_all(firm)
    created = _table_set_shape(deployment.read_db)

    ProjectionRebuild(deployment.read_db, deployment.stores, deployment.directory.firm_ids).run()

    assert _table_set_shape(deployment.read_db) == created


def _table_set_shape(db) -> dict:
    """Each live read table's indexes (and on PostgreSQL: logged or not, and its policies)."""
    with db.transaction() as tx:
        if tx.dialect == "sqlite":
            rows = tx.fetch_all("SELECT tbl_name AS t, name FROM sqlite_master"
                                " WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")
            return {"indexes": sorted((r["t"], _unsuffixed(r["name"])) for r in rows)}
        tables = tx.fetch_all("SELECT relname, relpersistence FROM pg_class WHERE relkind = 'r'"
                              " AND relnamespace = 'public'::regnamespace")
        indexes = tx.fetch_all("SELECT tablename, indexname FROM pg_indexes"
                               " WHERE schemaname = 'public'")
        policies = tx.fetch_all("SELECT tablename, policyname FROM pg_policies")
    return {"persistence": sorted((r["relname"], r["relpersistence"]) for r in tables),
            "indexes": sorted((r["tablename"], _unsuffixed(r["indexname"])) for r in indexes),
            "policies": sorted((r["tablename"], r["policyname"]) for r in policies)}


def _unsuffixed(index: str) -> str:
    # A swapped-in set keeps its indexes' names, suffix and all.
    return re.sub(r"__r[0-9a-f]{8}", "", index)


def test_rebuild_swaps_in_while_writes_are_projected_and_reads_are_served(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    write_case_history(app)
    deployment.project_all(firm)
    view, stop, listed, errors = FirmReadView(deployment.read_db, firm), threading.Event(), [], []

    def keep_writing():
        while not stop.is_set():
            app.create_client(researcher_profile(last_name="DuringRebuild"), attorney_meta())
            deployment.project_all(firm)

    def keep_reading():
        while not stop.is_set():
            try:
                page, _ = view.clients(limit=100, cursor=None, filters=ClientFilters())
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
                return
            listed.append(len(page))

    workers = [threading.Thread(target=keep_writing), threading.Thread(target=keep_reading)]
    for worker in workers:
        worker.start()
    try:
        ProjectionRebuild(deployment.read_db, deployment.stores,
                          deployment.directory.firm_ids).run()
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    deployment.project_all(firm)

    report = verify_firm(deployment.read_db, deployment.stores, firm)
    assert report.ok, report.as_dict()
    assert report.position == app.recorder.max_notification_id()
    assert errors == [] and listed and min(listed) >= 2


def test_status_reports_position_and_lag_per_firm(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    write_case_history(app)
    projector = Projector(deployment.read_db)
    projector.handle_batch(read_envelopes(app, 0)[:4])

    [status] = [s for s in projection_status(deployment.read_db, deployment.stores,
                                             deployment.directory.firm_ids())
                if s.firm_id == firm and s.consumer == "projector"]

    assert status.position == read_envelopes(app, 0)[3].position
    assert status.head == app.recorder.max_notification_id()
    assert status.lag == len(read_envelopes(app, 0)) - 4
