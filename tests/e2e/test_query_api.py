"""The query API over HTTP on both deployments: filters, search, read-your-writes, history,
as_of, dashboard, audit export and cursor stability."""

from __future__ import annotations

import csv
import io
import json
import threading
import uuid
from datetime import datetime, timezone

import pytest
import requests

from tests.support.profiles import researcher_profile


@pytest.fixture(params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


def _create(api, **fields) -> tuple[dict, int]:
    response = api.post("/v1/clients", json=researcher_profile(**fields))
    assert response.status_code == 201, response.text
    return response.json(), int(response.headers["X-Position"])


def test_a_write_returns_its_position_and_a_read_at_that_position_sees_it(product):
    api = product.as_attorney(product.firm_a)
    client, created_at = _create(api)

    first = api.get(f"/v1/clients/{client['id']}", min_position=created_at)
    edited = api.patch(f"/v1/clients/{client['id']}", json={"h_index": 40})
    after_edit = api.get(f"/v1/clients/{client['id']}",
                         min_position=edited.headers["X-Position"])

    assert first.status_code == 200 and int(first.headers["X-Position"]) >= created_at
    assert int(edited.headers["X-Position"]) > created_at
    assert after_edit.json()["version"] == 2 and after_edit.json()["h_index"] == 40


def test_a_position_the_read_side_never_reaches_is_a_clear_503(product):
    api = product.as_attorney(product.firm_a)

    response = api.get("/v1/dashboard", min_position=10**12)

    assert response.status_code == 503
    assert response.json()["error"] == "not_yet_consistent"


def test_search_finds_a_client_by_name_exact_email_employer_and_field(product):
    api = product.as_attorney(product.firm_a)
    tag = uuid.uuid4().hex[:10]
    client, position = _create(api, last_name=f"Zed{tag}", email=f"m.{tag}@lab.example",
                               current_employer=f"Emp{tag} Corp", field_of_study=f"Geo{tag}")

    found = {term: [c["id"] for c in api.get("/v1/clients", search=term,
                                              min_position=position).json()["data"]]
             for term in (f"zed{tag}", f"M.{tag}@Lab.example", f"Emp{tag}", f"Geo{tag[:6]}",
                          f"Amara Zed{tag}")}
    missed = [api.get("/v1/clients", search=term).json()["data"]
              for term in (f"Zed{tag} nobody", f"m.{tag}", f"{tag}@lab")]

    assert all(ids == [client["id"]] for ids in found.values()), found
    assert missed == [[], [], []]


def test_listing_filters_by_attorney_status_update_time_and_visa_score(product):
    attorney = product.as_attorney(product.firm_b)
    admin = product.as_attorney(product.firm_b, "admin")
    tag = uuid.uuid4().hex[:10]
    mine, _ = _create(attorney, current_employer=f"{tag} Mine Labs")
    theirs, _ = _create(admin, current_employer=f"{tag} Their Labs")
    check = attorney.post(f"/v1/clients/{mine['id']}/eligibility-checks").json()
    result = attorney.wait_for_check(check["status_url"], timeout=60)
    best = next(r for r in result["recommendations"] if 0 < r["eligibility_score"] < 100)
    since = datetime.now(timezone.utc).isoformat()
    archived = admin.delete(f"/v1/clients/{theirs['id']}")
    position = archived.headers["X-Position"]

    def ids(**params):
        body = attorney.get("/v1/clients", search=tag, min_position=position, **params).json()
        return {c["id"] for c in body["data"]}

    me = attorney.get(f"/v1/clients/{mine['id']}").json()["created_by"]
    assert ids(attorney_id=me) == {mine["id"]}
    assert ids(status="archived") == {theirs["id"]}
    assert ids(include_archived="1", updated_since=since) == {theirs["id"]}
    assert ids(visa_type=best["visa_type"], min_score=best["eligibility_score"]) == {mine["id"]}
    assert ids(visa_type=best["visa_type"], min_score=best["eligibility_score"] + 1) == set()


def test_the_listing_shows_each_clients_best_option_and_filters_and_sorts_by_it(product):
    api = product.as_attorney(product.firm_b)
    tag = uuid.uuid4().hex[:10]
    strong, _ = _create(api, last_name=f"Best{tag}")
    weak, _ = _create(api, last_name=f"Best{tag}", awards=[], media_coverage=[], judging_count=0,
                      citations_count=3, critical_roles=[], original_contributions=[],
                      annual_salary_usd=40000)
    unchecked, _ = _create(api, last_name=f"Best{tag}")
    best = {}
    for client in (strong, weak):  # a completed check's results are in the listing too
        check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
        best[client["id"]] = api.wait_for_check(check["status_url"], timeout=60)[
            "recommendations"][0]

    def listing(**params):
        body = api.get("/v1/clients", search=f"Best{tag}", **params).json()
        return body["data"], body["pagination"]["next_cursor"]

    rows, _ = listing(latest_check="completed")
    by_probability, order = [], None
    while True:
        page, order = listing(sort="best_probability", limit=1, **({"cursor": order} if order else {}))
        by_probability += [c["id"] for c in page]
        if order is None:
            break
    strong_best = best[strong["id"]]

    assert {c["id"]: c["best_option"] for c in rows} == {cid: {
        k: rec[k] for k in ("visa_type", "verdict", "eligibility_score", "success_probability")}
        for cid, rec in best.items()}
    assert {c["id"] for c in listing(latest_check="none")[0]} == {unchecked["id"]}
    assert listing(best_verdict="none")[0][0]["best_option"] is None
    assert strong["id"] in {c["id"] for c in listing(best_verdict=strong_best["verdict"],
                                                      best_visa_type=strong_best["visa_type"])[0]}
    # Highest probability first; a tie goes to the newer client (weak was created later).
    expected = sorted(best, key=lambda cid: (-best[cid]["success_probability"], cid != weak["id"]))
    assert by_probability == [*expected, unchecked["id"]]


def test_history_lists_the_clients_events_oldest_first_with_field_diffs(product):
    api = product.as_attorney(product.firm_a)
    client, _ = _create(api, annual_salary_usd=100000)
    api.patch(f"/v1/clients/{client['id']}", json={"annual_salary_usd": 150000})
    archived = api.delete(f"/v1/clients/{client['id']}")

    history = api.get(f"/v1/clients/{client['id']}/history",
                      min_position=archived.headers["X-Position"]).json()["data"]

    assert [e["action"] for e in history] == ["created", "edited", "archived"]
    assert history[0]["changes"]["last_name"] == {"old": None, "new": "Okafor"}
    assert history[1]["changes"] == {"annual_salary_usd": {"old": 100000, "new": 150000}}
    assert history[2]["changes"] == {"status": {"old": "active", "new": "archived"}}
    assert {e["actor_id"] for e in history} == {client["created_by"]}
    assert all(e["request_id"] and e["occurred_at"] for e in history)
    assert [e["position"] for e in history] == sorted(e["position"] for e in history)


def test_as_of_returns_the_profile_as_it_stood_then(product):
    api = product.as_attorney(product.firm_a)
    client, _ = _create(api, annual_salary_usd=100000)
    edited = api.patch(f"/v1/clients/{client['id']}", json={"annual_salary_usd": 175000}).json()

    before_edit = api.get(f"/v1/clients/{client['id']}", as_of=client["updated_at"]).json()
    after_edit = api.get(f"/v1/clients/{client['id']}", as_of=edited["updated_at"]).json()
    before_creation = api.get(f"/v1/clients/{client['id']}", as_of="2001-01-01T00:00:00Z")

    assert before_edit["version"] == 1 and before_edit["annual_salary_usd"] == 100000
    assert after_edit["version"] == 2 and after_edit["annual_salary_usd"] == 175000
    assert before_creation.status_code == 404


def test_dashboard_counts_clients_and_checks(product):
    api = product.as_attorney(product.firm_a)
    before = api.get("/v1/dashboard").json()
    client, _ = _create(api)
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    result = api.wait_for_check(check["status_url"], timeout=60)

    after = api.get("/v1/dashboard").json()

    assert after["clients_by_status"]["active"] == before["clients_by_status"]["active"] + 1
    assert after["checks_by_status"]["completed"] == before["checks_by_status"]["completed"] + 1
    top = result["recommendations"][0]["visa_type"]

    def counts(dashboard: dict) -> dict:
        return {t["visa_type"]: t["count"] for t in dashboard["top_recommended_types"]}

    assert counts(after)[top] == counts(before).get(top, 0) + 1
    assert top in after["average_score_by_type"]
    assert sum(d["count"] for d in after["checks_per_day"]) == sum(
        d["count"] for d in before["checks_per_day"]) + 1


def test_audit_log_is_for_admins_and_exports_as_csv_and_json_lines(product):
    attorney = product.as_attorney(product.firm_b)
    admin = product.as_attorney(product.firm_b, "admin")
    client, position = _create(attorney)
    actor = client["created_by"]

    refused = attorney.get("/v1/audit")
    page = admin.get("/v1/audit", actor=actor, entity=client["id"], min_position=position)
    exported_csv = admin.get("/v1/audit", entity=client["id"], format="csv")
    exported_jsonl = requests.get(f"{admin.query_url}/v1/audit", params={"entity": client["id"]},
                                  headers={**admin.headers, "Accept": "application/x-ndjson"},
                                  timeout=10)

    assert refused.status_code == 403
    assert [e["action"] for e in page.json()["data"]] == ["created"]
    rows = list(csv.DictReader(io.StringIO(exported_csv.text)))
    assert exported_csv.headers["Content-Type"].startswith("text/csv")
    assert [(r["action"], r["actor_id"], r["entity_id"]) for r in rows] == [
        ("created", actor, client["id"])]
    lines = [json.loads(line) for line in exported_jsonl.text.splitlines()]
    assert [(e["action"], e["entity_id"]) for e in lines] == [("created", client["id"])]


def test_the_audit_log_names_its_clients_opens_their_identifiers_and_finds_them_by_name(product):
    admin = product.as_attorney(product.firm_b, "admin")
    tag = uuid.uuid4().hex[:10]
    client, _ = _create(admin, last_name=f"Named{tag}", email=f"n.{tag}@example.org")
    other, position = _create(admin, last_name=f"Other{tag}")

    by_name = admin.get("/v1/audit", client=f"named{tag}", min_position=position).json()["data"]
    by_email = admin.get("/v1/audit", client=f"n.{tag}@example.org").json()["data"]
    exported = admin.get("/v1/audit", client=f"Named{tag}", format="jsonl").text

    assert [(e["entity_id"], e["client_name"]) for e in by_name] == [
        (client["id"], f"Amara Named{tag}")]
    assert by_name[0]["changes"]["email"] == {"old": None, "new": f"n.{tag}@example.org"}
    assert [e["entity_id"] for e in by_email] == [client["id"]]
    assert "pii:v1:" not in exported and f"Named{tag}" in exported and other["id"] not in exported


def test_cursor_pages_have_no_duplicates_or_gaps_while_clients_are_added(product):
    api = product.as_attorney(product.firm_b)
    tag = uuid.uuid4().hex[:10]
    existing = {_create(api, last_name=f"Page{tag}")[0]["id"] for _ in range(12)}
    _, position = _create(api, last_name=f"Page{tag}")
    listed = api.get("/v1/clients", search=f"Page{tag}", min_position=position, limit=100)
    existing |= {c["id"] for c in listed.json()["data"]}
    stop = threading.Event()

    def keep_adding():
        while not stop.is_set():
            _create(api, last_name=f"Page{tag}")

    adder = threading.Thread(target=keep_adding)
    adder.start()
    seen, cursor = [], None
    try:
        while True:
            params = {"search": f"Page{tag}", "limit": 3, **({"cursor": cursor} if cursor else {})}
            body = api.get("/v1/clients", **params).json()
            seen += [c["id"] for c in body["data"]]
            cursor = body["pagination"]["next_cursor"]
            if cursor is None:
                break
    finally:
        stop.set()
        adder.join()

    assert len(seen) == len(set(seen))
    assert existing <= set(seen)


@pytest.mark.parametrize("path, params, field", [
    ("/v1/clients", {"min_score": "70"}, "min_score"),
    ("/v1/clients", {"visa_type": "O-1A", "min_score": "101"}, "min_score"),
    ("/v1/clients", {"updated_since": "yesterday"}, "updated_since"),
    ("/v1/clients", {"updated_since": "2026-01-01T00:00:00"}, "updated_since"),
    ("/v1/clients", {"attorney_id": "nobody"}, "attorney_id"),
    ("/v1/clients", {"best_verdict": "great"}, "best_verdict"),
    ("/v1/clients", {"latest_check": "done"}, "latest_check"),
    ("/v1/clients", {"sort": "oldest"}, "sort"),
    ("/v1/dashboard", {"min_position": "-3"}, "min_position"),
    ("/v1/clients/6f1c2d8e-51a4-4c1e-9b7a-0d2b3c4e5f60", {"as_of": "last week"}, "as_of"),
    # Present but empty is not "absent": the contract types each parameter.
    ("/v1/clients", {"limit": ""}, "limit"),
    ("/v1/clients", {"updated_since": ""}, "updated_since"),
    ("/v1/clients", {"attorney_id": ""}, "attorney_id"),
    ("/v1/clients", {"status": ""}, "status"),
    ("/v1/clients", {"stale_check": ""}, "stale_check"),
    ("/v1/dashboard", {"min_position": ""}, "min_position"),
    ("/v1/clients/6f1c2d8e-51a4-4c1e-9b7a-0d2b3c4e5f60", {"as_of": ""}, "as_of"),
    # Checked whichever listing answers, the stale-check one included.
    ("/v1/clients", {"stale_check": "true", "include_archived": "-6.1e307"}, "include_archived"),
    ("/v1/clients", {"stale_check": "true", "status": "archived", "include_archived": "2"},
     "include_archived"),
])
def test_malformed_query_parameters_are_clear_400s(product, path, params, field):
    api = product.as_attorney(product.firm_a)

    response = api.get(path, **params)

    assert response.status_code == 400
    assert response.json()["error"] == "validation_error" and field in response.json()["details"]


def test_an_unknown_export_format_is_a_clear_400(product):
    response = product.as_attorney(product.firm_a, "admin").get("/v1/audit", format="xml")

    assert response.status_code == 400 and "format" in response.json()["details"]


@pytest.mark.parametrize("params, field", [({"after": ""}, "after"), ({"limit": "0"}, "limit"),
                                           ({"entity": ""}, "entity"), ({"from": ""}, "from"),
                                           ({"format": ""}, "format")])
def test_malformed_audit_parameters_are_clear_400s(product, params, field):
    response = product.as_attorney(product.firm_a, "admin").get("/v1/audit", **params)

    assert response.status_code == 400 and field in response.json()["details"]
