from datetime import date

import pytest

from catalogue.loader import UnknownVisaTypeError, load_catalogue
from eligibility_engine.domain.criteria import CRITERIA
from eligibility_engine.domain.disqualifiers import CHECKS
from eligibility_engine.domain.gates import GATES

REQUIRED_TYPES = ["O-1A", "O-1B", "EB-1A", "EB-1B", "EB-1C", "EB-2 NIW", "EB-2 PERM", "EB-3", "EB-3 other workers",
                  "H-1B", "H-1B cap-exempt", "H-1B1", "L-1A", "L-1B", "TN", "E-2", "E-3", "EB-5"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_catalogue_covers_every_required_visa_type(catalogue):
    assert sorted(t["code"] for t in catalogue.types) == sorted(REQUIRED_TYPES)


@pytest.mark.parametrize("code", REQUIRED_TYPES)
def test_every_gate_and_criterion_has_an_evaluator_and_a_citation(catalogue, code):
    visa_type = catalogue.visa_type(code)

    rules = [*visa_type["gates"], *visa_type["criteria"]["items"]]

    assert visa_type["legal_basis"] and visa_type["forms"]
    for rule in rules:
        assert rule["id"] in {**GATES, **CRITERIA}, rule["id"]
        assert rule["citation"].strip()


@pytest.mark.parametrize("code", REQUIRED_TYPES)
def test_every_figure_carries_its_date_and_source(catalogue, code):
    visa_type = catalogue.visa_type(code)

    figures = [visa_type["processing"]["regular_months"], *visa_type.get("fees", [])]

    for figure in figures:
        assert figure["as_of"], figure
        assert "source" in figure
        assert figure["source"] is None or figure["source"] in catalogue.sources \
            or figure.get("estimate"), figure
    assert visa_type["base_rate_key"] in catalogue.base_rates["classifications"]


def test_every_base_rate_window_names_its_source_or_is_marked_an_estimate(catalogue):
    for key, classification in catalogue.base_rates["classifications"].items():
        for window in classification["series"]:
            assert 0 < window["rate"] <= 1, key
            assert window["source"] or window["estimate"], key


def test_nationality_lists_are_dated_data_with_sources(catalogue):
    for name in ("usmca", "h1b1_fta", "e3_australia", "e2_treaty", "travel_ban_full",
                 "travel_ban_partial", "immigrant_visa_pause"):
        entry = catalogue.nationality_lists[name]
        assert date.fromisoformat(entry["as_of"]) and entry["source"] in catalogue.sources
        assert entry["countries"]


def test_disqualifiers_apply_only_to_catalogue_types_and_have_checks(catalogue):
    codes = {t["code"] for t in catalogue.types}

    for rule in catalogue.disqualifiers:
        assert set(rule["applies_to"]) <= codes
        assert rule["id"] in CHECKS
        assert rule["severity"] in ("bar", "caution", "warning")


def test_visa_type_lookup_ignores_case_spaces_and_hyphens(catalogue):
    assert catalogue.visa_type("eb-2-niw")["code"] == "EB-2 NIW"
    assert catalogue.visa_type("H-1B-cap-exempt")["code"] == "H-1B cap-exempt"
    with pytest.raises(UnknownVisaTypeError):
        catalogue.visa_type("EB-9")
