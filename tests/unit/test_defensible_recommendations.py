"""The cases issue 12 found, each now judged as the law and practice read it."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from shared.profile_schema import load_profile

TODAY = date(2026, 11, 27)


def evaluate(profile: dict) -> dict:
    return evaluate_profile(load_profile({"first_name": "A", "last_name": "B", **profile}),
                            load_catalogue(), today=TODAY)


def rec(profile: dict, code: str) -> dict:
    return next(r for r in evaluate(profile)["recommendations"] if r["visa_type"] == code)


def test_an_emmy_winning_cinematographer_meets_o1b_through_the_award_under_the_film_rules():
    o1b = rec({"citizenships": ["GB"], "current_job_title": "Cinematographer",
               "awards": [{"name": "Primetime Emmy Award", "level": "national"}]}, "O-1B")

    assert o1b["verdict"] == "strong" and o1b["success_probability"] > 0.9
    assert o1b["one_time_achievement"]["met"] is True
    assert o1b["one_time_achievement"]["citation"] == "8 CFR 214.2(o)(3)(v)(A)"
    assert all("(o)(3)(v)" in c["citation"] for c in o1b["criteria"])


def test_an_oscar_nomination_meets_o1b():
    o1b = rec({"citizenships": ["FR"], "current_job_title": "Film editor",
               "awards": [{"name": "Academy Award nomination, Best Film Editing",
                           "level": "international"}]}, "O-1B")

    assert o1b["one_time_achievement"]["met"] is True and o1b["verdict"] == "strong"


@pytest.mark.parametrize("code", ["H-1B", "EB-2 PERM", "EB-3"])
def test_a_wage_below_level_one_everywhere_fails_the_prevailing_wage_gate(code):
    result = rec({"citizenships": ["IN"], "highest_degree": "masters",
                  "job_offer": {"employer": "Acme", "title": "Software Developer",
                                "annual_wage_usd": 25000, "permanent": True,
                                "specialty_occupation": True}}, code)

    assert result["verdict"] == "not_eligible" and result["success_probability"] == 0
    assert any("prevailing wage" in reason for reason in result["not_eligible_reasons"])


def test_the_worksite_county_decides_a_wage_between_the_state_lowest_and_highest():
    offer = {"employer": "Acme", "title": "Software Developer", "annual_wage_usd": 120000,
             "specialty_occupation": True, "employer_type": "for_profit", "worksite_state": "CA"}

    state_only = rec({"citizenships": ["IN"], "highest_degree": "masters", "job_offer": offer},
                     "H-1B")
    santa_clara = rec({"citizenships": ["IN"], "highest_degree": "masters",
                       "job_offer": {**offer, "worksite_county": "Santa Clara"}}, "H-1B")

    wage_gate = next(g for g in state_only["gates"] if g["id"] == "prevailing_wage")
    assert wage_gate["met"] is None and "county" in wage_gate["question"]
    assert santa_clara["verdict"] == "not_eligible"


def test_a_manager_moving_into_an_individual_contributor_job_has_no_l1a():
    l1a = rec({"citizenships": ["DE"], "foreign_employment": {
        "affiliated_with_us_employer": True, "months_in_last_3_years": 30, "role": "manager"},
        "job_offer": {"employer": "Parent US", "title": "Senior Software Engineer"}}, "L-1A")

    assert l1a["verdict"] == "not_eligible"
    assert any("individual-contributor" in r for r in l1a["not_eligible_reasons"])


def test_no_employment_abroad_means_no_l1a_not_a_weak_l1a():
    l1a = rec({"citizenships": ["DE"], "highest_degree": "doctorate"}, "L-1A")

    assert l1a["verdict"] == "not_eligible" and l1a["success_probability"] == 0


@pytest.mark.parametrize(("title", "employer", "verdict"), [
    ("High School Teacher", "Lincoln High School", "not_eligible"),
    ("Clinical physician", "City Hospital", "not_eligible"),
    ("Assistant Professor", "State University", "strong"),
])
def test_tn_applies_the_lists_own_limits(title, employer, verdict):
    tn = rec({"citizenships": ["Canadian"], "highest_degree": "professional",
              "job_offer": {"employer": employer, "title": title}}, "TN")

    assert tn["verdict"] == verdict


def test_a_management_consultant_qualifies_for_tn_by_experience_without_a_degree():
    tn = rec({"citizenships": ["MX"], "highest_degree": "high_school", "years_of_experience": 7,
              "job_offer": {"employer": "Consult LLC", "title": "Management Consultant"}}, "TN")

    assert tn["verdict"] in ("strong", "viable")


@pytest.mark.parametrize(("nationality", "code", "verdict"), [
    ("Canadian", "TN", "strong"), ("CA", "TN", "strong"), ("UK", "E-2", "strong"),
    ("Republic of Korea", "E-2", "strong"), ("Syrian Arab Republic", "O-1A", "not_eligible"),
    ("Islamic Republic of Iran", "O-1A", "not_eligible"),
])
def test_nationalities_are_read_as_countries_whatever_their_spelling(nationality, code, verdict):
    profile = {"citizenships": [nationality], "highest_degree": "bachelors",
               "current_us_status": "none", "investment_usd": 300000, "ownership_percent": 100,
               "awards": [{"name": "Nobel Prize in Physics", "level": "major_international"}],
               "job_offer": {"employer": "Build Co", "title": "Civil Engineer"}}

    assert rec(profile, code)["verdict"] == verdict


@pytest.mark.parametrize(("whereabouts", "verdict"), [
    ({"current_us_status": "none"}, "not_eligible"),
    ({"current_us_status": "H-1B", "current_location": "Austin, TX, USA"}, "strong"),
    ({}, "weak"),
])
def test_an_entry_suspension_bars_a_visa_abroad_not_a_change_of_status_inside_the_us(
        whereabouts, verdict):
    profile = {"citizenships": ["SY"], "highest_degree": "doctorate",
               "awards": [{"name": "Nobel Prize in Physics", "level": "major_international"}],
               **whereabouts}

    o1a = rec(profile, "O-1A")

    assert o1a["verdict"] == verdict


def test_an_olympic_medal_is_a_one_time_achievement_but_not_for_the_coach():
    athlete = rec({"citizenships": ["KE"], "current_job_title": "Marathon runner",
                   "awards": [{"name": "Olympic Games silver medal", "level": "international"}]},
                  "EB-1A")
    coach = rec({"citizenships": ["DE"], "current_job_title": "Head swimming coach",
                 "awards": [{"name": "Olympic gold medal (200m butterfly)",
                             "level": "major_international"}]}, "EB-1A")

    assert athlete["one_time_achievement"]["met"] is True and athlete["verdict"] == "strong"
    assert coach["one_time_achievement"]["met"] is False and coach["verdict"] == "weak"


def test_intake_over_claims_are_declined_or_asked_about():
    eb1a = rec({"citizenships": ["DE"], "current_employer": "Acme Corp",
                "memberships": [{"organization": "IEEE Senior Member", "selective": True},
                                {"organization": "State Bar of California", "selective": True}],
                "awards": [{"name": "Acme Corp Innovation Award", "level": "national"},
                           {"name": "Best Student Paper", "level": "international"}],
                "media_coverage": [{"outlet": "Nature Reviews Genetics",
                                    "title": "Review of screening methods"}],
                "judging_count": 10, "judging_completed_count": 0,
                "citations_count": 170, "original_contributions": ["a new method"],
                "patents_count": 1}, "EB-1A")

    criteria = {c["id"]: c["met"] for c in eb1a["criteria"]}
    assert criteria["memberships"] is False and criteria["awards"] is False
    assert criteria["published_material"] is False and criteria["judging"] is False
    assert criteria["original_contributions"] is False


def test_a_founder_whose_company_raised_40m_is_well_positioned_for_the_niw():
    niw = rec({"citizenships": ["IN"], "highest_degree": "bachelors", "years_of_experience": 9,
               "field_of_study": "computer science", "current_job_title": "Founder and CEO",
               "original_contributions": ["Founded Acme AI, which raised $40M in Series B"]},
              "EB-2 NIW")

    assert niw["verdict"] in ("strong", "viable")
    assert "$40,000,000" in next(c for c in niw["criteria"]
                                 if c["id"] == "niw_well_positioned")["explanation"]


def test_an_unrecorded_fact_makes_a_type_conditional_not_weak():
    eb5 = rec({"citizenships": ["DE"], "investment_usd": 2000000, "investment_in_tea": False},
              "EB-5")
    star = rec({"citizenships": ["FR"], "awards": [{"name": "Nobel Prize in Chemistry",
                                                    "level": "major_international"}]}, "O-1A")

    assert eb5["verdict"] == "viable" and eb5["conditional"] is True
    assert eb5["questions"][0]["decides"] and "jobs" in eb5["questions"][0]["question"]
    assert star["verdict"] == "strong" and star["conditional"] is True
    assert "petition" in star["questions"][0]["question"]


def test_research_years_are_read_from_the_whole_record():
    eb1b = rec({"citizenships": ["DE"], "highest_degree": "doctorate", "field_of_study": "biology",
                "current_job_title": "Senior research scientist", "years_of_experience": 20,
                "publications_count": 40, "judging_count": 25,
                "job_offer": {"employer": "State University", "title": "Professor",
                              "tenure_track": True}}, "EB-1B")

    assert eb1b["verdict"] in ("strong", "viable") and not eb1b["conditional"]


def test_stated_goals_put_the_preferred_green_cards_first_with_a_summary():
    result = evaluate({"citizenships": ["DE"], "highest_degree": "doctorate",
                       "field_of_study": "machine learning", "publications_count": 30,
                       "citations_count": 3000, "judging_count": 40,
                       "awards": [{"name": "National AI Prize", "level": "national"}],
                       "media_coverage": [{"outlet": "Wired"}],
                       "notes": "Client wants EB-1A and NIW."})

    first = [r["visa_type"] for r in result["recommendations"][:2]]
    assert set(first) == {"EB-1A", "EB-2 NIW"}
    assert result["groups"][0]["id"] == "permanent_residence"
    assert result["summary"]["best_green_card_path"]["visa_type"] in ("EB-1A", "EB-2 NIW")
    assert result["summary"]["goals"]["preferred_visa_types"] == ["EB-1A", "EB-2 NIW"]


def test_stale_law_is_flagged_not_silently_applied():
    result = evaluate({"citizenships": ["IN"], "country_of_birth": "IN",
                       "highest_degree": "doctorate"})

    flags = {f["what"]: f["message"] for f in result["verify"]}
    assert flags["visa_bulletin"].startswith("verify: visa bulletin")
    assert "2026-07-01" in flags["visa_bulletin"]


@pytest.mark.parametrize(("profile", "verdict"), [
    ({"citizenships": ["NG"], "current_us_status": "none"}, "not_eligible"),
    ({"citizenships": ["NG"], "current_us_status": "H-1B",
      "current_location": "Houston, TX, USA"}, "strong"),
    ({"citizenships": ["NG", "GB"], "current_us_status": "none"}, "strong"),
    ({"citizenships": ["NG"]}, "strong"),  # whereabouts unknown: kept, and asked first
])
def test_a_partial_suspension_bars_an_immigrant_visa_abroad_not_an_adjustment(profile, verdict):
    """Proclamation of 16 Dec 2025 (INA 212(f)): Nigeria's partial suspension covers immigrant
    entry; a second, unlisted passport or an adjustment of status inside the U.S. is not barred."""
    nurse = {**profile, "highest_degree": "bachelors", "field_of_study": "nursing",
             "years_of_experience": 6,
             "job_offer": {"employer": "City Hospital", "title": "Registered Nurse",
                           "annual_wage_usd": 90000, "permanent": True, "worksite_state": "TX",
                           "worksite_county": "Harris"}}

    eb3 = rec(nurse, "EB-3")

    assert eb3["verdict"] == verdict
    if verdict == "not_eligible":
        assert any("immigrant entry is suspended" in r for r in eb3["not_eligible_reasons"])
    if "current_us_status" not in profile:
        assert any("in the U.S. now" in q["question"] for q in eb3["questions"])
