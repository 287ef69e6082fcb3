"""Every contract event, produced by the product's own code on the embedded default."""

from __future__ import annotations

import base64
import os
import uuid

import pytest

from cli import bootstrap
from command_service import bootstrap as command_root
from eligibility_engine.adapters.analysis_store import KernelAnalysisStore
from eligibility_engine.adapters.check_store import KernelCheckStore
from event_store import close_shared_pools, read_envelopes
from shared.config import load_settings
from shared.profile_schema import load_profile
from tests.support.case_files import attorney_meta
from tests.support.profiles import researcher_profile


@pytest.fixture(scope="module")
def produced_events(tmp_path_factory) -> dict:
    """One envelope of each event type, read back through the kernel: {event_type: envelope}."""
    settings = load_settings({"VISA_DATA_DIR": str(tmp_path_factory.mktemp("contracts")),
                              "VISA_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()})
    bootstrap.migrate(settings)
    stores = command_root.case_files(settings)
    directory = command_root.directory(settings, stores)
    firm = directory.create_firm("Contract & Co", attorney_meta())
    attorney = directory.create_attorney(firm["id"], f"a-{uuid.uuid4().hex[:6]}@firm.test",
                                         "correct-horse-42", "attorney", attorney_meta())
    directory.change_attorney(firm["id"], attorney["id"], role="viewer", meta=attorney_meta())
    directory.change_attorney(firm["id"], attorney["id"], active=False, meta=attorney_meta())
    directory.change_attorney(firm["id"], attorney["id"], active=True, meta=attorney_meta())
    directory.record_sign_out(firm["id"], attorney["id"], str(uuid.uuid4()), 1_900_000_000,
                              attorney_meta())
    with directory.transaction() as tx:
        directory.set_password(tx, firm["id"], attorney["id"], "scrypt$x$y", "change",
                               attorney_meta())
    cases, meta = stores.for_firm(firm["id"]), attorney_meta()
    client = cases.create_client(load_profile(researcher_profile()), meta)
    cases.edit_client(client.id, {"annual_salary_usd": 200000}, meta)
    cases.record_case_outcome(client.id, {"visa_type": "O-1A", "outcome": "approved",
                                          "filed_date": "2026-01-05",
                                          "decision_date": "2026-03-01"}, meta)
    checks = KernelCheckStore(stores)
    completed = cases.request_check(client.id, meta)
    check = checks.start(checks.requested_check(firm["id"], str(completed.id)), meta)
    checks.conclude(check, {"analysis_mode": "rules_only", "recommendations": [
        {"visa_type": "O-1A", "verdict": "strong", "eligibility_score": 90,
         "success_probability": 0.8, "gates": [
             {"id": "us_employer", "met": True, "explanation": "U.S. petitioner: Acme AI"}],
         "criteria": [{"id": "awards", "met": True}]}]}, meta)
    analyses = KernelAnalysisStore(stores)
    analyses.produced(firm["id"], str(completed.id), {
        "types": [{"visa_type": "O-1A", "summary": "Best Paper, NeurIPS is an international prize"}],
        "model": "claude-sonnet-5-5", "usage": {"cost_usd": 0.05}}, meta)
    cases.record_assessment(completed.id, {"visa_type": "O-1A", "criterion": "awards",
                                           "met": False, "note": "internal prize"}, meta)
    failed = cases.request_check(client.id, meta)
    checks.fail(checks.requested_check(firm["id"], str(failed.id)), "engine unavailable", True,
                meta)
    analyses.failed(firm["id"], str(failed.id), "overloaded", "the Messages API failed: 529",
                    {"calls": 4, "cost_usd": 0.0}, True, meta)
    cases.archive_client(client.id, meta)
    cases.erase_client(client.id, meta)
    events = {e.event_type: e for e in read_envelopes(cases, 0, 1000)}
    stored = {e.event_type: _stored_state(cases, e.position) for e in read_envelopes(cases, 0, 1000)}
    yield {"envelopes": events, "stored": stored}
    stores.close()
    close_shared_pools()


def _stored_state(store, position: int) -> dict:
    notification = store.recorder.select_notifications(position, 1)[0]
    return {"topic": notification.topic, "state": notification.state.decode()}
