"""Erasure that really erases: no byte of the deployment keeps what named the client."""

from __future__ import annotations

import json

import pytest

from tests.support.erasure_scan import (
    ScanResult,
    erasable_person,
    scan,
    wrapped_key,
    wrapped_key_needles,
)
from tests.support.processes import wait_until


@pytest.fixture(params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


def settled_scan(env: dict, needles: list[bytes]) -> ScanResult:
    """Scan until nothing is found (the projector truncates its log after it applies the
    erasure), or return the last scan's hits after a minute."""
    last = None

    def clean():
        nonlocal last
        last = scan(env, needles)
        return not last.hits

    try:
        wait_until(clean, timeout=60, interval=1, what="no erased string in any file")
    except AssertionError:
        pass
    return last


def test_after_erasure_no_file_and_no_dump_holds_the_clients_strings(product, artifacts_dir):
    attorney = product.as_attorney(product.firm_a)
    admin = product.as_attorney(product.firm_a, "admin")
    profile, texts = erasable_person()
    client = attorney.post("/v1/clients", json=profile).json()
    attorney.patch(f"/v1/clients/{client['id']}",
                   json={"notes": profile["notes"] + " (confirmed)"})
    found_before = attorney.wait_for_client(client["id"], version=2)
    check = attorney.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    concluded = attorney.wait_for_check(check["status_url"], timeout=60)
    rec = next(r for r in concluded["recommendations"] if r["criteria"])
    note = f"{profile['first_name']} {profile['last_name']} showed us the medal in person"
    attorney.post(f"/v1/eligibility-checks/{check['check_id']}/assessments",
                  json={"visa_type": rec["visa_type"], "criterion": rec["criteria"][0]["id"],
                        "met": True, "note": note})
    assessed = wait_until(lambda: (c := attorney.get(check["status_url"]).json())
                          .get("attorney_assessments") and c, what="the assessment projected")
    texts = [*texts, note]
    key = wrapped_key(product.env, product.firm_a.id, client["id"])
    needles = [t.encode() for t in texts] + wrapped_key_needles(key)
    before = scan(product.env, needles)

    erased = admin.post(f"/v1/clients/{client['id']}/erasure")
    shown = attorney.wait_for_client(client["id"], version=3)
    by_name = attorney.get("/v1/clients", search=profile["last_name"], include_archived="true")
    by_employer = attorney.get("/v1/clients", search=f"{profile['last_name']} robotics",
                               include_archived="true")
    history = attorney.get(f"/v1/clients/{client['id']}/history").json()
    check_after = attorney.get(check["status_url"]).json()
    after = settled_scan(product.env, needles)
    kind = "distributed" if "VISA_DATABASE_URL" in product.env else "embedded"
    (artifacts_dir / f"erasure-scan-{kind}.json").write_text(json.dumps(
        {"strings": texts, "wrapped_key_forms": len(needles) - len(texts),
         "files": after.files, "bytes": after.scanned_bytes, "hits": after.hits}, indent=1))

    assert found_before["last_name"] == profile["last_name"] and before.hits
    assert profile["last_name"] in json.dumps(concluded)  # the rules quote the client
    assert assessed["attorney_assessments"][0]["note"] == note
    assert erased.status_code == 200 and shown["status"] == "erased"
    assert shown["awards"] == [{"level": "national", "year": 2021}]
    assert shown["h_index"] == 12 and shown["highest_degree"] == "doctorate"
    for text in texts:
        assert text not in json.dumps(shown) and text not in json.dumps(history), text
    assert profile["last_name"] not in json.dumps(check_after)
    assert check_after["status"] == "completed" and [r["verdict"] for r in check_after[
        "recommendations"]] == [r["verdict"] for r in concluded["recommendations"]]
    assert by_name.json()["data"] == [] and by_employer.json()["data"] == []
    assert after.hits == [] and len(after.files) > 3
