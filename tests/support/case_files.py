"""Write a firm's history straight through its application, as the command API would."""

from __future__ import annotations

import uuid

import contracts
from command_service.application import FirmCaseFiles
from event_store import FirmEventStore
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
    record_as_engine(app, completed.id, contracts.CHECK_STARTED, {}, meta)
    record_as_engine(app, completed.id, contracts.RECOMMENDATIONS_PRODUCED,
                     {"result": completed_check_result()}, meta)
    failed = app.request_check(ids[1], meta)
    record_as_engine(app, failed.id, contracts.CHECK_FAILED,
                     {"error_message": "engine unavailable", "retry_allowed": True}, meta)
    app.request_check(ids[1], meta)
    app.archive_client(ids[-1], meta)
    return [str(i) for i in ids]


def record_as_engine(store: FirmEventStore, check_id, event_type: str, payload: dict,
                     meta: dict) -> None:
    """Append a check's next event as the engine does (it owns a check's lifecycle)."""
    store.append(check_id, len(store.stream(check_id)) + 1, event_type, payload, meta)
