"""The operator's query-side commands: `visa projections rebuild|status`, `visa audit verify`
and `visa audit checkpoint`."""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
import uuid

import psycopg
import pytest

import contracts
from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import close_shared_pools
from shared.config import load_settings
from event_store import EVENT_STORE_SCHEMA, firm_store_file, firm_store_name
from event_store.chain import chain_key, links_for
from tests.support.case_files import write_case_history
from tests.support.processes import run_visa, visa_env


@pytest.fixture(params=["sqlite", "postgresql"])
def operator_env(request, tmp_path):
    if request.param == "sqlite":
        return visa_env(VISA_DATA_DIR=tmp_path)
    return visa_env(VISA_DATA_DIR=tmp_path, VISA_JWT_SECRET=secrets.token_urlsafe(32),
                    VISA_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
                    VISA_DATABASE_URL=request.getfixturevalue("fresh_pg_url"))


def _seed_firm(env: dict) -> str:
    settings = load_settings(env)
    bootstrap.migrate(settings)
    firm_id = bootstrap.directory(settings).create_firm("Audited Firm")["id"]
    stores = firm_case_files(settings)
    write_case_history(stores.for_firm(firm_id))
    stores.close()
    close_shared_pools()
    return firm_id


def _alter_first_event(env: dict, firm_id: str) -> None:
    settings = load_settings(env)
    if settings.uses_postgres:
        table = f"{EVENT_STORE_SCHEMA}.{firm_store_name(firm_id)}_events"
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute(f"UPDATE {table} SET state = state || ' '::bytea"
                         " WHERE notification_id = 1")
        return
    path = settings.data_dir / "event_store" / firm_store_file(firm_id)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE stored_events SET state = state || ' ' WHERE rowid = 1")


def test_rebuild_reports_its_rate_and_status_shows_no_lag_afterwards(operator_env):
    firm_id = _seed_firm(operator_env)

    before = json.loads(run_visa(operator_env, "projections", "status", "--json").stdout)
    rebuilt = run_visa(operator_env, "projections", "rebuild")
    after = json.loads(run_visa(operator_env, "projections", "status", "--json").stdout)

    assert rebuilt.returncode == 0, rebuilt.stderr
    # The firm's FirmCreated, then the 11 events of its case history.
    assert "events/s" in rebuilt.stdout and "from 12 events" in rebuilt.stdout
    [firm_before] = [s for s in before if s["firm_id"] == firm_id
                     and s["consumer"] == "projector"]
    [firm_after] = [s for s in after if s["firm_id"] == firm_id and s["consumer"] == "projector"]
    assert (firm_before["position"], firm_before["lag"]) == (0, 12)
    assert (firm_after["position"], firm_after["lag"]) == (firm_after["head"], 0)


def test_audit_verify_passes_on_a_clean_firm_and_reports_a_tampered_event(operator_env):
    firm_id = _seed_firm(operator_env)
    assert run_visa(operator_env, "projections", "rebuild").returncode == 0

    clean = run_visa(operator_env, "audit", "verify")
    _alter_first_event(operator_env, firm_id)
    tampered = run_visa(operator_env, "audit", "verify", "--firm", firm_id)

    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert json.loads(clean.stdout)["ok"] is True
    assert tampered.returncode == 1
    report = json.loads(tampered.stdout)
    assert report["firm_id"] == firm_id and report["ok"] is False
    assert {"kind": "altered", "position": 1} == {
        k: report["chain_problems"][0][k] for k in ("kind", "position")}


def test_audit_verify_refuses_a_firm_that_does_not_exist(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path)

    unknown = run_visa(env, "audit", "verify", "--firm", "6f1c2d8e-51a4-4c1e-9b7a-0d2b3c4e5f60")
    malformed = run_visa(env, "audit", "verify", "--firm", "firm-a")

    assert unknown.returncode == 2 and "no firm" in unknown.stderr
    assert malformed.returncode == 2 and "not a firm id" in malformed.stderr


def _append_poison(env: dict, firm_id: str) -> int:
    """Append an edit of a client never created: no projection can apply it."""
    settings = load_settings(env)
    stores = firm_case_files(settings)
    position = stores.for_firm(firm_id).append(
        uuid.uuid4(), 2, contracts.CLIENT_PROFILE_EDITED,
        {"changes": {"h_index": {"old": 1, "new": 2}}}, {"actor_kind": "operator"})
    stores.close()
    close_shared_pools()
    return position


def test_quarantine_list_retry_and_skip_let_an_operator_deal_with_a_poison_event(operator_env):
    firm_id = _seed_firm(operator_env)
    poison = _append_poison(operator_env, firm_id)

    rebuilt = run_visa(operator_env, "projections", "rebuild")
    listed = run_visa(operator_env, "projections", "quarantine", "list", "--json")
    retried = run_visa(operator_env, "projections", "quarantine", "retry", "--firm", firm_id)
    skipped = run_visa(operator_env, "projections", "quarantine", "skip", "--firm", firm_id,
                       "--position", str(poison))
    after = run_visa(operator_env, "projections", "quarantine", "list", "--json")
    kept = run_visa(operator_env, "projections", "quarantine", "list", "--all", "--json")
    status = json.loads(run_visa(operator_env, "projections", "status", "--json").stdout)

    assert rebuilt.returncode == 0 and "set aside" in rebuilt.stderr, rebuilt.stderr
    [entry] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (entry["firm_id"], entry["position"], entry["event_type"]) == (
        firm_id, poison, "ClientProfileEdited")
    assert entry["error"].startswith("TypeError")
    assert retried.returncode == 1 and json.loads(retried.stdout)["outcome"] == "failed"
    assert skipped.returncode == 0 and after.stdout == ""
    assert [json.loads(line)["status"] for line in kept.stdout.splitlines()] == ["skipped"]
    assert [s["quarantined"] for s in status if s["firm_id"] == firm_id] == [0, 0]


def _relink_with_the_key(env: dict, firm_id: str, delete_after: int | None = None) -> None:
    """What an insider holding the master key could do: change or drop events, then re-link."""
    settings = load_settings(env)
    path = settings.data_dir / "event_store" / firm_store_file(firm_id)
    with sqlite3.connect(path) as conn:
        if delete_after is None:
            conn.execute("UPDATE stored_events SET state = state || ' ' WHERE rowid = 1")
        else:
            conn.execute("DELETE FROM stored_events WHERE rowid > ?", (delete_after,))
        rows = conn.execute("SELECT rowid, originator_id, originator_version, topic, state"
                            " FROM stored_events ORDER BY rowid").fetchall()
        links = links_for(chain_key(settings.master_key, firm_id), rows, None)
        conn.execute("DELETE FROM stored_events_chain")
        conn.executemany("INSERT INTO stored_events_chain VALUES (?, ?, ?)",
                         [(x.notification_id, x.prev_hash, x.hash) for x in links])


def _chain_problems(completed) -> set[str]:
    return {p["kind"] for p in json.loads(completed.stdout)["chain_problems"]}


@pytest.mark.parametrize("rewrite", ["altered", "truncated"])
def test_signed_checkpoints_catch_history_relinked_by_a_holder_of_the_key(tmp_path, rewrite):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")
    firm_id = _seed_firm(env)
    auditor = tmp_path / "auditor"
    key, checkpoints = auditor / "signing.pem", auditor / "checkpoints.jsonl"
    signed = run_visa(env, "audit", "checkpoint", "--signing-key", str(key),
                      "--output", str(checkpoints))

    _relink_with_the_key(env, firm_id, delete_after=None if rewrite == "altered" else 10)
    without = run_visa(env, "audit", "verify", "--firm", firm_id)
    against = run_visa(env, "audit", "verify", "--firm", firm_id, "--checkpoints",
                       str(checkpoints), "--public-key", f"{key}.pub")

    assert signed.returncode == 0, signed.stderr
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert _chain_problems(without) == set()  # the keyed chain alone cannot tell
    assert against.returncode == 1
    assert _chain_problems(against) == {"rewritten" if rewrite == "altered" else "truncated"}


def test_a_checkpoint_signed_by_another_key_is_refused(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")
    firm_id = _seed_firm(env)
    ours, theirs = tmp_path / "ours.pem", tmp_path / "theirs.pem"
    checkpoints = tmp_path / "checkpoints.jsonl"
    run_visa(env, "audit", "checkpoint", "--signing-key", str(theirs), "--output",
             str(checkpoints))
    run_visa(env, "audit", "checkpoint", "--signing-key", str(ours), "--output",
             str(tmp_path / "other.jsonl"))

    verified = run_visa(env, "audit", "verify", "--firm", firm_id, "--checkpoints",
                        str(checkpoints), "--public-key", f"{ours}.pub")

    assert verified.returncode == 1 and _chain_problems(verified) == {"bad_signature"}


def test_migrate_keys_a_chain_written_before_links_were_keyed(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")
    firm_id = _seed_firm(env)
    path = load_settings(env).data_dir / "event_store" / firm_store_file(firm_id)
    with sqlite3.connect(path) as conn:  # the unkeyed links an older release wrote
        rows = conn.execute("SELECT rowid, originator_id, originator_version, topic, state"
                            " FROM stored_events ORDER BY rowid").fetchall()
        conn.execute("DELETE FROM stored_events_chain")
        conn.executemany("INSERT INTO stored_events_chain VALUES (?, ?, ?)",
                         [(x.notification_id, x.prev_hash, x.hash)
                          for x in links_for(None, rows, None)])
    before = run_visa(env, "audit", "verify", "--firm", firm_id)

    migrated = run_visa(env, "migrate")
    after = run_visa(env, "audit", "verify", "--firm", firm_id)

    assert "altered" in _chain_problems(before)
    assert migrated.returncode == 0, migrated.stderr
    assert _chain_problems(after) == set()
