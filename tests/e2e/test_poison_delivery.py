"""A poison event in a running product: set aside, its firm and the other firms keep flowing."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import requests

import contracts
from event_store import FirmStores, close_shared_pools
from shared.config import load_settings
from tests.conftest import create_firm
from tests.support.processes import run_visa, wait_until
from tests.support.profiles import researcher_profile


@pytest.fixture(params=["embedded", "distributed"])
def product(request):
    return request.getfixturevalue(request.param)


def _append_poison(product, firm_id: str) -> int:
    """Write, behind the API's back, an edit of a client never created."""
    stores = FirmStores(load_settings(product.env))
    try:
        return stores.for_firm(firm_id).append(
            uuid.uuid4(), 2, contracts.CLIENT_PROFILE_EDITED,
            {"changes": {"h_index": {"old": 1, "new": 2}}}, {"actor_kind": "operator"})
    finally:
        stores.close()
        close_shared_pools()


def _quarantined(product, firm_id: str) -> list[dict]:
    listed = run_visa(product.env, "projections", "quarantine", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return [e for e in map(json.loads, listed.stdout.splitlines()) if e["firm_id"] == firm_id]


def test_a_poison_event_never_stalls_its_firm_or_the_firms_after_it(product):
    poisoned = create_firm(product.env, f"Poisoned {uuid.uuid4().hex[:6]}")
    attorney, bystander = product.as_attorney(poisoned), product.as_attorney(product.firm_b)
    poison = _append_poison(product, poisoned.id)

    after = attorney.post("/v1/clients", json=researcher_profile(last_name="AfterPoison"))
    elsewhere = bystander.post("/v1/clients", json=researcher_profile(last_name="Elsewhere"))
    shown = attorney.wait_for_client(after.json()["id"])
    shown_elsewhere = bystander.wait_for_client(elsewhere.json()["id"])
    consistent = attorney.get("/v1/clients", min_position=after.headers["X-Position"])
    quarantined = wait_until(lambda: _quarantined(product, poisoned.id), 30,
                             what="the poison event in the quarantine")

    assert shown["last_name"] == "AfterPoison" and shown_elsewhere["last_name"] == "Elsewhere"
    assert consistent.status_code == 200
    assert [(e["position"], e["event_type"]) for e in quarantined] == [
        (poison, contracts.CLIENT_PROFILE_EDITED)]
    assert "visa_events_quarantined_total" in _projector_metrics(product)


def _projector_metrics(product) -> str:
    if "projector" in product.ops_urls:
        return requests.get(product.ops_urls["projector"] + "/metrics", timeout=10).text
    token = (Path(product.env["VISA_DATA_DIR"]) / "metrics-token").read_text().strip()
    return requests.get(product.api.query_url + "/metrics",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).text
