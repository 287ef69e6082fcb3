"""Client identifiers: encrypted in the event store, erasable, kept out of logs, retained by policy."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from event_store import EVENT_STORE_SCHEMA, firm_store_name
from tests.conftest import create_firm
from tests.support.processes import run_visa
from tests.support.profiles import researcher_profile


@pytest.fixture(params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


def unique_person() -> dict:
    tag = uuid.uuid4().hex[:10]
    return {"first_name": f"Zoltan{tag}", "last_name": f"Quibble{tag}",
            "email": f"zq.{tag}@example.org", "phone": f"+1 555 {tag[:4]}",
            "date_of_birth": "1987-03-14", "notes": f"Private note {tag}"}


def stored_event_bytes(product, firm_id: str) -> bytes:
    """Everything the firm's event store holds, as raw bytes."""
    if "VISA_DATABASE_URL" in product.env:
        with psycopg.connect(product.env["VISA_DATABASE_URL"]) as conn:
            table = f"{EVENT_STORE_SCHEMA}.{firm_store_name(firm_id)}_events"
            rows = conn.execute(f"SELECT topic, state FROM {table}"
                                " ORDER BY originator_id, originator_version").fetchall()
        return b"".join(topic.encode() + bytes(state) for topic, state in rows)
    store = Path(product.env["VISA_DATA_DIR"]) / "event_store"
    return b"".join(f.read_bytes() for f in sorted(store.glob(f"{uuid.UUID(firm_id).hex}*")))


def read_row(product, client_id: str) -> dict:
    query = "SELECT * FROM clients WHERE client_id = ?"
    if "VISA_DATABASE_URL" in product.env:
        with psycopg.connect(product.env["VISA_DATABASE_URL"]) as conn:
            cur = conn.execute(query.replace("?", "%s"), (client_id,))
            return dict(zip([c.name for c in cur.description], cur.fetchone()))
    import sqlite3
    with sqlite3.connect(Path(product.env["VISA_DATA_DIR"]) / "read_model.sqlite") as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute(query, (client_id,)).fetchone())


def test_the_event_store_holds_no_direct_identifier_in_clear(product):
    api, person = product.as_attorney(product.firm_a), unique_person()
    client = api.post("/v1/clients", json=researcher_profile(**person)).json()
    api.patch(f"/v1/clients/{client['id']}", json={"notes": person["notes"] + " edited"})
    api.wait_for_client(client["id"], version=2)

    stored = stored_event_bytes(product, product.firm_a.id)

    assert b"pii:v1:" in stored and b"doctorate" in stored
    for value in person.values():
        assert value.encode() not in stored, value


def test_erasure_shreds_the_key_and_clears_the_read_model_but_keeps_the_facts(product):
    attorney, admin = product.as_attorney(product.firm_a), product.as_attorney(product.firm_a,
                                                                               "admin")
    person = unique_person()
    client = attorney.post("/v1/clients", json=researcher_profile(**person)).json()
    check = attorney.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    attorney.wait_for_check(check["status_url"], timeout=60)
    stored_before = stored_event_bytes(product, product.firm_a.id)

    erased = admin.post(f"/v1/clients/{client['id']}/erasure")
    shown = attorney.wait_for_client(client["id"], version=2)
    listing = attorney.get("/v1/clients", search=person["last_name"], include_archived="true")
    edit = attorney.patch(f"/v1/clients/{client['id']}", json={"h_index": 1})
    again = admin.post(f"/v1/clients/{client['id']}/erasure")
    row = read_row(product, client["id"])

    assert erased.status_code == 200 and erased.json()["status"] == "erased"
    assert shown["status"] == "erased" and shown["highest_degree"] == "doctorate"
    assert not {"first_name", "last_name", "email", "phone", "date_of_birth", "notes"} & set(shown)
    assert listing.json()["data"] == []
    assert edit.status_code == 410 and edit.json()["error"] == "client_erased"
    assert again.status_code == 200 and again.json()["version"] == erased.json()["version"]
    assert all(v not in json.dumps(row, default=str) for v in person.values())
    assert stored_event_bytes(product, product.firm_a.id).startswith(stored_before[:64])
    assert attorney.get(check["status_url"]).json()["status"] == "completed"


def test_no_identifier_reaches_any_process_log(product):
    api, person = product.as_attorney(product.firm_a), unique_person()
    client = api.post("/v1/clients", json=researcher_profile(**person)).json()
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    result = api.wait_for_check(check["status_url"], timeout=60)
    api.get("/v1/clients", search=person["last_name"])
    api.post("/v1/clients", json=researcher_profile(**person, h_index=-1))

    logs = "".join(p.output() for p in product.processes.values())

    assert "GET /v1/clients" in logs
    for value in person.values():
        assert value not in logs, value
        assert value not in json.dumps(result), value


def test_retention_archives_inactive_clients_then_erases_them(product):
    firm = create_firm(product.env, f"Retention {uuid.uuid4().hex[:6]}")
    api, person = product.as_attorney(firm), unique_person()
    client = api.post("/v1/clients", json=researcher_profile(**person)).json()
    api.wait_for_client(client["id"])
    later = datetime.now(UTC) + timedelta(days=2556)

    first = _retention(product, firm.id, later)
    archived = api.wait_for_client(client["id"], version=2)
    second = _retention(product, firm.id, later + timedelta(days=31))
    erased = api.wait_for_client(client["id"], version=3)
    third = _retention(product, firm.id, later + timedelta(days=62))

    assert first == {"archived": [client["id"]], "erased": []}
    assert archived["status"] == "archived"
    assert second == {"archived": [], "erased": [client["id"]]}
    assert erased["status"] == "erased" and "first_name" not in erased
    assert third == {"archived": [], "erased": []}


def test_recent_clients_are_left_alone_by_retention(product):
    firm = create_firm(product.env, f"Retention {uuid.uuid4().hex[:6]}")
    api = product.as_attorney(firm)
    client = api.post("/v1/clients", json=researcher_profile()).json()
    api.wait_for_client(client["id"])

    report = _retention(product, firm.id, datetime.now(UTC) + timedelta(days=365))

    assert report == {"archived": [], "erased": []}


def _retention(product, firm_id: str, as_of: datetime) -> dict:
    result = run_visa(product.env, "retention", "run", "--firm", firm_id,
                      "--as-of", as_of.isoformat())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
