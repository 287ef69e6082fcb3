"""The profile accepts JSON types only, and a partial edit still validates nested items."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from shared.profile_schema import load_profile

NAMES = {"first_name": "Amara", "last_name": "Okafor"}


@pytest.mark.parametrize("field, value", [
    ("h_index", "5"), ("h_index", True), ("h_index", 5.5), ("annual_salary_usd", "100"),
    ("investment_in_tea", "yes"), ("investment_in_tea", 1)])
def test_values_of_the_wrong_json_type_are_refused(field, value):
    with pytest.raises(ValidationError) as refused:
        load_profile({**NAMES, field: value})

    assert field in refused.value.messages


def test_a_partial_edit_still_requires_the_fields_of_each_nested_item():
    with pytest.raises(ValidationError) as refused:
        load_profile({"media_coverage": [{"title": "Profile"}]}, partial=True)

    assert refused.value.messages == {"media_coverage": {0: {"outlet": [
        "Missing data for required field."]}}}


def test_a_partial_edit_needs_no_top_level_field():
    assert load_profile({"h_index": 3, "annual_salary_usd": 120000}, partial=True) == {
        "h_index": 3, "annual_salary_usd": 120000.0}
