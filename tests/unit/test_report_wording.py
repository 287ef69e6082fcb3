"""The report's words: counts, ages, headlines and the types an attorney chooses."""

from __future__ import annotations

from datetime import date

import pytest

from query_service.report.content import UnknownVisaTypesError, build_report, chosen_types
from query_service.report.wording import as_of_words, criteria_count, headline, probability_basis

CHECK = {"recommendations": [
    {"visa_type": "O-1A", "name": "O-1A: individual with extraordinary ability", "verdict": "strong",
     "group": "work_authorization", "criteria_met": 8, "criteria_required": 3,
     "success_probability": 0.9, "questions": [], "verify": [
         {"what": "processing_times", "as_of": "2026-07-01", "message": "verify: ..."}]},
    {"visa_type": "EB-2 NIW", "name": "EB-2 NIW: national interest waiver", "verdict": "weak",
     "group": "permanent_residence", "conditional": True, "verdict_if_confirmed": "strong",
     "success_probability": 0.4, "questions": [
         {"field": "proposed_endeavor", "question": "What will the client do?", "decides": True}],
     "success_probability_range": {"basis": {"industry": {
         "classification": "EB-2 PERM", "window": "prior", "data_age_months": None}}}},
    {"visa_type": "E-3", "name": "E-3: Australian professional", "verdict": "not_eligible",
     "group": "work_authorization", "gates": [
         {"criterion": "Australian", "met": False, "explanation": "Only for Australians"}]},
], "summary": {"best_path_now": {"visa_type": "O-1A"}, "ask_first": [
    {"field": "proposed_endeavor", "question": "What will the client do?", "affects": ["EB-2 NIW"]}]}}


def test_criteria_are_counted_as_met_and_needed_never_as_more_of_fewer():
    assert criteria_count(CHECK["recommendations"][0]) == "8 criteria met; 3 needed"
    assert criteria_count({"criteria_met": 0, "criteria_required": 0}) is None


@pytest.mark.parametrize("as_of, on, words", [
    ("2026-07-01", date(2026, 12, 2), "July 2026, 5 months old"),
    ("2026-11-20", date(2026, 12, 2), "November 2026, less than a month old"),
    ("2010-10-01", date(2026, 12, 2), "October 2010, 16 years old"),
])
def test_data_ages_are_in_words(as_of, on, words):
    assert as_of_words(as_of, on) == words


def test_a_probability_without_a_statistic_says_so_and_never_prints_null():
    text = probability_basis(CHECK["recommendations"][1])

    assert "No published approval statistic for EB-2 PERM" in text
    assert "None" not in text and "null" not in text


def test_headlines_say_what_would_change_a_conditional_verdict_and_why_a_type_is_closed():
    strong, conditional, closed = CHECK["recommendations"]

    assert headline(strong) == "Strong case: meets 8 of the criteria, 3 needed."
    assert headline(conditional) == "Weak on this record; strong once the client confirms one fact."
    assert headline(closed) == "Not available: Only for Australians."


def test_chosen_types_accept_hyphens_for_spaces_and_refuse_types_the_check_lacks():
    assert chosen_types(CHECK, ["eb-2-niw", "O-1A"]) == ["O-1A", "EB-2 NIW"]
    assert chosen_types(CHECK, None) == ["O-1A", "EB-2 NIW", "E-3"]
    with pytest.raises(UnknownVisaTypesError) as refused:
        chosen_types(CHECK, ["H-1B"])
    assert refused.value.unknown == ["H-1B"]


def test_a_report_without_the_engines_best_path_falls_back_to_the_best_included_type():
    report = build_report(CHECK, {"first_name": "Ada", "last_name": "Lovelace"}, "Firm",
                          ["EB-2 NIW", "E-3"], date(2026, 12, 2))

    assert report["summary"]["best_now"] is None
    assert report["summary"]["best_green_card"]["visa_type"] == "EB-2 NIW"
    assert report["summary"]["next"] == ["What will the client do?"]
    assert [s["visa_type"] for g in report["groups"] for s in g["sections"]] == ["EB-2 NIW"]
    assert report["not_eligible"] == [{"visa_type": "E-3", "name": "Australian professional",
                                       "reason": "Only for Australians"}]
