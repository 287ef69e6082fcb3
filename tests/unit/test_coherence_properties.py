"""Verdict, score and probability never contradict each other, for any profile and every type."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.scoring import SCORE_BANDS, grade, rescore
from shared.profile_schema import DEGREES, EMPLOYER_TYPES, FIELD_CATEGORIES, FOREIGN_ROLES

TODAY = date(2026, 11, 27)
COUNTRIES = ["DE", "IN", "CN", "CA", "MX", "AU", "SG", "CL", "IR", "NG", "BR", "GB", "YE", "KR"]
TITLES = ["Software Developer", "Research Scientist", "Engineering Manager", "High school teacher",
          "Professor", "Physician", "Cinematographer", "Actor", "Data Scientist", "Chef",
          "Management Consultant", "Warehouse Associate", "Director of Operations"]
counts = st.one_of(st.none(), st.integers(0, 60))
money = st.one_of(st.none(), st.floats(0, 2_000_000, allow_nan=False))

awards = st.lists(st.fixed_dictionaries({
    "name": st.sampled_from(["Nobel Prize", "Emmy Award", "National Prize", "Best Paper",
                             "Employee of the Year", "Dean's list", "Olympic gold medal"]),
    "level": st.sampled_from(["major_international", "international", "national", "regional",
                              "institutional"])}), max_size=3)
job_offers = st.one_of(st.none(), st.fixed_dictionaries({
    "employer": st.sampled_from(["Acme Inc", "State University"]),
    "title": st.sampled_from(TITLES),
    "annual_wage_usd": money,
    "employer_type": st.one_of(st.none(), st.sampled_from(EMPLOYER_TYPES)),
    "specialty_occupation": st.one_of(st.none(), st.booleans()),
    "permanent": st.one_of(st.none(), st.booleans()),
    "worksite_state": st.one_of(st.none(), st.sampled_from(["CA", "TX", "NY"])),
}))
profiles = st.fixed_dictionaries({
    "first_name": st.just("P"), "last_name": st.just("Q"),
    "citizenships": st.lists(st.sampled_from(COUNTRIES), min_size=0, max_size=2),
    "country_of_birth": st.sampled_from(COUNTRIES),
    "highest_degree": st.one_of(st.none(), st.sampled_from(DEGREES)),
    "field_of_study": st.sampled_from(["physics", "machine learning", "film", "business", None]),
    "field_category": st.one_of(st.none(), st.sampled_from(FIELD_CATEGORIES)),
    "years_of_experience": st.one_of(st.none(), st.integers(0, 30)),
    "annual_salary_usd": money, "publications_count": counts, "citations_count": counts,
    "judging_count": counts, "awards": awards, "job_offer": job_offers,
    "foreign_employment": st.one_of(st.none(), st.fixed_dictionaries({
        "affiliated_with_us_employer": st.one_of(st.none(), st.booleans()),
        "months_in_last_3_years": st.one_of(st.none(), st.integers(0, 36)),
        "role": st.one_of(st.none(), st.sampled_from(FOREIGN_ROLES))})),
    "investment_usd": money, "lawful_source_documented": st.one_of(st.none(), st.booleans()),
    "jobs_to_create": counts, "immigrant_intent_filed": st.one_of(st.none(), st.booleans()),
}).map(lambda p: {k: v for k, v in p.items() if v is not None})


def evaluated(profile: dict) -> list[dict]:
    return evaluate_profile(profile, load_catalogue(), today=TODAY)["recommendations"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_every_verdict_agrees_with_its_score_and_probability(profile):
    for rec in evaluated(profile):
        low, high = SCORE_BANDS[rec["verdict"]]
        assert low <= rec["eligibility_score"] <= high, rec["visa_type"]
        if rec["verdict"] == "not_eligible":
            assert rec["success_probability"] == 0, rec["visa_type"]
        if rec["verdict"] == "weak":
            assert rec["success_probability"] < 0.5, rec["visa_type"]
        if rec["verdict"] in ("viable", "strong"):
            assert rec["success_probability"] >= 0.5, rec["visa_type"]
        band = rec["success_probability_range"]
        assert band["low"] <= band["point"] <= band["high"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(profiles, min_size=2, max_size=4))
def test_for_one_type_a_better_grade_never_has_a_lower_score_or_probability(batch):
    by_type: dict[str, list[tuple]] = {}
    for profile in batch:
        for rec in evaluated(profile):
            by_type.setdefault(rec["visa_type"], []).append(
                (grade(rec["verdict"], rec["strength"]["position"]), rec["eligibility_score"],
                 rec["success_probability"], rec["verdict"]))
    for code, rows in by_type.items():
        rows.sort()
        for lower, higher in zip(rows, rows[1:]):
            if higher[3] != lower[3]:
                assert higher[1] > lower[1], (code, lower, higher)
                if lower[3] != "not_eligible":
                    assert higher[2] > lower[2], (code, lower, higher)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.integers(-40, 40))
def test_a_score_adjustment_never_crosses_a_verdict_line(profile, move):
    for rec in evaluated(profile):
        verdict = rec["verdict"]

        rescore(rec, rec["eligibility_score"] + move)

        assert rec["verdict"] == verdict
        low, high = SCORE_BANDS[verdict]
        assert low <= rec["eligibility_score"] <= high
        if verdict == "weak":
            assert rec["success_probability"] < 0.5
