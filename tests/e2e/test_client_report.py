"""The client report PDF over HTTP: what it says, which types it includes, who may read it."""

from __future__ import annotations

import pytest

from tests.support.pdf import pdf_pages, presents
from tests.support.profiles import researcher_profile

DISCLAIMER = "This report is not legal advice"


@pytest.fixture(scope="module")
def checked(embedded):
    api = embedded.as_attorney(embedded.firm_a)
    return (api, *api.checked_client(researcher_profile(last_name="Reported")))


def pdf_text(response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    return " ".join(pdf_pages(response.content))


def test_the_report_names_the_firm_and_client_leads_with_the_summary_and_covers_every_type(
        checked):
    api, client, check = checked

    text = pdf_text(api.download(f"/v1/eligibility-checks/{check['check_id']}/report.pdf"))

    summary = check["summary"]
    assert "Firm A Immigration" in text and "Amara Reported" in text
    assert text.index("Best path to work now") < text.index("Data as of")
    assert f"{summary['best_path_now']['visa_type']}," in text
    assert f"{summary['best_green_card_path']['visa_type']}," in text
    assert summary["ask_first"][0]["question"] in text
    assert all(presents(text, r) for r in check["recommendations"])
    assert "Not eligible on this record" in text and DISCLAIMER in text
    assert "null" not in text and "None" not in text
    assert "pii:v1:" not in text  # the engine's quotes of the client, opened


def test_the_attorney_chooses_the_types_and_the_others_are_left_out(checked):
    api, _, check = checked
    recs = check["recommendations"]
    eligible = [r for r in recs if r["verdict"] != "not_eligible"]
    refused = [r for r in recs if r["verdict"] == "not_eligible"]
    chosen = [eligible[-1], refused[0]]

    text = pdf_text(api.download(f"/v1/eligibility-checks/{check['check_id']}/report.pdf",
                                 types=",".join(r["visa_type"].replace(" ", "-") for r in chosen)))

    assert [r["visa_type"] for r in recs if presents(text, r)] == [
        r["visa_type"] for r in recs if r in chosen]
    assert DISCLAIMER in text


def test_the_report_follows_the_checks_access_rules(checked, embedded):
    _, _, check = checked
    path = f"/v1/eligibility-checks/{check['check_id']}/report.pdf"

    viewer = embedded.as_attorney(embedded.firm_a, "viewer").download(path)
    other_firm = embedded.as_attorney(embedded.firm_b).get(path)
    unknown_type = embedded.as_attorney(embedded.firm_a).get(path, types="Z-9")
    anonymous = embedded.api.get(path)

    assert viewer.status_code == 200 and viewer.content.startswith(b"%PDF")
    assert other_firm.status_code == 404 and other_firm.json()["error"] == "not_found"
    assert unknown_type.status_code == 400 and "Z-9" in unknown_type.json()["details"]["types"]
    assert anonymous.status_code == 401
