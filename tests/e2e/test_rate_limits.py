"""Per-attorney eligibility-check limits and the per-firm request budget, shared by all workers."""

from __future__ import annotations

from tests.support.profiles import researcher_profile


def test_an_attorney_over_the_hourly_check_limit_gets_429_with_retry_after(strict_product):
    api = strict_product.as_attorney(strict_product.firm_a)
    client = api.post("/v1/clients", json=researcher_profile()).json()

    statuses = [api.post(f"/v1/clients/{client['id']}/eligibility-checks").status_code
                for _ in range(3)]
    refused = api.post(f"/v1/clients/{client['id']}/eligibility-checks")

    assert statuses == [202, 202, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json()["error"] == "rate_limited" and refused.json()["details"]["limit"] == 2


def test_a_noisy_firm_exhausts_its_own_budget_and_not_another_firms(strict_product):
    noisy = strict_product.as_attorney(strict_product.firm_b, "viewer")
    quiet = strict_product.as_attorney(strict_product.firm_a, "viewer")

    limited = _first_refusal(noisy, attempts=150)
    other = quiet.get("/v1/clients")

    assert limited is not None, "the budget of 60 a minute never ran out"
    assert limited.headers["Retry-After"].isdigit()
    assert set(limited.json()) == {"error", "message", "details"}
    assert other.status_code == 200


def _first_refusal(api, attempts: int):
    # The budget is a fixed one-minute window, so 150 requests cross at most one reset.
    for _ in range(attempts):
        response = api.get("/v1/clients")
        if response.status_code == 429:
            return response
    return None
