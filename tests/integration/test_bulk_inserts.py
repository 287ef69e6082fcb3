"""Bulk inserts on PostgreSQL: COPY where the server allows it, and still correct where not."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import psycopg
import pytest

from shared.sql import Database
from tests.support.databases import fresh_database, postgres_admin_url

ROWS = [("firm-a", n, f"row {n} ✓") for n in range(300)]


@pytest.fixture
def owner_database():
    """A scratch database and a login that owns tables there but is not a superuser."""
    role = f"visa_bulk_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS")
    try:
        with fresh_database() as url:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"GRANT ALL ON SCHEMA public TO {role}")
            db = Database(postgres_url=urlsplit(url)._replace(
                netloc=f"{role}@{urlsplit(url).hostname}:{urlsplit(url).port}").geturl())
            yield db
            db.close()
    finally:
        with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
            admin.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.mark.parametrize("forced_policies", [False, True])
def test_rows_are_inserted_whether_or_not_policies_apply_to_the_writer(owner_database,
                                                                       forced_policies):
    with owner_database.transaction() as tx:
        tx.execute("CREATE TABLE bulk (firm_id TEXT NOT NULL, n INTEGER, label TEXT)")
        if forced_policies:  # as the read tables are: the owner goes through its own policy
            tx.execute("ALTER TABLE bulk ENABLE ROW LEVEL SECURITY")
            tx.execute("ALTER TABLE bulk FORCE ROW LEVEL SECURITY")
            tx.execute("CREATE POLICY owner_access ON bulk TO CURRENT_USER USING (true)"
                       " WITH CHECK (true)")
        tx.insert_rows("bulk", ("firm_id", "n", "label"), ROWS)

    with owner_database.transaction() as tx:
        stored = tx.fetch_all("SELECT firm_id, n, label FROM bulk ORDER BY n")
    assert [(r["firm_id"], r["n"], r["label"]) for r in stored] == ROWS
