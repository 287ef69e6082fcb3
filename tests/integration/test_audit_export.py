"""`visa audit export`: a firm's whole history, decrypted, with erased clients kept sealed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cli import bootstrap
from command_service.adapters.case_files import firm_case_files
from event_store import TOKEN_PREFIX
from query_service.audit_export import AuditExport, ExportCount
from tests.support.case_files import attorney_meta
from tests.support.profiles import researcher_profile


@pytest.fixture
def sealed_stores(deployment):
    """The deployment's stores with the keyring, as the services run: identifiers sealed."""
    stores = firm_case_files(deployment.settings, keyring=bootstrap.keyring(deployment.settings))
    yield stores
    stores.close()


def exported(stores, firm_id: str, as_of=None) -> list[dict]:
    return [json.loads(line) for line in AuditExport(stores).lines(firm_id, as_of)]


def test_the_export_is_every_event_in_order_with_identifiers_opened(deployment, sealed_stores):
    firm = deployment.new_firm()
    cases = sealed_stores.for_firm(firm)
    client = cases.create_client(researcher_profile(email="amara@lab.example"), attorney_meta())
    cases.edit_client(client.id, {"phone": "+1 555 0101", "h_index": 20}, attorney_meta())
    cases.request_check(client.id, attorney_meta())

    lines = exported(sealed_stores, firm)

    assert [line["position"] for line in lines] == list(range(1, len(lines) + 1))
    created, edited = (line for line in lines if line["aggregate_id"] == str(client.id))
    assert created["event_type"] == "ClientProfileCreated"
    assert created["data"]["fields"]["email"] == "amara@lab.example"
    assert edited["data"]["changes"]["phone"] == {"old": None, "new": "+1 555 0101"}
    assert lines[-1]["event_type"] == "CheckRequested" and lines[0]["event_type"] == "FirmCreated"


def test_an_erased_clients_identifiers_stay_sealed_in_the_export(deployment, sealed_stores):
    firm = deployment.new_firm()
    cases = sealed_stores.for_firm(firm)
    client = cases.create_client(researcher_profile(email="gone@lab.example"), attorney_meta())
    cases.erase_client(client.id, attorney_meta())

    created = next(line for line in exported(sealed_stores, firm)
                   if line["event_type"] == "ClientProfileCreated")

    assert created["data"]["fields"]["email"].startswith(TOKEN_PREFIX)
    assert created["data"]["fields"]["last_name"].startswith(TOKEN_PREFIX)
    assert created["data"]["fields"]["h_index"] == 17
    assert "gone@lab.example" not in json.dumps(created)


def test_as_of_keeps_the_events_that_had_occurred_by_then(deployment, sealed_stores):
    firm = deployment.new_firm()
    cases = sealed_stores.for_firm(firm)
    first = cases.create_client(researcher_profile(), attorney_meta())
    moment = datetime.now(UTC)
    cases.create_client(researcher_profile(last_name="Later"), attorney_meta())
    count = ExportCount()

    lines = [json.loads(line) for line in AuditExport(sealed_stores).lines(firm, moment, count)]

    assert lines[-1]["aggregate_id"] == str(first.id) and count.events == len(lines)
    assert all(datetime.fromisoformat(line["occurred_at"]) <= moment for line in lines)
