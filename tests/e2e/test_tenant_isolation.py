"""Firm B's attorneys see nothing of firm A: every endpoint answers 404 as if it did not exist."""

from __future__ import annotations

import pytest

from tests.support.profiles import researcher_profile


@pytest.fixture(params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def firm_a_case(product):
    api = product.as_attorney(product.firm_a)
    created = api.post("/v1/clients", json=researcher_profile(last_name="Isolated"))
    assert created.status_code == 201, created.text
    client = created.json()
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    api.wait_for_check(check["status_url"], timeout=60)
    return client, check


def test_firm_b_gets_404_on_every_endpoint_for_firm_a_ids(product, firm_a_case):
    client, check = firm_a_case
    intruder = product.as_attorney(product.firm_b)
    calls = {
        "GET client": lambda: intruder.get(f"/v1/clients/{client['id']}"),
        "GET client checks": lambda: intruder.get(f"/v1/clients/{client['id']}/eligibility-checks"),
        "GET check": lambda: intruder.get(check["status_url"]),
        "PATCH client": lambda: intruder.patch(f"/v1/clients/{client['id']}",
                                               json={"first_name": "Mallory"}),
        "POST check": lambda: intruder.post(f"/v1/clients/{client['id']}/eligibility-checks"),
        "DELETE client": lambda: intruder.delete(f"/v1/clients/{client['id']}"),
    }

    answers = {name: call() for name, call in calls.items()}

    assert {name: r.status_code for name, r in answers.items()} == {name: 404 for name in calls}
    assert all(r.json()["error"] == "not_found" for r in answers.values())
    owner = product.as_attorney(product.firm_a)
    assert owner.get(f"/v1/clients/{client['id']}").json()["first_name"] == "Amara"


def test_listing_shows_only_the_callers_firm(product, firm_a_case):
    client, _ = firm_a_case

    listing_b = product.as_attorney(product.firm_b).get("/v1/clients", limit=100).json()
    listing_a = product.as_attorney(product.firm_a).get("/v1/clients", search="Isolated",
                                                        limit=100).json()

    assert client["id"] not in [c["id"] for c in listing_b["data"]]
    assert client["id"] in [c["id"] for c in listing_a["data"]]
