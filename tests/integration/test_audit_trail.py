"""The hash chain, `audit verify`'s checks, and profiles rebuilt as of a past time."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import psycopg
import sqlite3

from query_service.adapters.profile_history import ProfileHistory
from query_service.verification import verify_firm
from contracts import CLIENT_PROFILE_CREATED
from event_store import EVENT_STORE_SCHEMA, firm_store_file, firm_store_name, read_envelopes
from tests.support.case_files import attorney_meta, write_case_history
from tests.support.profiles import researcher_profile


def _raw_event_store(deployment, firm_id: str):
    """Open the firm's event store with raw SQL, as someone with database access could."""
    if deployment.dialect == "sqlite":
        path = deployment.settings.data_dir / "event_store" / firm_store_file(firm_id)
        return sqlite3.connect(path, isolation_level=None), "stored_events", "rowid", "?"
    conn = psycopg.connect(deployment.settings.database_url, autocommit=True)
    table = f"{EVENT_STORE_SCHEMA}.{firm_store_name(firm_id)}_events"
    return conn, table, "notification_id", "%s"


def test_a_clean_history_verifies(deployment):
    firm = deployment.new_firm()
    write_case_history(deployment.stores.for_firm(firm))
    deployment.project_all(firm)

    report = verify_firm(deployment.read_db, deployment.stores, firm)

    assert report.ok, report.as_dict()
    assert report.events == report.position > 0
    assert len(report.chain_head) == 64


def test_verify_reports_an_event_altered_in_the_database(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    write_case_history(app)
    deployment.project_all(firm)
    conn, table, id_column, mark = _raw_event_store(deployment, firm)
    # The firm's own FirmCreated comes first; the first client event follows it.
    first = next(e.position for e in read_envelopes(app, 0)
                 if e.event_type == CLIENT_PROFILE_CREATED)

    state = bytes(conn.execute(f"SELECT state FROM {table} WHERE {id_column} = {first}")
                  .fetchone()[0])
    conn.execute(f"UPDATE {table} SET state = {mark} WHERE {id_column} = {first}",
                 (state.replace(b"Case0", b"Forged"),))
    conn.close()
    report = verify_firm(deployment.read_db, deployment.stores, firm)

    assert b"Case0" in state
    assert not report.ok
    assert [(p.kind, p.notification_id) for p in report.chain_problems] == [("altered", first)]
    assert any(d["table"] == "clients" and d["problem"] == "differs" for d in report.drift)


def test_verify_reports_a_deleted_event(deployment):
    firm = deployment.new_firm()
    write_case_history(deployment.stores.for_firm(firm))
    deployment.project_all(firm)
    conn, table, id_column, _ = _raw_event_store(deployment, firm)

    conn.execute(f"DELETE FROM {table} WHERE {id_column} = 3")
    conn.close()
    report = verify_firm(deployment.read_db, deployment.stores, firm)

    assert ("missing", 3) in [(p.kind, p.notification_id) for p in report.chain_problems]


def test_verify_reports_read_tables_that_drifted_from_the_events(deployment):
    firm = deployment.new_firm()
    ids = write_case_history(deployment.stores.for_firm(firm))
    deployment.project_all(firm)

    with deployment.read_db.transaction() as tx:
        tx.execute("UPDATE clients SET last_name = 'Edited behind our back' WHERE client_id = ?",
                   (ids[1],))
        tx.execute("DELETE FROM audit_log WHERE firm_id = ? AND position = 2", (firm,))
    report = verify_firm(deployment.read_db, deployment.stores, firm)

    assert report.chain_problems == []
    assert {"table": "clients", "key": [ids[1]], "problem": "differs",
            "columns": ["last_name"]} in report.drift
    assert {"table": "audit_log", "key": [2.0], "problem": "missing row"} in report.drift


def test_concurrent_saves_extend_one_unbroken_chain(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)

    def save_clients():
        for _ in range(15):
            app.create_client(researcher_profile(), attorney_meta())

    writers = [threading.Thread(target=save_clients) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    deployment.project_all(firm)
    report = verify_firm(deployment.read_db, deployment.stores, firm)

    created = [e for e in read_envelopes(app, 0) if e.event_type == CLIENT_PROFILE_CREATED]
    assert report.ok, report.as_dict()
    assert len(created) == 60
    assert report.events == len(read_envelopes(app, 0)) == len(app.recorder.chain_links())


def test_profile_as_of_a_past_time_is_rebuilt_from_the_events(deployment):
    firm = deployment.new_firm()
    app = deployment.stores.for_firm(firm)
    history = ProfileHistory(deployment.stores)
    before_creation = datetime.now(timezone.utc) - timedelta(seconds=1)
    profile = app.create_client(researcher_profile(annual_salary_usd=100000), attorney_meta())
    app.edit_client(profile.id, {"annual_salary_usd": 200000}, attorney_meta())
    edited = app.client_profile(profile.id)
    app.edit_client(profile.id, {"annual_salary_usd": 300000, "email": None}, attorney_meta())
    app.archive_client(profile.id, attorney_meta())

    at_edit = history.profile_as_of(firm, profile.id, edited.modified_on)
    just_before_edit = history.profile_as_of(firm, profile.id,
                                             edited.modified_on - timedelta(microseconds=1))
    now = history.profile_as_of(firm, profile.id, datetime.now(timezone.utc))

    assert history.profile_as_of(firm, profile.id, before_creation) is None
    assert at_edit["version"] == 2 and at_edit["annual_salary_usd"] == 200000
    assert just_before_edit["version"] == 1 and just_before_edit["annual_salary_usd"] == 100000
    assert now["status"] == "archived" and "email" not in now
    assert now["annual_salary_usd"] == 300000
