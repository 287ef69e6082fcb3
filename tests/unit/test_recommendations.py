from datetime import date

import pytest

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from tests.engine_support.profiles import BASE, RESEARCHER, profile

TODAY = date(2026, 11, 27)


def recommendation(result: dict, code: str) -> dict:
    return next(r for r in result["recommendations"] if r["visa_type"] == code)


def evaluate(p: dict, **kwargs) -> dict:
    return evaluate_profile(p, load_catalogue(), today=TODAY, **kwargs)


def o1a_candidate(criteria_met: int) -> dict:
    """A scientist with an employer and exactly `criteria_met` O-1A criteria."""
    evidence = [
        {"judging_count": 12},
        {"awards": [{"name": "National Science Prize", "level": "national"}]},
        {"media_coverage": [{"outlet": "Nature News"}]},
        {"memberships": [{"organization": "National Academy of Sciences", "selective": True}]},
    ]
    p = profile(BASE, highest_degree="doctorate", field_of_study="physics",
                job_offer={"employer": "Lab Inc", "title": "Physicist"}, judging_count=0,
                awards=[], media_coverage=[], memberships=[], critical_roles=[],
                publications_count=0)
    for facts in evidence[:criteria_met]:
        p.update(facts)
    return p


def test_every_catalogue_type_is_returned_best_first_with_not_eligible_last():
    result = evaluate(RESEARCHER)

    verdicts = [r["verdict"] for r in result["recommendations"]]

    assert len(verdicts) == len(load_catalogue().types)
    order = {"strong": 0, "viable": 1, "weak": 2, "not_eligible": 3}
    assert [order[v] for v in verdicts] == sorted(order[v] for v in verdicts)


@pytest.mark.parametrize(("criteria_met", "verdict"), [(2, "weak"), (3, "viable"), (4, "strong")])
def test_o1a_needs_three_criteria_to_be_pursued(criteria_met, verdict):
    rec = recommendation(evaluate(o1a_candidate(criteria_met)), "O-1A")

    assert rec["criteria_met"] == criteria_met
    assert rec["verdict"] == verdict


def test_a_one_time_major_international_award_meets_the_criteria_alone():
    p = o1a_candidate(0)
    p["awards"] = [{"name": "Nobel Prize in Physics", "level": "major_international"}]

    rec = recommendation(evaluate(p), "EB-1A")

    assert rec["one_time_achievement"]["met"] is True
    assert rec["verdict"] == "strong"


def test_membership_open_to_anyone_who_pays_is_not_a_selective_membership():
    rec = recommendation(evaluate(RESEARCHER), "O-1A")

    membership = next(c for c in rec["criteria"] if c["id"] == "memberships")

    assert membership["met"] is False
    assert "open to anyone" in membership["explanation"]
    assert membership["citation"] == "8 CFR 214.2(o)(3)(iii)(B)(2)"


def test_judging_criterion_cites_its_paragraph_and_the_facts_used():
    rec = recommendation(evaluate(RESEARCHER), "EB-1A")

    judging = next(c for c in rec["criteria"] if c["id"] == "judging")

    assert judging == {**judging, "met": True, "citation": "8 CFR 204.5(h)(3)(iv)",
                       "facts": {"judging_count": 30, "judging_completed_count": None}}


def test_missing_degree_makes_h1b_not_eligible_with_the_gate_as_reason():
    p = profile(RESEARCHER, highest_degree="high_school", years_of_experience=4)

    rec = recommendation(evaluate(p), "H-1B")

    assert rec["verdict"] == "not_eligible"
    assert rec["eligibility_score"] <= 10
    assert any("bachelor" in reason for reason in rec["not_eligible_reasons"])


@pytest.mark.parametrize(("citizenship", "verdict"), [("canada", "strong"),
                                                      ("united kingdom", "not_eligible")])
def test_tn_is_only_for_canadian_and_mexican_citizens(citizenship, verdict):
    p = profile(BASE, citizenships=[citizenship], highest_degree="bachelors",
                job_offer={"employer": "Build Co", "title": "Civil Engineer"})

    assert recommendation(evaluate(p), "TN")["verdict"] == verdict


@pytest.mark.parametrize(("months", "verdict"), [(11, "not_eligible"), (12, "strong")])
def test_l1a_needs_twelve_months_abroad_in_the_last_three_years(months, verdict):
    p = profile(BASE, foreign_employment={"employer": "Parent GmbH",
                                          "affiliated_with_us_employer": True,
                                          "months_in_last_3_years": months, "role": "manager"},
                job_offer={"employer": "Parent US Inc", "title": "Engineering Manager"})

    assert recommendation(evaluate(p), "L-1A")["verdict"] == verdict


def test_unwaived_j1_home_residence_bars_h1b_and_green_cards_but_only_flags_o1():
    p = profile(RESEARCHER, current_us_status="J-1", j1_home_residence_requirement=True)

    result = evaluate(p)

    for code in ("H-1B", "EB-1A", "EB-2 NIW"):
        rec = recommendation(result, code)
        assert rec["verdict"] == "not_eligible"
        assert any("212(e)" in reason for reason in rec["not_eligible_reasons"])
    o1 = recommendation(result, "O-1A")
    assert o1["verdict"] == "strong"
    assert [f["id"] for f in o1["flags"]] == ["j1_change_of_status"]


def test_a_j1_waiver_lifts_the_bar():
    p = profile(RESEARCHER, j1_home_residence_requirement=True, j1_waiver_obtained=True)

    assert recommendation(evaluate(p), "EB-1A")["verdict"] == "strong"


def test_a_filed_immigrant_petition_flags_tn_and_caps_it_at_weak():
    p = profile(BASE, citizenships=["mexico"], highest_degree="bachelors",
                immigrant_intent_filed=True,
                job_offer={"employer": "Build Co", "title": "Civil Engineer"})

    tn = recommendation(evaluate(p), "TN")

    assert [f["id"] for f in tn["flags"]] == ["immigrant_intent"]
    assert tn["verdict"] == "weak"


def test_h1b_flags_cap_timing_and_the_entry_payment_for_a_beneficiary_abroad():
    p = profile(RESEARCHER, current_location="Berlin, Germany", current_us_status=None)

    result = evaluate_profile(p, load_catalogue(), today=date(2026, 6, 30))

    flags = {f["id"]: f for f in recommendation(result, "H-1B")["flags"]}
    assert "March 2027" in flags["h1b_cap_timing"]["message"]
    assert "$100,000" in flags["h1b_entry_payment"]["message"]
    assert "verify" not in flags["h1b_entry_payment"]["message"]


def test_entry_payment_flag_asks_to_verify_after_the_proclamation_was_due_to_expire():
    p = profile(RESEARCHER, current_location="Berlin, Germany", current_us_status=None)

    flags = {f["id"]: f for f in recommendation(evaluate(p), "H-1B")["flags"]}

    assert "verify whether it still applies" in flags["h1b_entry_payment"]["message"]


def test_h1b_entry_payment_is_not_flagged_for_a_change_of_status_in_the_us():
    flags = recommendation(evaluate(RESEARCHER), "H-1B")["flags"]

    assert "h1b_entry_payment" not in [f["id"] for f in flags]


def test_cap_exempt_employer_moves_h1b_to_the_cap_exempt_type():
    p = profile(RESEARCHER, job_offer__employer_type="university")

    result = evaluate(p)

    assert recommendation(result, "H-1B")["verdict"] == "not_eligible"
    assert recommendation(result, "H-1B cap-exempt")["verdict"] == "strong"
    assert recommendation(result, "H-1B cap-exempt")["success_probability_range"]["basis"].get(
        "lottery") is None


def test_probability_range_states_sample_size_window_and_data_age():
    rec = recommendation(evaluate(RESEARCHER), "EB-2 NIW")

    probability = rec["success_probability_range"]
    industry = probability["basis"]["industry"]

    assert industry["window"] == "FY2025 Q1"
    assert industry["sample_size"] == 7521
    assert industry["data_age_months"] == 23
    assert industry["previous_window"] == {"window": "FY2024", "rate": 0.71}
    assert probability["low"] < probability["point"] < probability["high"]


def test_firm_outcomes_move_the_probability_toward_the_firms_own_history():
    industry_only = recommendation(evaluate(RESEARCHER), "EB-2 NIW")["success_probability"]

    good_firm = {"EB-2 NIW": {"approved": 30, "rfe_then_approved": 10, "denied": 0}}
    bad_firm = {"EB-2 NIW": {"approved": 5, "denied": 35, "withdrawn": 3}}

    better = recommendation(evaluate(RESEARCHER, firm_outcomes=good_firm), "EB-2 NIW")
    worse = recommendation(evaluate(RESEARCHER, firm_outcomes=bad_firm), "EB-2 NIW")
    assert worse["success_probability"] < industry_only < better["success_probability"]
    assert better["success_probability_range"]["basis"]["firm"]["decided"] == 40
    assert worse["success_probability_range"]["basis"]["firm"]["withdrawn"] == 3


def test_cap_subject_h1b_shows_the_lottery_at_the_wage_level_beside_the_petitions_chance():
    p = profile(RESEARCHER, current_us_status="F-1", job_offer__worksite_state="CA",
                job_offer__worksite_county="Santa Clara")

    rec = recommendation(evaluate(p), "H-1B")

    assert rec["lottery"]["applies"] and rec["lottery"]["wage_level"] == "IV"
    assert rec["lottery"]["odds"] == 0.6116
    assert rec["success_probability"] > 0.9


def test_someone_already_counted_against_the_cap_has_no_lottery():
    rec = recommendation(evaluate(profile(RESEARCHER, counted_against_h1b_cap=True)), "H-1B")

    assert rec["lottery"]["applies"] is False
    assert "h1b_cap_timing" not in [f["id"] for f in rec["flags"]]


def test_timeline_adds_the_visa_bulletin_wait_for_the_country_of_birth():
    germany = recommendation(evaluate(RESEARCHER), "EB-2 NIW")["estimated_timeline_months"]
    india = recommendation(evaluate(profile(RESEARCHER, country_of_birth="india")),
                           "EB-2 NIW")["estimated_timeline_months"]

    assert germany["visa_bulletin_wait_months"]["low"] == 0
    assert india["visa_bulletin_wait_months"]["final_action_date"] == "U"
    assert india["high"] > germany["high"]


def test_eb5_needs_less_capital_in_a_targeted_employment_area():
    p = profile(BASE, investment_usd=850000, jobs_to_create=12, lawful_source_documented=True)

    outside = recommendation(evaluate(profile(p, investment_in_tea=False)), "EB-5")
    inside = recommendation(evaluate(profile(p, investment_in_tea=True)), "EB-5")

    assert outside["verdict"] == "not_eligible"
    assert inside["verdict"] == "strong"


def test_required_documents_follow_the_criteria_the_case_relies_on():
    rec = recommendation(evaluate(RESEARCHER), "O-1A")

    documents = rec["required_documents"]

    assert "Peer-review invitations and completed reviews" in documents
    assert not any("Bylaws showing outstanding-achievement" in d for d in documents)


def test_gap_plan_names_the_missing_criteria_and_where_the_evidence_also_counts():
    result = evaluate(o1a_candidate(2))

    plan = next(p for p in result["gap_plan"] if p["visa_type"] == "O-1A")

    step = next(s for s in plan["steps"] if "options" in s)
    assert step["action"].startswith("1 more")
    published = next(o for o in step["options"] if o["criterion"] == "published_material")
    assert "EB-1A" in published["also_counts_for"]


def test_shared_evidence_lists_judging_for_o1a_and_eb1a():
    shared = {s["criterion"]: s["counts_for"] for s in evaluate(RESEARCHER)["shared_evidence"]}

    assert {"O-1A", "EB-1A"} <= set(shared["judging"])


def test_missing_information_names_fields_that_would_change_a_reachable_type():
    p = profile(RESEARCHER, job_offer__employer_type=None)

    fields = {m["field"]: m["affects"] for m in evaluate(p)["missing_information"]}

    assert "H-1B" in fields["job_offer.employer_type"]
