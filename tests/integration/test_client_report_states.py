"""The client report exists only for a completed check, and says so in the error format."""

from __future__ import annotations

import pytest

from query_service.api_bootstrap import query_app
from tests.support.profiles import researcher_profile


@pytest.mark.parametrize("deployment", ["sqlite"], indirect=True)
def test_a_check_not_yet_evaluated_has_no_report_but_a_409(command, deployment):
    token = command.token(command.admin_email)
    client = command.call("POST", "/v1/clients", token, researcher_profile()).json
    check = command.call("POST", f"/v1/clients/{client['id']}/eligibility-checks", token).json
    deployment.project_all(command.firm_id)  # no engine runs here: the check stays pending
    reads = query_app(deployment.settings, stores=deployment.stores).test_client()
    headers = {"Authorization": f"Bearer {token}"}

    status = reads.get(f"/v1/eligibility-checks/{check['check_id']}", headers=headers)
    report = reads.get(f"/v1/eligibility-checks/{check['check_id']}/report.pdf", headers=headers)

    assert status.json["status"] == "pending"
    assert report.status_code == 409
    assert report.json == {"error": "check_not_completed",
                           "message": "The report needs a completed check.",
                           "details": {"status": "pending"}}
