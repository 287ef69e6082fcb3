"""Sealing a client's identifiers with the client's own data key."""

from __future__ import annotations

import os

import pytest

from event_store import FieldSealer, is_sealed, without_direct_identifiers

KEY = os.urandom(32)


def sealer(key: bytes | None = KEY, context: str = "firm:client") -> FieldSealer:
    return FieldSealer(key, context)


def test_created_fields_are_sealed_and_open_again_with_the_same_key():
    data = {"fields": {"first_name": "Amara", "date_of_birth": "1990-01-02", "h_index": 17}}

    sealed = sealer().seal_profile_data(data)

    assert is_sealed(sealed["fields"]["first_name"]) and sealed["fields"]["h_index"] == 17
    assert "Amara" not in str(sealed)
    assert sealer().open_profile_data(sealed) == data


def test_edited_changes_seal_both_the_old_and_the_new_value():
    data = {"changes": {"email": {"old": "a@x.org", "new": "b@x.org"},
                        "h_index": {"old": 1, "new": 2}}}

    sealed = sealer().seal_profile_data(data)

    assert all(is_sealed(v) for v in sealed["changes"]["email"].values())
    assert sealed["changes"]["h_index"] == {"old": 1, "new": 2}
    assert sealer().open_profile_data(sealed) == data


def test_without_the_key_sealed_identifiers_open_to_nothing():
    sealed = sealer().seal_profile_data({"fields": {"last_name": "Okafor"}})

    assert sealer(None).open_profile_data(sealed) == {"fields": {"last_name": None}}
    assert sealer(os.urandom(32)).open_profile_data(sealed) == {"fields": {"last_name": None}}


def test_a_token_moved_to_another_client_or_field_does_not_open():
    token = sealer().seal("first_name", "Amara")

    assert sealer(context="firm:other-client").open("first_name", token) is None
    assert sealer().open("last_name", token) is None


@pytest.mark.parametrize("value", [
    "Amara", "Ōkafor 𝔸 \u2028 \"quoted\"", 17, 0.1 + 0.2, 2**70, True, ["a", {"b": None}],
    {"employer": "Acme", "wage": 1.5e-7}])
def test_every_kind_of_value_opens_to_what_was_sealed(value):
    assert sealer().open("notes", sealer().seal("notes", value)) == value


def test_a_sealed_nan_opens_to_nan():
    opened = sealer().open("notes", sealer().seal("notes", float("nan")))

    assert opened != opened


def test_a_token_that_is_not_base64_opens_to_nothing():
    assert sealer().open("notes", "pii:v1:not base64!") is None
    assert sealer().open("notes", "pii:v1:QUJD") is None


def test_nothing_can_be_sealed_once_the_key_is_destroyed():
    with pytest.raises(ValueError):
        sealer(None).seal("first_name", "Amara")


def test_the_engine_view_of_a_profile_has_no_direct_identifiers():
    profile = {"first_name": "A", "last_name": "B", "email": "e@x.org", "phone": "1",
               "date_of_birth": "1990-01-01", "notes": "n", "h_index": 3}

    assert without_direct_identifiers(profile) == {"h_index": 3}


def free_text_paths(schema=None, prefix: str = "") -> set[str]:
    """Every field of the profile schema an attorney fills with text of their own."""
    from marshmallow import fields, validate

    from shared.profile_schema import ClientProfileSchema, Country

    def is_free_text(field) -> bool:
        return (isinstance(field, fields.String) and not isinstance(field, Country)
                and not any(isinstance(v, (validate.OneOf, validate.Regexp))
                            for v in field.validators))

    paths = set()
    for name, field in (schema or ClientProfileSchema()).fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            paths |= free_text_paths(inner.schema, f"{prefix}{name}.")
        elif is_free_text(inner):
            paths.add(f"{prefix}{name}")
    return paths


def test_every_free_text_field_of_the_profile_schema_is_sealed():
    from contracts.profile import SEALED_PATHS

    paths = free_text_paths()

    assert {"awards.name", "media_coverage.title", "original_contributions",
            "job_offer.employer", "current_location", "notes"} <= paths
    assert paths - set(SEALED_PATHS) == set()


def test_free_text_is_sealed_inside_lists_and_objects_and_opens_again():
    from shared.profile_schema import load_profile
    from tests.support.profiles import researcher_profile

    fields = load_profile(researcher_profile(current_location="Lagos, Nigeria",
                                             skills=["Okafor's method"]))
    sealed = sealer().seal_profile_data({"fields": fields})["fields"]

    for text in ("Best Paper", "MIT Technology", "robust training", "Acme AI", "Lead scientist",
                 "Research lab", "Lagos", "Okafor", "Machine learning", "Research scientist"):
        assert text not in str(sealed), text
    assert sealed["awards"][0]["level"] == "international" and is_sealed(
        sealed["awards"][0]["name"])
    assert sealed["job_offer"]["annual_wage_usd"] == 210000
    assert sealer().open_profile_data({"fields": sealed}) == {"fields": fields}


def test_after_erasure_only_the_facts_remain():
    from contracts.profile import erased_fields

    kept = erased_fields({"first_name": "Amara", "h_index": 17, "university": "Lagos",
                          "awards": [{"name": "Okafor Prize", "level": "national"}],
                          "job_offer": {"employer": "Okafor Ltd", "annual_wage_usd": 9.0},
                          "original_contributions": ["Okafor's method"]})

    assert kept == {"h_index": 17, "awards": [{"level": "national"}],
                    "job_offer": {"annual_wage_usd": 9.0}}


def test_strings_of_a_result_that_quote_the_client_are_sealed_and_nothing_else():
    from contracts.profile import quotable_texts

    from contracts import CLIENT_PROFILE_CREATED, CLIENT_PROFILE_EDITED, EventEnvelope

    def event(event_type: str, data: dict) -> EventEnvelope:
        return EventEnvelope(event_type, "firm", 1, "client", 1, "2026-12-02T00:00:00", data)

    texts, words = quotable_texts([
        event(CLIENT_PROFILE_CREATED, {"fields": {
            "first_name": "Amara", "last_name": "Okafor", "current_employer": "Initech",
            "original_contributions": ["A widely adopted method for robust training of models"],
            "goals": {"preferred_visa_types": ["O-1A"]}}}),
        event(CLIENT_PROFILE_EDITED, {"changes": {
            "current_employer": {"old": "Initech", "new": "Acme AI"}}})])
    result = {"recommendations": [{"visa_type": "O-1A", "verdict": "strong", "gates": [
        {"id": "employer", "explanation": "U.S. petitioner: acme ai", "citation": "8 CFR 214"},
        {"id": "field", "explanation": "Okafor's field is listed"},
        {"id": "previous", "explanation": "was at initech before"}], "criteria": [
        {"id": "contributions", "facts": {"contributions": [
            "inferred from the work: A widely adopted method for robust train"]}}]}]}

    sealed = sealer().seal_quotes(result, texts, words)
    rec = sealed["recommendations"][0]

    assert (rec["visa_type"], rec["verdict"], rec["gates"][0]["citation"]) == (
        "O-1A", "strong", "8 CFR 214")
    assert all(is_sealed(g["explanation"]) for g in rec["gates"])
    assert is_sealed(rec["criteria"][0]["facts"]["contributions"][0])
    assert sealer().open_quotes(sealed) == result
    assert sealer(None).open_quotes(sealed)["recommendations"][0]["gates"][0] == {
        "id": "employer", "explanation": None, "citation": "8 CFR 214"}
