"""Text the product cannot store is refused at the edge with a 400 naming the field, never a 500."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from tests.support.endpoints import invite_body
from tests.support.hostile_text import (
    LONE_SURROGATE,
    body_operations,
    body_with,
    string_field_paths,
)
from tests.support.profiles import researcher_profile


@pytest.fixture(scope="module", params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def admin(product):
    return product.as_attorney(product.firm_a, "admin")


@pytest.fixture(scope="module")
def resources(admin):
    client = admin.post("/v1/clients", json=researcher_profile()).json()
    check = admin.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    attorney = admin.post("/v1/attorneys", json=invite_body()).json()
    return {"client_id": client["id"], "check_id": check["check_id"],
            "attorney_id": attorney["id"]}


def _every_string_field(admin) -> list[tuple[str, str, str]]:
    document = requests.get(admin.command_url + "/v1/openapi.json", timeout=10).json()
    return [(method, path, field) for method, path, schema in body_operations(document)
            for field in string_field_paths(document, schema)]


def _send(admin, method: str, path: str, body: dict, resources: dict):
    url = admin.command_url + path.format(**resources)
    return requests.request(method, url, data=json.dumps(body),
                            headers={**admin.headers, "Content-Type": "application/json"},
                            timeout=10)


def test_every_string_field_with_a_lone_surrogate_is_a_400_naming_the_field(admin, resources):
    fields = _every_string_field(admin)

    answers = {(method, path, field): _send(admin, method, path,
                                            body_with(field, f"x{LONE_SURROGATE}y"), resources)
               for method, path, field in fields}

    assert len(fields) > 60
    assert {"first_name", "awards.0.name", "job_offer.employer", "note", "email",
            "password"} <= {field for _, _, field in fields}
    wrong = {key: (r.status_code, r.text[:200]) for key, r in answers.items()
             if r.status_code != 400 or r.json()["error"] != "validation_error"
             or key[2] not in r.json()["details"]}
    assert wrong == {}


def test_every_body_with_a_nul_character_is_a_400_naming_the_field(admin, resources):
    document = requests.get(admin.command_url + "/v1/openapi.json", timeout=10).json()

    answers = {}
    for method, path, schema in body_operations(document):
        fields = string_field_paths(document, schema)
        if not fields:
            continue
        field = fields[0]
        answers[(method, path, field)] = _send(admin, method, path, body_with(field, "a\x00b"),
                                               resources)

    assert {key: (r.status_code, r.json()["details"]) for key, r in answers.items()} == {
        key: (400, {key[2]: "contains a NUL character"}) for key in answers}


def test_a_surrogate_in_the_login_email_or_password_is_a_400(product):
    url = product.api.command_url + "/v1/auth/login"

    answers = [requests.post(url, json={"email": f"a{LONE_SURROGATE}@firm.test",
                                        "password": "whatever-it-is"}, timeout=10),
               requests.post(url, json={"email": product.firm_a.admin_email,
                                        "password": LONE_SURROGATE}, timeout=10)]

    assert [(r.status_code, list(r.json()["details"])) for r in answers] == [
        (400, ["email"]), (400, ["password"])]


def test_a_surrogate_in_a_field_name_is_a_400(admin):
    response = admin.post("/v1/clients", json={**researcher_profile(), LONE_SURROGATE: "x"})

    assert response.status_code == 400 and response.json()["error"] == "validation_error"


@pytest.mark.parametrize("depth", [21, 5000, 100_000])
def test_json_nested_deeper_than_the_limit_is_a_400(product, depth):
    body = "[" * depth + "]" * depth

    responses = [requests.post(product.api.command_url + "/v1/auth/login", data=body,
                               headers={"Content-Type": "application/json"}, timeout=10),
                 requests.post(product.api.command_url + "/v1/clients",
                               data='{"first_name": ' + body + "}",
                               headers={**product.as_attorney(product.firm_a).headers,
                                        "Content-Type": "application/json"}, timeout=10)]

    assert [(r.status_code, r.json()["error"]) for r in responses] == [
        (400, "validation_error")] * 2
    assert "nested deeper than 20 levels" in responses[0].json()["details"]["_schema"]


def test_nan_and_invalid_utf8_are_malformed_json(admin):
    url = admin.command_url + "/v1/clients"
    headers = {**admin.headers, "Content-Type": "application/json"}

    nan = requests.post(url, data='{"first_name": "A", "last_name": "B", "h_index": NaN}',
                        headers=headers, timeout=10)
    bad_utf8 = requests.post(url, data=b'{"first_name": "\xed\xa0\x80", "last_name": "B"}',
                             headers=headers, timeout=10)

    assert (nan.status_code, nan.json()["error"]) == (400, "malformed_json")
    assert (bad_utf8.status_code, bad_utf8.json()["error"]) == (400, "malformed_json")


def test_a_nul_in_a_query_parameter_name_or_value_is_a_400(admin):
    url = admin.query_url + "/v1/clients"

    by_value = requests.get(url, params={"search": "a\x00b"}, headers=admin.headers, timeout=10)
    by_name = requests.get(url + "?se%00arch=x", headers=admin.headers, timeout=10)

    assert (by_value.status_code, by_value.json()["details"]) == (
        400, {"search": "contains a NUL character"})
    assert by_name.status_code == 400 and by_name.json()["error"] == "validation_error"


def test_unusual_but_valid_text_is_kept_exactly(admin):
    tag = uuid.uuid4().hex[:8]
    names = {"first_name": f"Zoë\u200d👩‍🔬{tag}", "last_name": "\u202eOkafor\u202c ﷽",
             "notes": "tab\tnewline\nCJK 漢字 and a combining e\u0301"}

    created = admin.post("/v1/clients", json=researcher_profile(**names))
    shown = admin.wait_for_client(created.json()["id"])

    assert created.status_code == 201
    assert {k: shown[k] for k in names} == names
