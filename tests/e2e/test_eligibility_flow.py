"""The whole eligibility-check flow over HTTP, on both deployments."""

from __future__ import annotations

import pytest

from tests.support.profiles import researcher_profile



@pytest.fixture(params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


def test_attorney_creates_a_client_and_gets_recommendations(product):
    api = product.as_attorney(product.firm_a)

    created = api.post("/v1/clients", json=researcher_profile())
    check = api.post(f"/v1/clients/{created.json()['id']}/eligibility-checks")
    result = api.wait_for_check(check.json()["status_url"], timeout=60)

    assert created.status_code == 201
    assert check.status_code == 202 and check.json()["status"] == "pending"
    assert result["status"] == "completed"
    assert result["analysis_mode"] == "rules_only"
    assert result["profile_version"] == 1
    best = result["recommendations"][0]
    assert best["visa_type"] in ("O-1A", "EB-1A")
    assert 0 <= best["eligibility_score"] <= 100 and 0 <= best["success_probability"] <= 1
    assert {"criterion", "met", "explanation", "citation"} <= set(best["criteria"][0])
    assert best["estimated_timeline_months"]["low"] <= best["estimated_timeline_months"]["high"]


def test_edit_sends_only_changed_fields_and_the_check_pins_the_edited_version(product):
    api = product.as_attorney(product.firm_a)
    client = api.post("/v1/clients", json=researcher_profile()).json()

    edited = api.patch(f"/v1/clients/{client['id']}", json={"annual_salary_usd": 400000,
                                                             "h_index": client["h_index"]})
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    result = api.wait_for_check(check["status_url"], timeout=60)
    projected = api.wait_for_client(client["id"], version=2)

    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert result["profile_version"] == 2
    assert projected["annual_salary_usd"] == 400000


def test_archived_client_leaves_the_listing_and_cannot_be_checked(product):
    api = product.as_attorney(product.firm_a)
    client = api.post("/v1/clients", json=researcher_profile(last_name="Archivable")).json()
    api.wait_for_client(client["id"])

    archived = api.delete(f"/v1/clients/{client['id']}")
    refused = api.post(f"/v1/clients/{client['id']}/eligibility-checks")
    api.wait_for_client(client["id"], version=2)
    listing = api.get("/v1/clients", search="Archivable", limit=100).json()

    assert archived.status_code == 204
    assert refused.status_code == 409 and refused.json()["error"] == "client_archived"
    assert client["id"] not in [c["id"] for c in listing["data"]]
