"""Profiles a practitioner uses to catch a naive engine (issue 12, rounds 2-3), judged as the law
reads them: three-year degrees, ACWIA wages, cross-chargeability, landmark awards for NIW, the
degree's field against the job."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from shared.profile_schema import load_profile

TODAY = date(2026, 11, 27)
SEATTLE_DEVELOPER = {"employer": "Acme Inc", "title": "Software developer",
                     "annual_wage_usd": 160000, "worksite_state": "WA", "worksite_city": "Seattle",
                     "permanent": True, "specialty_occupation": True, "employer_type": "for_profit"}


def rec(profile: dict, code: str) -> dict:
    result = evaluate_profile(load_profile({"first_name": "A", "last_name": "B", **profile}),
                              load_catalogue(), today=TODAY)
    return next(r for r in result["recommendations"] if r["visa_type"] == code)


def gate(recommendation: dict, gate_id: str) -> dict:
    return next(g for g in recommendation["gates"] if g["id"] == gate_id)


def test_a_three_year_indian_bachelors_plus_five_years_is_not_an_eb2_advanced_degree():
    client = {"citizenships": ["IN"], "highest_degree": "bachelors", "bachelors_program_years": 3,
              "degree_country": "India", "years_of_experience": 8, "job_offer": SEATTLE_DEVELOPER}

    perm = rec(client, "EB-2 PERM")

    assert perm["verdict"] not in ("strong", "viable")
    assert "Matter of Shah" in gate(perm, "eb2_threshold")["explanation"]
    eb3 = rec(client, "EB-3")
    # Skilled worker only if the labor certification accepts the three-year degree (Matter of
    # X- Corp.): strong once confirmed, with the question first.
    assert eb3["verdict"] == "strong" and eb3["conditional"] is True
    assert "three-year degree" in eb3["questions"][0]["question"]


def test_a_masters_on_a_three_year_degree_counts_as_a_bachelors_so_five_years_decide_eb2():
    base = {"citizenships": ["IN"], "highest_degree": "masters", "bachelors_program_years": 3,
            "degree_country": "IN", "job_offer": SEATTLE_DEVELOPER}

    assert rec({**base, "years_of_experience": 2}, "EB-2 PERM")["verdict"] == "weak"
    assert rec({**base, "years_of_experience": 6}, "EB-2 PERM")["verdict"] == "strong"


def test_a_three_year_uk_honours_degree_keeps_the_bachelors_plus_five_route():
    perm = rec({"citizenships": ["GB"], "highest_degree": "bachelors",
                "bachelors_program_years": 3, "degree_country": "GB", "years_of_experience": 5,
                "job_offer": SEATTLE_DEVELOPER}, "EB-2 PERM")

    assert perm["verdict"] == "strong"


@pytest.mark.parametrize("years, verdict", [(1, "not_eligible"), (4, "strong")])
def test_h1b_makes_up_the_missing_fourth_year_with_three_years_of_experience(years, verdict):
    h1b = rec({"citizenships": ["IN"], "highest_degree": "bachelors", "bachelors_program_years": 3,
               "degree_country": "IN", "years_of_experience": years,
               "job_offer": SEATTLE_DEVELOPER}, "H-1B")

    assert h1b["verdict"] == verdict


def test_a_university_offer_below_the_all_industry_wage_is_checked_against_acwia_not_failed():
    offer = {"employer": "Johns Hopkins University", "employer_type": "university",
             "title": "Research scientist", "annual_wage_usd": 65000, "worksite_state": "MD",
             "worksite_city": "Baltimore", "specialty_occupation": True}
    client = {"citizenships": ["IN"], "highest_degree": "doctorate", "job_offer": offer}

    exempt = rec(client, "H-1B cap-exempt")
    for_profit = rec({**client, "job_offer": {**offer, "employer": "Acme Inc",
                                              "employer_type": "for_profit"}}, "H-1B")

    assert exempt["verdict"] in ("strong", "viable")
    assert gate(exempt, "prevailing_wage")["met"] is None
    assert "ACWIA" in gate(exempt, "prevailing_wage")["explanation"]
    assert for_profit["verdict"] == "not_eligible"


def test_cross_chargeability_uses_the_spouses_shorter_queue_and_says_why():
    client = {"citizenships": ["IN"], "country_of_birth": "IN", "highest_degree": "masters",
              "job_offer": SEATTLE_DEVELOPER}

    alone = rec(client, "EB-2 PERM")["estimated_timeline_months"]["visa_bulletin_wait_months"]
    married = rec({**client, "spouse_country_of_birth": "Germany"},
                  "EB-2 PERM")["estimated_timeline_months"]["visa_bulletin_wait_months"]

    assert alone["country_of_chargeability"] == "IN" and alone["high"] > 0
    assert married["country_of_chargeability"] == "DE" and married["high"] == 0
    assert married["cross_chargeability"]["citation"] == "INA 202(b)(2)"


def test_a_nobel_laureate_is_well_positioned_for_an_niw():
    niw = rec({"citizenships": ["GB"], "highest_degree": "doctorate", "field_of_study": "physics",
               "awards": [{"name": "Nobel Prize in Physics", "level": "international"}]},
              "EB-2 NIW")

    assert niw["verdict"] in ("strong", "viable")


def test_an_l1a_manager_already_here_counts_the_year_abroad_before_entry_for_eb1c():
    transferee = {"citizenships": ["IN"],
                  "foreign_employment": {"affiliated_with_us_employer": True,
                                         "months_in_last_3_years": 10, "role": "manager"},
                  "job_offer": {"employer": "X US", "title": "Engineering manager",
                                "role": "manager", "permanent": True,
                                "us_entity_years_doing_business": 10}}

    here = rec({**transferee, "current_us_status": "L-1A"}, "EB-1C")
    abroad = rec({**transferee, "current_location": "Mumbai, India"}, "EB-1C")

    assert here["verdict"] in ("strong", "viable") and here["conditional"] is True
    assert "before entering" in gate(here, "one_year_abroad")["explanation"]
    assert abroad["verdict"] == "not_eligible"


def test_an_unskilled_job_sets_the_eb3_subcategory_whatever_the_workers_degree():
    housekeeper = {"citizenships": ["PH"], "highest_degree": "bachelors",
                   "job_offer": {"employer": "Hotel", "title": "Housekeeper", "permanent": True,
                                 "annual_wage_usd": 38000, "worksite_state": "TX",
                                 "worksite_city": "Houston"}}

    assert rec(housekeeper, "EB-3")["verdict"] == "not_eligible"
    assert rec(housekeeper, "EB-3 other workers")["verdict"] == "strong"
    assert rec(housekeeper, "H-1B")["verdict"] == "not_eligible"


def test_without_a_country_of_birth_a_sole_citizenship_sets_the_presumed_queue():
    wait = rec({"citizenships": ["IN"], "highest_degree": "masters",
                "job_offer": SEATTLE_DEVELOPER},
               "EB-2 PERM")["estimated_timeline_months"]["visa_bulletin_wait_months"]

    assert wait["country_of_chargeability"] == "IN" and wait["high"] > 0
    assert "presumed" in wait["note"]


def test_the_five_years_of_a_bachelors_plus_five_must_follow_the_degree():
    client = {"citizenships": ["IN"], "highest_degree": "bachelors", "years_of_experience": 9,
              "job_offer": SEATTLE_DEVELOPER}

    recent = rec({**client, "graduation_year": 2024}, "EB-2 PERM")
    earlier = rec({**client, "graduation_year": 2016}, "EB-2 PERM")

    assert recent["verdict"] not in ("strong", "viable")
    assert "after the degree" in gate(recent, "eb2_threshold")["explanation"]
    assert earlier["verdict"] == "strong"


def test_an_h1b_held_at_a_university_was_never_counted_so_a_company_needs_the_lottery():
    client = {"citizenships": ["IN"], "current_us_status": "H-1B", "highest_degree": "doctorate",
              "job_offer": SEATTLE_DEVELOPER}

    from_university = rec({**client, "current_employer": "Stanford University"}, "H-1B")
    from_company = rec({**client, "current_employer": "Amazon"}, "H-1B")

    assert from_university["lottery"]["applies"] is True
    assert from_company["lottery"]["applies"] is False


def test_a_scientific_technician_needs_the_disciplines_theory_not_a_named_degree():
    technician = {"citizenships": ["CA"], "years_of_experience": 1,
                  "job_offer": {"employer": "Lab", "title": "Scientific technician"}}

    assert rec({**technician, "highest_degree": "associate"}, "TN")["verdict"] == "strong"
    assert rec({**technician, "highest_degree": "high_school"}, "TN")["verdict"] == "not_eligible"


def test_three_years_of_experience_in_the_notes_is_not_a_three_year_degree():
    perm = rec({"citizenships": ["IN"], "highest_degree": "bachelors", "years_of_experience": 8,
                "notes": "3 years of experience at Infosys, then 5 at Acme",
                "job_offer": SEATTLE_DEVELOPER}, "EB-2 PERM")

    assert perm["verdict"] == "strong"


@pytest.mark.parametrize("kind, exempt", [("affiliated_nonprofit", True),
                                          ("nonprofit_other", False)])
def test_a_nonprofit_is_cap_exempt_only_when_affiliated_with_a_university(kind, exempt):
    offer = {"employer": "Mercy Hospital", "employer_type": kind, "title": "Research scientist",
             "annual_wage_usd": 120000, "worksite_state": "OH", "worksite_city": "Cleveland",
             "specialty_occupation": True}
    client = {"citizenships": ["IN"], "highest_degree": "doctorate", "job_offer": offer}

    assert (rec(client, "H-1B cap-exempt")["verdict"] == "strong") is exempt
    assert (rec(client, "H-1B")["verdict"] == "strong") is not exempt


def test_an_award_from_long_ago_weighs_less_than_a_recent_one_for_sustained_acclaim():
    def runner(year: int) -> dict:
        return rec({"citizenships": ["KE"], "field_category": "athletics",
                    "current_job_title": "Runner",
                    "awards": [{"name": "National marathon championship", "level": "national",
                                "year": year}],
                    "media_coverage": [{"outlet": "Daily Nation", "outlet_type": "major_media",
                                        "about_client": True}],
                    "critical_roles": [{"organization": "Kenya national team", "role": "Captain",
                                        "distinguished_organization": True}]}, "EB-1A")

    recent, old = runner(2024), runner(2005)

    assert old["eligibility_score"] < recent["eligibility_score"]
    assert old["success_probability"] < recent["success_probability"]
    awards = next(c for c in old["criteria"] if c["id"] == "awards")
    assert "sustained acclaim" in awards["explanation"]


def test_a_three_year_bachelors_is_presumed_from_the_citizenship_a_masters_country_is_asked():
    bachelors = rec({"citizenships": ["IN"], "highest_degree": "bachelors",
                     "bachelors_program_years": 3, "years_of_experience": 8,
                     "job_offer": SEATTLE_DEVELOPER}, "EB-2 PERM")
    masters = rec({"citizenships": ["IN"], "highest_degree": "masters",
                   "bachelors_program_years": 3, "years_of_experience": 1,
                   "job_offer": SEATTLE_DEVELOPER}, "EB-2 PERM")

    assert gate(bachelors, "eb2_threshold")["met"] is not True
    assert "India" in gate(bachelors, "eb2_threshold")["explanation"]
    assert masters["verdict"] == "strong"


def test_a_modest_e2_investment_is_viable_pending_proportionality():
    e2 = rec({"citizenships": ["GB"], "investment_usd": 75000, "ownership_percent": 100,
              "investment_at_risk": True}, "E-2")

    assert e2["verdict"] == "viable" and e2["conditional"] is True
    assert "cost to buy or start" in e2["questions"][0]["question"]


def test_a_physician_in_a_shortage_area_has_the_statutory_national_interest_waiver():
    doctor = {"citizenships": ["IN"], "highest_degree": "professional",
              "field_of_study": "medicine", "current_job_title": "Physician"}

    rural = rec({**doctor, "proposed_endeavor": "Practice primary care for five years in a "
                 "Health Professional Shortage Area in rural Texas"}, "EB-2 NIW")
    city = rec({**doctor, "proposed_endeavor": "Practice cardiology in Manhattan"}, "EB-2 NIW")

    assert rural["verdict"] == "strong"
    assert all("8 CFR 204.12" in c["explanation"] for c in rural["criteria"])
    assert city["verdict"] == "weak"


# Round 3: the degree's field against the job (8 CFR 214.2(h)(4)(iii)(C), (D)(5); TN credentials
# for the profession) and EB-2 PERM only for a job that can require an advanced degree
# (20 CFR 656.17(h)(1)).
DEVELOPER = {"employer": "Webshop LLC", "title": "Software Developer", "annual_wage_usd": 110000,
             "employer_type": "for_profit", "worksite_city": "Dallas", "worksite_state": "TX",
             "soc_code": "15-1252", "specialty_occupation": True}
ENGINEER = {"employer": "Detroit Axle", "title": "Mechanical Engineer", "annual_wage_usd": 95000,
            "employer_type": "for_profit", "worksite_city": "Detroit", "worksite_state": "MI",
            "soc_code": "17-2141"}


@pytest.mark.parametrize("years, met", [(3, False), (7, None), (12, None)])
def test_a_history_degree_for_a_developer_job_counts_only_through_experience(years, met):
    h1b = rec({"citizenships": ["NG"], "highest_degree": "bachelors", "field_of_study": "History",
               "years_of_experience": years, "job_offer": DEVELOPER}, "H-1B")

    degree = gate(h1b, "bachelors_or_equivalent")
    assert degree["met"] is met and "directly related" in degree["explanation"]
    if met is False:
        assert h1b["verdict"] == "not_eligible" and h1b["success_probability"] == 0
    else:
        assert "History" in next(q["question"] for q in h1b["questions"]
                                 if q["field"] == "credential_evaluation") or years >= 12


@pytest.mark.parametrize("field", ["Computer Science", "Management Information Systems",
                                   "Physics", "Electrical Engineering"])
def test_a_related_field_meets_the_degree_gate(field):
    h1b = rec({"citizenships": ["NG"], "highest_degree": "bachelors", "field_of_study": field,
               "years_of_experience": 1, "job_offer": DEVELOPER}, "H-1B")

    assert gate(h1b, "bachelors_or_equivalent")["met"] is True and h1b["verdict"] == "strong"


def test_a_loose_title_without_an_soc_code_is_not_judged_against_the_field():
    offer = {"employer": "Institute", "title": "Research Scientist", "annual_wage_usd": 90000,
             "employer_type": "for_profit", "specialty_occupation": True}

    h1b = rec({"citizenships": ["DE"], "highest_degree": "doctorate",
               "field_of_study": "Molecular Biology", "job_offer": offer}, "H-1B")

    assert gate(h1b, "bachelors_or_equivalent")["met"] is True


def test_tn_engineer_needs_an_engineering_degree_or_licence():
    base = {"citizenships": ["MX"], "highest_degree": "bachelors",
            "field_of_study": "Business Administration", "years_of_experience": 2,
            "job_offer": ENGINEER}

    unlicensed = rec(base, "TN")
    licensed = rec({**base, "professional_license": True}, "TN")
    asked = rec({**base, "professional_license": None}, "TN")
    engineer = rec({**base, "field_of_study": "Mechanical Engineering"}, "TN")

    assert unlicensed["verdict"] not in ("strong", "viable")
    assert "licence" in next(q["question"] for q in asked["questions"]
                             if q["field"] == "professional_license")
    assert gate(licensed, "tn_credentials")["met"] is True
    assert engineer["verdict"] == "strong"


def test_a_staff_nurse_job_supports_eb3_not_eb2_whatever_the_nurses_experience():
    offer = {"employer": "Methodist", "title": "Registered Nurse", "annual_wage_usd": 85000,
             "permanent": True, "employer_type": "nonprofit_other", "worksite_city": "Houston",
             "worksite_state": "TX"}
    nurse = {"citizenships": ["PH"], "highest_degree": "bachelors", "field_of_study": "Nursing",
             "years_of_experience": 7, "graduation_year": 2018, "job_offer": offer}

    eb2, eb3 = rec(nurse, "EB-2 PERM"), rec(nurse, "EB-3")
    practitioner = rec({**nurse, "job_offer": {**offer, "title": "Nurse Practitioner"},
                        "highest_degree": "masters"}, "EB-2 PERM")

    assert eb2["verdict"] == "not_eligible"
    assert "Job Zone 3" in gate(eb2, "job_requires_advanced_degree")["explanation"]
    assert eb3["verdict"] == "strong"
    assert gate(practitioner, "job_requires_advanced_degree")["met"] is True


def test_a_multinational_executive_is_led_to_eb1c_before_a_slower_perm_case():
    result = evaluate_profile(load_profile({
        "first_name": "A", "last_name": "B", "citizenships": ["JP"], "highest_degree": "bachelors",
        "field_of_study": "Economics", "graduation_year": 1998, "years_of_experience": 27,
        "foreign_employment": {"employer": "Kaito Motor", "affiliated_with_us_employer": True,
                               "months_in_last_3_years": 36, "role": "executive"},
        "job_offer": {"employer": "Kaito Motor NA", "title": "Executive Vice President",
                      "annual_wage_usd": 400000, "permanent": True, "employer_type": "for_profit",
                      "worksite_city": "Plano", "worksite_state": "TX", "role": "executive",
                      "us_entity_years_doing_business": 30}}), load_catalogue(), today=TODAY)
    strong = [r["visa_type"] for r in result["recommendations"]
              if r["group"] == "permanent_residence" and r["verdict"] == "strong"]

    assert {"EB-1C", "EB-2 PERM"} <= set(strong)
    assert result["summary"]["best_green_card_path"]["visa_type"] == "EB-1C"
    assert strong.index("EB-1C") < strong.index("EB-2 PERM")


def test_a_poultry_job_does_not_support_eb2_and_a_nurse_is_not_asked_about_o1a_prizes():
    poultry = {"citizenships": ["MX"], "highest_degree": "high_school", "years_of_experience": 4,
               "job_offer": {"employer": "Southern Poultry", "title": "Poultry Processing Worker",
                             "annual_wage_usd": 36000, "permanent": True,
                             "worksite_state": "GA", "worksite_city": "Gainesville"}}
    nurse = {"citizenships": ["PH"], "highest_degree": "bachelors", "field_of_study": "Nursing",
             "years_of_experience": 7, "job_offer": {
                 "employer": "Methodist", "title": "Registered Nurse", "annual_wage_usd": 85000,
                 "permanent": True, "worksite_city": "Houston", "worksite_state": "TX"}}

    assert rec(poultry, "EB-2 PERM")["verdict"] == "not_eligible"
    summary = evaluate_profile(load_profile({"first_name": "A", "last_name": "B", **nurse}),
                               load_catalogue(), today=TODAY)["summary"]
    assert not any({"O-1A", "EB-1A"} & set(q["affects"]) for q in summary["ask_first"])
    assert summary["best_green_card_path"]["visa_type"] == "EB-3"


@pytest.mark.parametrize("jobs, amount, marginal_gate, verdicts", [
    (0, 80000, False, {"not_eligible"}), (0, 300000, None, {"viable", "weak"}),
    (3, 80000, True, {"strong", "viable"})])
def test_an_e2_store_that_only_keeps_the_investors_family_is_marginal(jobs, amount,
                                                                      marginal_gate, verdicts):
    e2 = rec({"citizenships": ["KR"], "investment_usd": amount, "ownership_percent": 100,
              "investment_at_risk": True, "lawful_source_documented": True,
              "jobs_to_create": jobs}, "E-2")

    assert gate(e2, "e2_not_marginal")["met"] is marginal_gate
    assert e2["verdict"] in verdicts
