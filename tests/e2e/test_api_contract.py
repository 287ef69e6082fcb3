"""The HTTP contract: error format, size limits, ETag/If-Match, Idempotency-Key, OpenAPI, docs."""

from __future__ import annotations

import base64
import json
import threading
import uuid

import pytest
import requests

from tests.support.profiles import researcher_profile

ERROR_KEYS = {"error", "message", "details"}


@pytest.fixture(scope="module", params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def api(product):
    return product.as_attorney(product.firm_a)


@pytest.mark.parametrize("method, path, kwargs, status, code", [
    ("get", "/v1/no-such-thing", {}, 404, "not_found"),
    ("put", "/v1/clients", {}, 405, "method_not_allowed"),
    ("post", "/v1/clients", {"data": "{not json", "headers": {"Content-Type":
                                                               "application/json"}},
     400, "malformed_json"),
    ("post", "/v1/clients", {"data": "first_name=A", "headers": {"Content-Type": "text/plain"}},
     415, "unsupported_media_type"),
    ("post", "/v1/clients", {"data": "[1, 2]", "headers": {"Content-Type": "application/json"}},
     400, "validation_error"),
    ("post", "/v1/clients", {"json": {"first_name": "A", "last_name": "B", "h_index": -1}},
     400, "validation_error"),
    ("post", "/v1/clients", {"data": "x" * 1_100_000, "headers": {"Content-Type":
                                                                  "application/json"}},
     413, "payload_too_large"),
    ("get", "/v1/clients/not-a-uuid", {}, 404, "not_found"),
    ("post", "/v1/clients", {"json": {"first_name": "A\x00", "last_name": "B"}},
     400, "validation_error"),
    ("post", "/v1/auth/login", {"json": {"email": "a\x00@x.org", "password": "x"}},
     400, "validation_error"),
    ("get", "/v1/clients?search=a%00b", {}, 400, "validation_error"),
])
def test_bad_requests_get_a_4xx_in_the_error_format(api, method, path, kwargs, status, code):
    base = api.command_url if method != "get" else api.query_url
    kwargs = dict(kwargs)
    headers = {**api.headers, **kwargs.pop("headers", {})}

    response = requests.request(method, base + path, headers=headers, timeout=10, **kwargs)

    assert response.status_code == status, response.text
    assert set(response.json()) == ERROR_KEYS and response.json()["error"] == code


def test_a_missing_or_forged_token_is_unauthorized_in_the_error_format(api):
    forged = api.token[:-4] + ("AAAA" if not api.token.endswith("AAAA") else "BBBB")

    _header, payload, _signature = api.token.split(".")
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + payload + "."

    missing = requests.get(api.query_url + "/v1/clients", timeout=10)
    bad = requests.get(api.query_url + "/v1/clients",
                       headers={"Authorization": f"Bearer {forged}"}, timeout=10)
    none = requests.post(api.command_url + "/v1/clients", json=researcher_profile(),
                         headers={"Authorization": f"Bearer {unsigned}"}, timeout=10)

    assert missing.status_code == bad.status_code == none.status_code == 401
    assert set(missing.json()) == set(bad.json()) == set(none.json()) == ERROR_KEYS


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_stale_if_match_is_refused_with_the_current_version(api):
    client = api.post("/v1/clients", json=researcher_profile()).json()
    api.patch(f"/v1/clients/{client['id']}", json={"h_index": 30})

    stale = api.patch(f"/v1/clients/{client['id']}", json={"h_index": 31},
                      headers={"If-Match": '"1"'})
    stale_delete = api.delete(f"/v1/clients/{client['id']}", headers={"If-Match": '"1"'})
    fresh = api.patch(f"/v1/clients/{client['id']}", json={"h_index": 32},
                      headers={"If-Match": '"2"'})

    assert stale.status_code == 412 and stale.json()["details"]["current_version"] == 2
    assert stale.headers["ETag"] == '"2"'
    assert stale_delete.status_code == 412
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"3"'


def test_concurrent_edits_without_if_match_all_land(api):
    client = api.post("/v1/clients", json=researcher_profile()).json()
    fields = ["publications_count", "citations_count", "h_index", "patents_count",
              "judging_count", "graduation_year"]
    values = {name: 2000 + i for i, name in enumerate(fields)}
    statuses = []

    threads = [threading.Thread(target=lambda n=name: statuses.append(
        api.patch(f"/v1/clients/{client['id']}", json={n: values[n]}).status_code))
        for name in fields]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(fields)

    projected = api.wait_for_client(client["id"], version=1 + len(fields))
    assert {name: projected[name] for name in fields} == values


def test_a_retried_post_with_the_same_idempotency_key_returns_the_first_response(api):
    key = str(uuid.uuid4())
    name = f"Idem{uuid.uuid4().hex[:8]}"

    first = api.post("/v1/clients", json=researcher_profile(last_name=name),
                     headers={"Idempotency-Key": key})
    second = api.post("/v1/clients", json=researcher_profile(last_name=name),
                      headers={"Idempotency-Key": key})
    check_key = str(uuid.uuid4())
    checks = [api.post(f"/v1/clients/{first.json()['id']}/eligibility-checks",
                       headers={"Idempotency-Key": check_key}) for _ in range(2)]
    projected = api.wait_for_client(first.json()["id"])
    listing = api.get("/v1/clients", search=name).json()["data"]
    checks_listed = api.get(f"/v1/clients/{first.json()['id']}/eligibility-checks")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["Idempotent-Replayed"] == "true"
    assert [c["id"] for c in listing] == [first.json()["id"]] and projected["version"] == 1
    assert checks[0].json() == checks[1].json()
    assert len({c["check_id"] for c in checks_listed.json()["data"]}) <= 1


def test_reusing_an_idempotency_key_for_a_different_request_is_refused(api):
    key = str(uuid.uuid4())
    api.post("/v1/clients", json=researcher_profile(), headers={"Idempotency-Key": key})

    other = api.post("/v1/clients", json=researcher_profile(last_name="Other"),
                     headers={"Idempotency-Key": key})

    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"


@pytest.mark.parametrize("side", ["command", "query"])
def test_each_service_publishes_its_openapi_document_and_an_offline_docs_page(product, side):
    base = product.api.command_url if side == "command" else product.api.query_url

    document = requests.get(base + "/v1/openapi.json", timeout=10)
    docs = requests.get(base + "/docs", timeout=10)

    assert document.status_code == 200 and document.json()["openapi"].startswith("3.")
    assert "/v1/clients" in document.json()["paths"]
    assert docs.status_code == 200 and "text/html" in docs.headers["Content-Type"]
    assert "/v1/clients" in docs.text and "<script" not in docs.text and "http" not in \
        docs.text.replace("/v1/openapi.json", "")


def test_the_embedded_product_answers_405_for_a_known_path_under_another_method(embedded):
    api = embedded.as_attorney(embedded.firm_a)

    check = requests.delete(f"{api.command_url}/v1/eligibility-checks/{uuid.uuid4()}",
                            headers=api.headers, timeout=10)
    clients = requests.put(f"{api.command_url}/v1/clients", headers=api.headers, timeout=10)

    assert check.status_code == clients.status_code == 405
    assert check.json()["error"] == "method_not_allowed" and "GET" in check.headers["Allow"]
