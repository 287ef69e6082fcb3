"""Roles, tenant isolation, attorney management, sign-in throttling and token revocation."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.support.api import Api
from tests.support.endpoints import ENDPOINTS, invite_body
from tests.support.profiles import researcher_profile

ROLES = ("viewer", "attorney", "admin")
PASSWORD = "a-long-passphrase-77"
RANK = {role: rank for rank, role in enumerate(ROLES)}


@pytest.fixture(scope="module", params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def sessions(product):
    """One signed-in Api per firm and role."""
    return {(firm_name, role): product.as_attorney(firm, role)
            for firm_name, firm in (("a", product.firm_a), ("b", product.firm_b))
            for role in ROLES}


@pytest.fixture(scope="module")
def firm_a_resources(product, sessions):
    """A projected client and check of firm A, and an attorney of firm A to manage."""
    return _resources(sessions[("a", "admin")])


def _resources(admin: Api) -> dict:
    client = admin.post("/v1/clients", json=researcher_profile(last_name="Tenant")).json()
    check = admin.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    admin.wait_for_client(client["id"])
    admin.wait_for_check(check["status_url"], timeout=60)
    attorney = admin.post("/v1/attorneys", json=invite_body()).json()
    return {"client_id": client["id"], "check_id": check["check_id"],
            "attorney_id": attorney["id"]}


def _resources_for(endpoint, sessions, shared: dict) -> dict:
    if not endpoint.fresh_client:
        return shared
    client = sessions[("a", "admin")].post("/v1/clients", json=researcher_profile()).json()
    return {**shared, "client_id": client["id"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_every_endpoint_admits_exactly_the_roles_that_include_its_minimum(
        endpoint, role, sessions, firm_a_resources):
    resources = _resources_for(endpoint, sessions, firm_a_resources)

    response = endpoint.call(sessions[("a", role)], resources)

    if RANK[role] >= RANK[endpoint.minimum_role]:
        assert response.status_code < 300, (response.status_code, response.text)
    else:
        assert response.status_code == 403, (response.status_code, response.text)
        assert response.json()["error"] == "forbidden"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if "{" in e.path], ids=lambda e: e.name)
def test_another_firms_token_finds_nothing_at_any_endpoint(endpoint, role, sessions,
                                                           firm_a_resources):
    resources = _resources_for(endpoint, sessions, firm_a_resources)

    response = endpoint.call(sessions[("b", role)], resources)
    unknown = endpoint.call(sessions[("b", role)], {k: str(uuid.uuid4()) for k in resources})

    assert (response.status_code, response.json()["error"]) == \
        (unknown.status_code, unknown.json()["error"])
    expected = 404 if RANK[role] >= RANK[endpoint.minimum_role] else 403
    assert response.status_code == expected, (response.status_code, response.text)
    assert set(response.json()) == {"error", "message", "details"}
    assert "Tenant" not in response.text and "amara@example.org" not in response.text


def test_another_firms_listings_hold_none_of_this_firms_data(sessions, firm_a_resources):
    firm_b = sessions[("b", "admin")]

    clients = firm_b.get("/v1/clients", include_archived="true", limit=100).json()
    attorneys = firm_b.get("/v1/attorneys").json()
    checks = firm_b.get(f"/v1/clients/{firm_a_resources['client_id']}/eligibility-checks")

    assert firm_a_resources["client_id"] not in [c["id"] for c in clients["data"]]
    assert firm_a_resources["attorney_id"] not in [a["id"] for a in attorneys["data"]]
    assert checks.status_code == 404


def test_a_deactivated_attorneys_token_stops_working_at_once(product, sessions):
    admin = sessions[("a", "admin")]
    invite = invite_body() | {"role": "attorney"}
    attorney = admin.invite(invite, PASSWORD)
    api = product.api.login(invite["email"], PASSWORD)
    before = api.get("/v1/clients")

    deactivated = admin.patch(f"/v1/attorneys/{attorney['id']}", json={"active": False})
    write, read = api.post("/v1/clients", json=researcher_profile()), api.get("/v1/clients")
    login = _login(product.api.command_url, invite["email"], PASSWORD)

    assert before.status_code == 200
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    assert write.status_code == 401 and read.status_code == 401
    assert login.status_code == 401


def test_a_role_change_applies_to_tokens_already_issued(product, sessions):
    admin = sessions[("a", "admin")]
    invite = invite_body() | {"role": "attorney"}
    attorney = admin.invite(invite, PASSWORD)
    api = product.api.login(invite["email"], PASSWORD)

    admin.patch(f"/v1/attorneys/{attorney['id']}", json={"role": "viewer"})
    refused = api.post("/v1/clients", json=researcher_profile())
    again = product.api.login(invite["email"], PASSWORD).post("/v1/clients",
                                                              json=researcher_profile())

    # The token issued before the change stops working; a new sign-in gets the new role.
    assert refused.status_code == 401 and again.status_code == 403


def test_an_admin_cannot_lock_themselves_out(sessions, product):
    admin = sessions[("a", "admin")]
    me = next(a for a in admin.get("/v1/attorneys").json()["data"]
              if a["email"] == product.firm_a.admin_email)

    response = admin.patch(f"/v1/attorneys/{me['id']}", json={"active": False})

    assert response.status_code == 409


def test_inviting_an_existing_email_is_a_conflict_only_within_the_firm(sessions, product):
    same_firm = sessions[("a", "admin")].post("/v1/attorneys", json={
        "email": product.firm_a.viewer_email})
    other_firm = sessions[("b", "admin")].post("/v1/attorneys", json={
        "email": product.firm_a.viewer_email, "role": "viewer"})

    assert same_firm.status_code == 409 and same_firm.json()["error"] == "conflict"
    assert other_firm.status_code == 201 and product.firm_a.id not in other_firm.text


def test_logout_revokes_the_token_in_every_service(product):
    api = product.as_attorney(product.firm_a, "viewer")

    logout = api.post("/v1/auth/logout")
    read, write = api.get("/v1/clients"), api.post("/v1/auth/logout")

    assert logout.status_code == 204
    assert read.status_code == 401 and write.status_code == 401


def test_repeated_failed_logins_lock_the_email_even_for_the_right_password(throttled):
    email, password, url = throttled

    failures = [_login(url, email, "wrong-password").status_code for _ in range(3)]
    locked = _login(url, email, password)

    assert failures == [401, 401, 401]
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert locked.json()["error"] == "too_many_failed_logins"


def test_a_successful_login_clears_earlier_failures(throttled_fresh):
    email, password, url = throttled_fresh

    _login(url, email, "wrong-password")
    _login(url, email, "wrong-password")
    ok = _login(url, email, password)
    after = [_login(url, email, "wrong-password").status_code for _ in range(2)]

    assert ok.status_code == 200 and after == [401, 401]


def _login(url: str, email: str, password: str):
    return requests.post(f"{url}/v1/auth/login", json={"email": email, "password": password},
                         timeout=10)


@pytest.fixture
def throttled(strict_product):
    return _new_attorney(strict_product)


@pytest.fixture
def throttled_fresh(strict_product):
    return _new_attorney(strict_product)


def _new_attorney(strict_product):
    admin = strict_product.as_attorney(strict_product.firm_a, "admin")
    invite = invite_body() | {"email": f"throttle-{uuid.uuid4().hex[:8]}@firm.test"}
    admin.invite(invite, PASSWORD)
    return invite["email"], PASSWORD, strict_product.api.command_url
