"""The rules engine on the skeleton's visa types."""

from __future__ import annotations

import pytest

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from tests.support.profiles import researcher_profile


def recommendation(profile: dict, visa_type: str) -> dict:
    result = evaluate_profile(profile, load_catalogue())
    return next(r for r in result["recommendations"] if r["visa_type"] == visa_type)


def test_every_catalogue_type_is_returned_best_first_with_failing_gates_last():
    result = evaluate_profile(researcher_profile(), load_catalogue())

    verdicts = [r["verdict"] for r in result["recommendations"]]
    assert len(verdicts) == len(load_catalogue().types)
    assert verdicts.index("not_eligible") > verdicts.index("strong")
    assert all(v == "not_eligible" for v in verdicts[verdicts.index("not_eligible"):])


@pytest.mark.parametrize("visa_type", ["O-1A", "EB-1A"])
def test_three_criteria_meet_the_threshold_but_two_do_not(visa_type):
    three = {"first_name": "A", "last_name": "B", "citizenships": ["France"],
             "awards": [{"name": "National Science Prize", "level": "national"}],
             "judging_count": 25, "publications_count": 30,
             "media_coverage": [{"outlet": "The New York Times"}],
             "job_offer": {"employer": "Lab Inc"}}
    two = {**three, "judging_count": 0, "media_coverage": []}

    assert recommendation(three, visa_type)["criteria_met"] == 4
    assert recommendation(three, visa_type)["verdict"] in ("strong", "viable")
    assert recommendation(two, visa_type)["criteria_met"] == 2
    assert recommendation(two, visa_type)["verdict"] == "weak"


@pytest.mark.parametrize("visa_type", ["O-1A", "EB-1A"])
def test_three_thin_criteria_meet_the_count_but_not_the_final_merits(visa_type):
    thin = {"first_name": "A", "last_name": "B", "citizenships": ["France"],
            "awards": [{"name": "National prize", "level": "national"}],
            "judging_count": 1, "publications_count": 1, "job_offer": {"employer": "Lab Inc"}}

    rec = recommendation(thin, visa_type)

    assert rec["criteria_met"] == 3
    assert rec["verdict"] == "weak" and rec["success_probability"] < 0.5
    assert "thin for the final-merits review" in rec["summary"]


def test_regional_awards_and_open_memberships_do_not_count():
    profile = {"first_name": "A", "last_name": "B",
               "awards": [{"name": "City prize", "level": "regional"}],
               "memberships": [{"organization": "IEEE", "selective": False}]}

    criteria = {c["id"]: c for c in recommendation(profile, "EB-1A")["criteria"]}

    assert criteria["awards"]["met"] is False and criteria["memberships"]["met"] is False
    assert criteria["judging"]["met"] is None
    assert criteria["judging"]["citation"] == "8 CFR 204.5(h)(3)(iv)"


def test_tn_is_not_eligible_for_a_non_usmca_citizen_and_names_the_gate():
    rec = recommendation(researcher_profile(citizenships=["India"]), "TN")

    assert rec["verdict"] == "not_eligible" and rec["success_probability"] == 0
    assert "Canada or Mexico" in rec["not_eligible_reasons"][0]


def test_tn_is_open_to_a_canadian_engineer_with_an_offer():
    profile = {"first_name": "A", "last_name": "B", "citizenships": ["Canada"],
               "highest_degree": "bachelors",
               "job_offer": {"employer": "Acme", "title": "Mechanical engineer"}}

    assert recommendation(profile, "TN")["verdict"] in ("strong", "viable")


@pytest.mark.parametrize("months,verdict", [(11, "not_eligible"), (12, "strong")])
def test_l1a_needs_twelve_months_abroad(months, verdict):
    profile = {"first_name": "A", "last_name": "B", "citizenships": ["Germany"],
               "foreign_employment": {"affiliated_with_us_employer": True,
                                      "months_in_last_3_years": months, "role": "manager"},
               "job_offer": {"employer": "Acme US", "title": "Engineering manager"}}

    assert recommendation(profile, "L-1A")["verdict"] == verdict


def test_niw_needs_an_advanced_degree_or_five_years_after_a_bachelors():
    base = {"first_name": "A", "last_name": "B", "highest_degree": "bachelors",
            "citizenships": ["Brazil"], "professional_license": False, "memberships": [],
            "awards": [], "media_coverage": []}

    assert recommendation({**base, "years_of_experience": 4}, "EB-2 NIW")["verdict"] == "not_eligible"
    assert recommendation({**base, "years_of_experience": 5}, "EB-2 NIW")["verdict"] != "not_eligible"


def test_visa_bulletin_backlog_lengthens_the_timeline_for_india_born_clients():
    india = recommendation(researcher_profile(country_of_birth="India"), "EB-1A")
    france = recommendation(researcher_profile(country_of_birth="France"), "EB-1A")

    assert india["estimated_timeline_months"]["low"] > france["estimated_timeline_months"]["low"]


def test_a_national_of_a_fully_suspended_country_without_another_passport_is_not_eligible():
    rec = recommendation(researcher_profile(citizenships=["Yemen"], current_us_status="none"),
                         "O-1A")

    assert rec["verdict"] == "not_eligible"
