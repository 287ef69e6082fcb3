"""`visa migrate` creates every table on a fresh database and is safe to run twice."""

from __future__ import annotations

import base64

import psycopg
import pytest

from tests.conftest import create_firm
from tests.support.databases import fresh_database
from tests.support.processes import run_visa, visa_env


@pytest.fixture
def fresh_database_url():
    with fresh_database("visa_test_migrate") as url:
        yield url


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT table_schema, table_name FROM information_schema.tables"
                            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")
        return {f"{schema}.{table}" for schema, table in rows}


def test_migrate_applies_each_migration_once_and_a_second_run_changes_nothing(
        fresh_database_url, tmp_path):
    env = visa_env(VISA_DATABASE_URL=fresh_database_url, VISA_JWT_SECRET="x" * 32,
                   VISA_DATA_DIR=tmp_path, VISA_MASTER_KEY=base64.b64encode(b"k" * 32).decode())

    first = run_visa(env, "migrate")
    tables_after_first = _tables(fresh_database_url)
    second = run_visa(env, "migrate")

    assert first.returncode == 0, first.stderr
    assert "applied read_model v1" in first.stdout and "applied engine v2" in first.stdout
    assert {"public.clients", "public.checks", "public.recommendations", "public.firms",
            "public.consumer_positions", "public.check_leases",
            "public.schema_migrations"} <= tables_after_first
    assert second.returncode == 0, second.stderr
    assert "applied" not in second.stdout
    assert _tables(fresh_database_url) == tables_after_first


def test_migrate_creates_the_event_store_of_every_firm(fresh_database_url, tmp_path):
    env = visa_env(VISA_DATABASE_URL=fresh_database_url, VISA_JWT_SECRET="x" * 32,
                   VISA_DATA_DIR=tmp_path, VISA_MASTER_KEY=base64.b64encode(b"k" * 32).decode())
    assert run_visa(env, "migrate").returncode == 0
    firm = create_firm(env, "Migrating LLP")

    result = run_visa(env, "migrate")

    assert "event stores ready for 1 firms" in result.stdout
    assert any(firm.id.replace("-", "") in table for table in _tables(fresh_database_url))


def test_migrate_refuses_a_bad_setting_with_a_clear_message(tmp_path):
    env = visa_env(VISA_DATABASE_URL="postgresql://db/visa", VISA_DATA_DIR=tmp_path)

    result = run_visa(env, "migrate")

    assert result.returncode == 2
    assert "configuration error: VISA_JWT_SECRET is required" in result.stderr
