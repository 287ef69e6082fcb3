"""Case outcomes, attorney assessments and re-run diffs through the embedded product's API."""

import pytest

from tests.engine_support.product import sign_in, start_product
from tests.engine_support.profiles import RESEARCHER


@pytest.fixture
def product(tmp_path):
    product = start_product(tmp_path)
    yield product
    product.close()


@pytest.fixture
def attorney(product):
    return sign_in(product)


def niw(check: dict) -> dict:
    return next(r for r in check["recommendations"] if r["visa_type"] == "EB-2 NIW")


def outcome(result: str, visa_type: str = "EB-2 NIW") -> dict:
    return {"visa_type": visa_type, "outcome": result, "filed_date": "2025-01-10",
            "decision_date": "2025-06-01"}


def test_recorded_outcomes_shape_this_firms_probability_and_never_another_firms(product,
                                                                                attorney):
    other_firm = sign_in(product)
    past_client = attorney.create_client(RESEARCHER)
    for _ in range(12):
        assert attorney.post(f"/v1/clients/{past_client}/case-outcomes",
                             outcome("denied")).status_code == 201

    ours = attorney.checked(attorney.create_client(RESEARCHER))
    theirs = other_firm.checked(other_firm.create_client(RESEARCHER))

    assert niw(ours)["success_probability_range"]["basis"]["firm"]["decided"] == 12
    assert niw(theirs)["success_probability_range"]["basis"]["firm"]["decided"] == 0
    assert niw(ours)["success_probability"] < niw(theirs)["success_probability"]


@pytest.mark.parametrize(("body", "field"), [
    ({**outcome("approved"), "visa_type": "EB-9"}, "visa_type"),
    ({**outcome("approved"), "outcome": "won"}, "outcome"),
    ({**outcome("approved"), "decision_date": "2024-01-01"}, "decision_date"),
])
def test_an_invalid_case_outcome_is_a_400_naming_the_field(attorney, body, field):
    client_id = attorney.create_client(RESEARCHER)

    response = attorney.post(f"/v1/clients/{client_id}/case-outcomes", body)

    assert response.status_code == 400
    assert field in response.json["details"]


def test_an_attorney_assessment_sits_beside_the_engines_finding_without_overwriting_it(attorney):
    check = attorney.checked(attorney.create_client(RESEARCHER))

    response = attorney.post(f"/v1/eligibility-checks/{check['check_id']}/assessments",
                             {"visa_type": "O-1A", "criterion": "memberships", "met": True,
                              "note": "The society admits by peer vote on achievements."})

    assert response.status_code == 201
    assert response.json["engine"]["met"] is False
    assert response.json["attorney"]["met"] is True
    shown = _eventually_assessed(attorney, check["check_id"])
    o1 = next(r for r in shown["recommendations"] if r["visa_type"] == "O-1A")
    membership = next(c for c in o1["criteria"] if c["id"] == "memberships")
    assert membership["met"] is False
    assert membership["attorney_assessment"]["note"].startswith("The society")


def test_assessing_a_criterion_the_check_does_not_have_is_a_422(attorney):
    check = attorney.checked(attorney.create_client(RESEARCHER))

    response = attorney.post(f"/v1/eligibility-checks/{check['check_id']}/assessments",
                             {"visa_type": "O-1A", "criterion": "astrology", "met": True,
                              "note": "n"})

    assert response.status_code == 422
    assert response.json["error"] == "unknown_criterion"


def test_a_rerun_shows_what_changed_since_the_previous_check(attorney):
    client_id = attorney.create_client(RESEARCHER)
    first = attorney.checked(client_id)
    edited = attorney.client.patch(f"/v1/clients/{client_id}", json={"judging_count": 0},
                                   headers=attorney.headers)
    assert edited.status_code == 200

    second = attorney.checked(client_id)

    changes = second["changes_since_previous_check"]
    assert first["changes_since_previous_check"] is None
    assert changes["previous_check_id"] == first["check_id"]
    assert changes["profile_fields"] == [{"field": "judging_count", "old": 30, "new": 0}]
    eb1a = next(t for t in changes["visa_types"] if t["visa_type"] == "EB-1A")
    assert {"id": "judging", "old": True, "new": False} in eb1a["criteria"]


def _eventually_assessed(attorney, check_id: str, attempts: int = 200) -> dict:
    for _ in range(attempts):
        check = attorney.get(f"/v1/eligibility-checks/{check_id}").json
        if check.get("attorney_assessments"):
            return check
        attorney.product.stop.wait(0.05)
    raise AssertionError("the assessment was never projected")
