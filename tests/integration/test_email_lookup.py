"""Finding a client by email address through its blind index, on SQLite and PostgreSQL."""

from __future__ import annotations

from cli import bootstrap
from event_store import read_envelopes
from query_service.adapters.client_views import ClientFilters, FirmReadView
from query_service.adapters.read_tables import LIVE
from query_service.bootstrap import migrations
from query_service.projections import Projector
from shared.migrations import apply_migrations
from tests.support.case_files import attorney_meta
from tests.support.profiles import researcher_profile


def project(deployment, firm_id: str) -> Projector:
    projector = Projector(deployment.read_db, keyring=bootstrap.keyring(deployment.settings))
    for envelope in read_envelopes(deployment.stores.for_firm(firm_id), 0, 10_000):
        projector.handle(envelope)
    return projector


def found(deployment, firm_id: str, search: str) -> list[str]:
    keyring = bootstrap.keyring(deployment.settings)
    view = FirmReadView(deployment.read_db, firm_id, keyring.email_index)
    clients, _ = view.clients(limit=10, cursor=None, filters=ClientFilters(search=search))
    return [c["id"] for c in clients]


def test_a_client_is_found_by_its_exact_address_in_any_case_and_not_by_a_part(deployment):
    firm = deployment.new_firm()
    cases = deployment.stores.for_firm(firm)
    client = str(cases.create_client(researcher_profile(
        first_name="Zora", last_name="Quint", email="Amara.Okafor@Lab.example"),
        attorney_meta()).id)
    cases.create_client(researcher_profile(first_name="Ines", last_name="Roth",
                                           email="someone@else.example"), attorney_meta())
    project(deployment, firm)

    assert found(deployment, firm, "amara.okafor@lab.example") == [client]
    assert found(deployment, firm, "  AMARA.OKAFOR@LAB.EXAMPLE ") == [client]
    assert found(deployment, firm, "quint amara.okafor@lab.example") == [client]
    assert found(deployment, firm, "amara.okafor@lab") == []
    assert found(deployment, firm, "amara.okafor") == []
    assert found(deployment, deployment.new_firm(), "amara.okafor@lab.example") == []


def test_the_index_follows_edits_and_forgets_an_erased_client(deployment):
    firm = deployment.new_firm()
    cases = deployment.stores.for_firm(firm)
    client = cases.create_client(researcher_profile(email="old@lab.example"), attorney_meta()).id
    cases.edit_client(client, {"email": "new@lab.example"}, attorney_meta())
    project(deployment, firm)
    before_erasure = found(deployment, firm, "old@lab.example"), \
        found(deployment, firm, "new@lab.example")

    cases.erase_client(client, attorney_meta())
    project(deployment, firm)

    assert before_erasure == ([], [str(client)])
    assert found(deployment, firm, "new@lab.example") == []


def test_no_read_table_index_holds_the_address_in_words(deployment):
    firm = deployment.new_firm()
    deployment.stores.for_firm(firm).create_client(
        researcher_profile(email="hidden.person@lab.example"), attorney_meta())
    project(deployment, firm)

    with deployment.read_db.transaction() as tx:
        row = tx.fetch_one(f"SELECT search_text, email_digest FROM {LIVE.clients}"
                           " WHERE firm_id = ?", (firm,))

    assert "hidden" not in row["search_text"] and "lab" not in row["search_text"]
    assert "hidden" not in row["email_digest"] and len(row["email_digest"]) == 64


def test_upgrading_older_read_tables_fills_the_index_without_a_rebuild(deployment):
    firm = deployment.new_firm()
    client = deployment.stores.for_firm(firm).create_client(
        researcher_profile(email="upgrade@lab.example"), attorney_meta()).id
    project(deployment, firm)
    with deployment.read_db.transaction() as tx:
        tx.execute(f"DROP INDEX {'clients_email'}")
        tx.execute(f"ALTER TABLE {LIVE.clients} DROP COLUMN email_digest")
        tx.execute("DELETE FROM schema_migrations WHERE component = 'read_model'"
                   " AND version = 4")

    for db, pending in migrations(deployment.settings):
        apply_migrations(db, pending)

    assert found(deployment, firm, "upgrade@lab.example") == [str(client)]
