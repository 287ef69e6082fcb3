"""Nothing that identifies the client leaves the process, whichever field it was typed in."""

import json

from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.llm_analysis import case_message
from eligibility_engine.domain.redaction import redacted_findings, redacted_profile

CLIENT = {"first_name": "Amara", "last_name": "Okafor-Ndu", "email": "amara.okafor@mail.test",
          "phone": "+1 415 555 0199", "date_of_birth": "1990-02-03", "notes": "call after 5",
          "university": "MIT", "current_employer": "Acme Robotics",
          "current_location": "12 Elm Street, Springfield, USA",
          "job_offer": {"employer": "Acme Robotics", "title": "Scientist"},
          "media_coverage": [{"outlet": "Wired", "title": "Amara Okafor-Ndu rethinks robots "
                              "(write to amara.okafor@mail.test)", "about_client": True}],
          "original_contributions": ["Okafor's gripper, adopted by 40 labs; contact "
                                     "+44 20 7946 0958, 221B Baker Street, NW1 6XE"],
          "awards": [{"name": "Okafor Prize 2019", "level": "national"}],
          "skills": ["robotics", "tag:abc123"]}


def sent(profile: dict = CLIENT) -> str:
    identifiers = {k: profile.get(k) for k in ("first_name", "last_name", "email", "phone",
                                               "date_of_birth")}
    return json.dumps(redacted_profile(profile, identifiers))


def test_the_name_email_and_phone_are_removed_from_every_free_text_field():
    text = sent().lower()

    for identifier in ("amara", "okafor", "mail.test", "555 0199", "7946", "1990-02-03",
                       "call after 5"):
        assert identifier not in text


def test_address_like_strings_are_removed_and_the_location_keeps_its_country_only():
    payload = json.loads(sent())

    assert "Baker Street" not in sent() and "NW1 6XE" not in sent()
    assert payload["current_location"] == "USA"


def test_employer_and_university_go_out_as_placeholders():
    payload = json.loads(sent())

    assert "Acme" not in sent() and "MIT" not in sent()
    assert payload["job_offer"] == {"employer": "[offering employer]", "title": "Scientist"}


def test_the_facts_the_analysis_needs_are_kept():
    payload = json.loads(sent())

    assert payload["media_coverage"][0]["outlet"] == "Wired"
    assert "adopted by 40 labs" in payload["original_contributions"][0]
    assert "tag:abc123" in payload["skills"]


def test_the_profile_it_was_given_is_not_changed():
    original = json.dumps(CLIENT, sort_keys=True)

    sent()

    assert json.dumps(CLIENT, sort_keys=True) == original


def test_the_rules_explanations_are_scrubbed_too():
    result = evaluate_profile({**CLIENT, "field_category": "sciences"}, load_catalogue())

    text = case_message({}, redacted_findings(result, CLIENT, CLIENT))

    assert "Acme" not in text and "Okafor" not in text
    assert "[offering employer]" in text
