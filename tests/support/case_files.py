"""Write a firm's history straight through its application, as the command API would."""

from __future__ import annotations

import uuid

from command_service.application import FirmCaseFiles
from tests.support.profiles import researcher_profile


def attorney_meta() -> dict:
    return {"actor_id": str(uuid.uuid4()), "actor_kind": "attorney",
            "request_id": str(uuid.uuid4()), "correlation_id": str(uuid.uuid4())}


def completed_check_result(score: int = 82, visa_type: str = "O-1A") -> dict:
    return {"analysis_mode": "rules_only", "recommendations": [
        {"visa_type": visa_type, "verdict": "likely", "eligibility_score": score,
         "success_probability": 0.71},
        {"visa_type": "H-1B", "verdict": "possible", "eligibility_score": 55,
         "success_probability": 0.4}]}


def write_case_history(app: FirmCaseFiles, clients: int = 3) -> list[str]:
    """Create clients, edit one, archive one, and run a check to each possible end."""
    meta = attorney_meta()
    ids = [app.create_client(researcher_profile(last_name=f"Case{i}"), meta).id
           for i in range(clients)]
    app.edit_client(ids[0], {"annual_salary_usd": 250000, "email": "new@example.org"}, meta)
    completed = app.request_check(ids[0], meta)
    app.start_check(completed.id, meta)
    app.record_recommendations(completed.id, completed_check_result(), meta)
    failed = app.request_check(ids[1], meta)
    app.record_check_failure(failed.id, "engine unavailable", True, meta)
    app.request_check(ids[1], meta)
    app.archive_client(ids[-1], meta)
    return [str(i) for i in ids]
