"""PostgreSQL row-level security: a firm-scoped session sees its own firm's rows only."""

from __future__ import annotations

import base64
import secrets

import psycopg
import pytest

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import close_shared_pools
from query_service.adapters.client_views import ClientFilters, FirmReadView
from query_service.adapters.read_tables import LIVE, READER_ROLE, scope_to_firm
from shared.config import load_settings
from tests.integration.conftest import Deployment
from tests.support.case_files import write_case_history


@pytest.fixture
def pg_deployment(fresh_pg_url, tmp_path):
    settings = load_settings({"VISA_DATA_DIR": str(tmp_path), "VISA_DATABASE_URL": fresh_pg_url,
                              "VISA_JWT_SECRET": secrets.token_urlsafe(32),
                              "VISA_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode()})
    bootstrap.migrate(settings)
    stores = firm_case_files(settings)
    deployment = Deployment(settings, bootstrap.directory(settings), stores,
                            bootstrap.read_database(settings))
    yield deployment
    stores.close()
    deployment.read_db.close()
    close_shared_pools()


def test_a_firm_scoped_session_cannot_read_another_firms_rows_even_with_raw_sql(pg_deployment):
    firm_a, firm_b = pg_deployment.new_firm(), pg_deployment.new_firm()
    for firm in (firm_a, firm_b):
        write_case_history(pg_deployment.stores.for_firm(firm))
        pg_deployment.project_all(firm)

    with psycopg.connect(pg_deployment.settings.database_url) as conn:
        conn.execute(f"SET ROLE {READER_ROLE}")
        conn.execute("SELECT set_config('app.firm_id', %s, false)", (firm_a,))
        seen = {table: conn.execute(f"SELECT DISTINCT firm_id FROM {table}").fetchall()
                for table in LIVE.names("postgresql")}
        asked_for_b = conn.execute("SELECT count(*) FROM clients WHERE firm_id = %s",
                                   (firm_b,)).fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE clients SET last_name = 'x' WHERE firm_id = %s", (firm_b,))

    assert all(set(rows) <= {(firm_a,)} for rows in seen.values()), seen
    assert seen["clients"] == [(firm_a,)]
    assert asked_for_b == 0


def test_a_session_without_a_firm_sees_no_rows(pg_deployment):
    firm = pg_deployment.new_firm()
    write_case_history(pg_deployment.stores.for_firm(firm))
    pg_deployment.project_all(firm)

    with psycopg.connect(pg_deployment.settings.database_url) as conn:
        conn.execute(f"SET ROLE {READER_ROLE}")
        count = conn.execute("SELECT count(*) FROM clients").fetchone()[0]

    assert count == 0


def test_the_query_views_session_scope_hides_other_firms_rows_despite_a_wrong_filter(
        pg_deployment):
    firm_a, firm_b = pg_deployment.new_firm(), pg_deployment.new_firm()
    write_case_history(pg_deployment.stores.for_firm(firm_b))
    pg_deployment.project_all(firm_b)

    with pg_deployment.read_db.read() as tx:
        scope_to_firm(tx, firm_a)
        leaked = tx.fetch_all("SELECT client_id FROM clients WHERE firm_id = ?", (firm_b,))
    listed, _ = FirmReadView(pg_deployment.read_db, firm_b).clients(
        limit=10, cursor=None, filters=ClientFilters(status="active"))

    assert leaked == []
    assert len(listed) == 2
