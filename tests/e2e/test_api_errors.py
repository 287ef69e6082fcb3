"""Bad input gets a clear 4xx in the documented error format, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import requests

from tests.support.profiles import researcher_profile


def test_login_with_wrong_credentials_is_401(embedded):
    response = requests.post(embedded.api.command_url + "/v1/auth/login",
                             json={"email": embedded.firm_a.attorney_email, "password": "wrong"})

    assert response.status_code == 401 and response.json()["error"] == "invalid_credentials"


def test_login_returns_a_bearer_token_with_the_attorney(embedded):
    response = requests.post(embedded.api.command_url + "/v1/auth/login",
                             json={"email": embedded.firm_a.admin_email,
                                   "password": embedded.firm_a.password})

    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    assert body["attorney"]["firm_id"] == embedded.firm_a.id and body["attorney"]["role"] == "admin"


def test_every_endpoint_needs_a_token(embedded):
    anonymous = embedded.api

    answers = [anonymous.get("/v1/clients"), anonymous.post("/v1/clients", json={}),
               anonymous.get("/v1/eligibility-checks/00000000-0000-0000-0000-000000000000")]

    assert [r.status_code for r in answers] == [401, 401, 401]
    assert all(r.json()["error"] == "unauthorized" for r in answers)


def test_invalid_profile_is_400_with_a_message_per_field(embedded):
    api = embedded.as_attorney(embedded.firm_a)

    response = api.post("/v1/clients", json={"first_name": "A", "highest_degree": "phd",
                                             "awards": [{"name": "X", "level": "galactic"}],
                                             "favourite_colour": "blue"})

    body = response.json()
    assert response.status_code == 400 and body["error"] == "validation_error"
    assert set(body["details"]) == {"last_name", "highest_degree", "awards.0.level",
                                    "favourite_colour"}
    assert body["details"]["favourite_colour"] == "Unknown field."


def test_a_date_of_birth_in_the_future_is_refused_on_create_and_edit(embedded):
    api = embedded.as_attorney(embedded.firm_a)
    future = (date.today() + timedelta(days=3)).isoformat()

    created = api.post("/v1/clients", json=researcher_profile(date_of_birth=future))
    client = api.post("/v1/clients", json=researcher_profile(date_of_birth="1990-04-01")).json()
    edited = api.patch(f"/v1/clients/{client['id']}", json={"date_of_birth": future})

    for response in (created, edited):
        assert response.status_code == 400, response.text
        assert response.json()["details"] == {
            "date_of_birth": "The date of birth can't be in the future."}


def test_the_sign_in_cookie_refreshes_only_with_the_csrf_header_and_dies_with_sign_out(embedded):
    base = embedded.api.command_url
    browser = requests.Session()
    login = browser.post(f"{base}/v1/auth/login", timeout=10, json={
        "email": embedded.firm_a.attorney_email, "password": embedded.firm_a.password})
    cookie = next(c for c in browser.cookies if c.name == "visa_refresh")
    csrf = {"X-Visa-CSRF": "1"}

    no_header = browser.post(f"{base}/v1/auth/refresh", timeout=10)
    other_site = browser.post(f"{base}/v1/auth/refresh", timeout=10,
                              headers={**csrf, "Origin": "https://evil.example"})
    refreshed = browser.post(f"{base}/v1/auth/refresh", timeout=10, headers=csrf)
    tab_token = refreshed.json()["access_token"]
    usable = requests.get(f"{base}/v1/clients", timeout=10,
                          headers={"Authorization": f"Bearer {tab_token}"})
    signed_out = browser.post(f"{base}/v1/auth/logout", timeout=10, headers={
        "Authorization": f"Bearer {login.json()['access_token']}"})
    after = requests.post(f"{base}/v1/auth/refresh", timeout=10, headers=csrf,
                          cookies={"visa_refresh": cookie.value})
    tab_after = requests.get(f"{base}/v1/clients", timeout=10,
                             headers={"Authorization": f"Bearer {tab_token}"})

    assert cookie.path == "/v1/auth" and cookie.has_nonstandard_attr("HttpOnly")
    assert "samesite=strict" in login.headers["Set-Cookie"].lower()
    assert (no_header.status_code, other_site.status_code) == (403, 403)
    assert refreshed.status_code == 200 and usable.status_code == 200
    assert refreshed.json()["attorney"]["email"] == embedded.firm_a.attorney_email
    assert signed_out.status_code == 204
    assert (after.status_code, tab_after.status_code) == (401, 401)


def test_malformed_json_and_wrong_content_type_are_clear_4xx(embedded):
    api = embedded.as_attorney(embedded.firm_a)
    url = embedded.api.command_url + "/v1/clients"

    malformed = requests.post(url, data="{not json", headers={**api.headers,
                                                              "Content-Type": "application/json"})
    wrong_type = requests.post(url, data="first_name=A", headers={
        **api.headers, "Content-Type": "application/x-www-form-urlencoded"})

    assert (malformed.status_code, malformed.json()["error"]) == (400, "malformed_json")
    assert (wrong_type.status_code, wrong_type.json()["error"]) == (415, "unsupported_media_type")


def test_viewer_cannot_write(embedded):
    viewer = embedded.as_attorney(embedded.firm_a, role="viewer")

    response = viewer.post("/v1/clients", json=researcher_profile())

    assert response.status_code == 403 and response.json()["error"] == "forbidden"


def test_unknown_ids_and_bad_query_parameters_are_4xx(embedded):
    api = embedded.as_attorney(embedded.firm_a)

    answers = {
        "malformed id": api.get("/v1/clients/not-a-uuid").status_code,
        "unknown check": api.get("/v1/eligibility-checks/" + "1" * 32).status_code,
        "bad limit": api.get("/v1/clients", limit="many").status_code,
        "bad cursor": api.get("/v1/clients", cursor="%%%").status_code,
        "empty patch": api.patch("/v1/clients/" + "2" * 32, json={}).status_code,
    }

    assert answers == {"malformed id": 404, "unknown check": 404, "bad limit": 400,
                       "bad cursor": 400, "empty patch": 400}


def test_listing_pages_with_a_cursor_newest_first(embedded):
    api = embedded.as_attorney(embedded.firm_b)
    ids = [api.post("/v1/clients", json=researcher_profile(last_name=f"Pager{i}")).json()["id"]
           for i in range(5)]
    for client_id in ids:
        api.wait_for_client(client_id)

    first = api.get("/v1/clients", search="pager", limit=3).json()
    second = api.get("/v1/clients", search="pager", limit=3,
                     cursor=first["pagination"]["next_cursor"]).json()

    assert [c["id"] for c in first["data"] + second["data"]] == list(reversed(ids))
    assert first["pagination"]["has_more"] and not second["pagination"]["has_more"]


def test_no_api_answer_may_be_cached(embedded):
    api = embedded.as_attorney(embedded.firm_a)

    answers = [api.get("/v1/clients"), api.post("/v1/clients", json={}),
               api.get("/v1/openapi.json"), embedded.api.get("/v1/clients"),
               requests.post(embedded.api.command_url + "/v1/auth/login",
                             json={"email": embedded.firm_a.admin_email,
                                   "password": embedded.firm_a.password}, timeout=10)]

    assert [r.headers.get("Cache-Control") for r in answers] == ["no-store"] * len(answers)
