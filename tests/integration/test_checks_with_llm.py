"""Checks through the embedded product with the LLM pointed at the fake Messages API: the
check concludes from the rules at once, the analysis follows as its own event."""

import json
from uuid import UUID

import pytest

from contracts import ANALYSIS_FAILED, ANALYSIS_PRODUCED, RECOMMENDATIONS_PRODUCED
from event_store import read_envelopes
from tests.engine_support.product import sign_in, start_product
from tests.engine_support.profiles import RESEARCHER
from tests.fakes.fake_messages_api import FakeMessagesAPI
from tests.support.processes import wait_until


@pytest.fixture
def api():
    fake = FakeMessagesAPI(slow_seconds=1.0).start()
    yield fake
    fake.stop()


def llm_env(api, **extra) -> dict:
    return {"ANTHROPIC_API_KEY": "test-key", "ANTHROPIC_BASE_URL": api.base_url,
            "VISA_LLM_CALL_TIMEOUT_SECONDS": "5", "VISA_LLM_DEADLINE_SECONDS": "30", **extra}


@pytest.fixture
def attorney(tmp_path, api):
    product = start_product(tmp_path, llm_env=llm_env(api))
    yield sign_in(product)
    product.close()


def events_of(attorney, event_type: str) -> list:
    app = attorney.product.stores.for_firm(attorney.firm_id)
    return [e for e in read_envelopes(app, 0, limit=100_000) if e.event_type == event_type]


def analysed(attorney, check_id: str, timeout: float = 30) -> dict:
    wait_until(lambda: attorney.get(f"/v1/eligibility-checks/{check_id}").json["analysis"][
        "status"] != "pending", timeout, what="the analysis")
    return attorney.get(f"/v1/eligibility-checks/{check_id}").json


def test_the_check_completes_from_the_rules_and_the_analysis_follows(attorney, api):
    api.default = "slow"
    client_id = attorney.create_client(RESEARCHER)

    check = attorney.checked(client_id)
    ready = analysed(attorney, check["check_id"])

    assert check["analysis"] == {"status": "pending"} and check["analysis_mode"] == "rules_only"
    assert ready["analysis"]["status"] == "ready" and ready["analysis_mode"] == "llm_and_rules"
    o1 = next(r for r in ready["recommendations"] if r["visa_type"] == "O-1A")
    assert o1["llm_assessment"]["opinion_of"] == "model"
    assert o1["verdict"] == next(r for r in check["recommendations"]
                                 if r["visa_type"] == "O-1A")["verdict"]
    assert any(row.get("llm_opinion") for row in o1["criteria"] + o1["gates"])
    provenance = ready["provenance"]["analysis"]
    assert provenance["model"] == "claude-sonnet-5-5" and provenance["cost_usd"] > 0
    assert provenance["request_ids"] and provenance["prompt_version"]


def test_no_identifier_typed_into_free_text_reaches_the_vendor(attorney, api):
    profile = {**RESEARCHER, "first_name": "Zanele", "last_name": "Mokoena",
               "email": "zanele.mokoena@example.test",
               "media_coverage": [{"outlet": "Wired", "about_client": True,
                                   "title": "Zanele Mokoena (zanele.mokoena@example.test) on AI"}],
               "original_contributions": ["Mokoena's loss function; reach her at "
                                          "zanele.mokoena@example.test"]}
    check = attorney.checked(attorney.create_client(profile))
    analysed(attorney, check["check_id"])

    body = json.dumps(api.requests[-1])

    assert "Zanele" not in body and "Mokoena" not in body
    assert "zanele.mokoena@example.test" not in body and "example.test" not in body
    assert "Acme" not in body  # the employer, also quoted by the rules' explanations
    assert "Wired" in body


def test_a_redelivered_conclusion_never_pays_for_a_second_analysis(attorney, api):
    check = attorney.checked(attorney.create_client(RESEARCHER))
    analysed(attorney, check["check_id"])
    calls = api.request_count()
    produced = next(e for e in events_of(attorney, RECOMMENDATIONS_PRODUCED)
                    if e.aggregate_id == check["check_id"])

    attorney.product.engine.handler.handle(produced)
    attorney.product.engine.handler.analyses.wait_idle()

    assert api.request_count() == calls
    assert len([e for e in events_of(attorney, ANALYSIS_PRODUCED)
                if e.data["check_id"] == check["check_id"]]) == 1


def test_the_same_profile_version_reuses_the_stored_analysis_unless_refresh_is_asked(attorney,
                                                                                      api):
    client_id = attorney.create_client(RESEARCHER)
    analysed(attorney, attorney.checked(client_id)["check_id"])
    calls = api.request_count()

    again = analysed(attorney, attorney.checked(client_id)["check_id"])
    refreshed = analysed(attorney, attorney.checked(client_id, force_refresh=True)["check_id"])

    assert again["analysis"]["reused_stored_analysis"] is True
    assert again["analysis"]["usage"]["cost_usd"] == 0
    assert refreshed["analysis"]["reused_stored_analysis"] is False
    assert api.request_count() == calls + 1


def test_an_open_breaker_leaves_checks_rules_only_with_a_clear_reason(tmp_path, api):
    api.default = "server_error"
    env = llm_env(api, VISA_LLM_BREAKER_FAIL_MAX="1", VISA_LLM_MAX_ATTEMPTS="1")
    product = start_product(tmp_path, llm_env=env)
    attorney = sign_in(product)
    try:
        first = analysed(attorney, attorney.checked(attorney.create_client(RESEARCHER))["check_id"])
        second = analysed(attorney,
                          attorney.checked(attorney.create_client(RESEARCHER))["check_id"])
        failed = events_of(attorney, ANALYSIS_FAILED)
    finally:
        product.close()

    assert first["status"] == second["status"] == "completed"
    assert first["analysis"]["reason"] == "server" and first["analysis_mode"] == "rules_only"
    assert second["analysis"]["reason"] == "breaker_open"
    assert "breaker is open" in second["analysis_note"]
    assert api.request_count() == 1 and len(failed) == 2


def test_forty_checks_conclude_at_once_and_32_analyses_run_in_parallel(attorney, api):
    client_ids = [attorney.create_client({**RESEARCHER, "judging_count": n}) for n in range(40)]
    api.gate.clear()  # every answer waits until 32 calls are in flight

    check_ids = [attorney.request_check(client_id) for client_id in client_ids]
    checks = [attorney.wait_for_check(check_id, timeout=60) for check_id in check_ids]
    wait_until(lambda: api.in_flight >= 32, 60, what="32 analyses in flight")
    api.gate.set()
    analyses = [analysed(attorney, check_id, timeout=90) for check_id in check_ids]

    assert {c["status"] for c in checks} == {"completed"}
    assert {c["analysis"]["status"] for c in checks} == {"pending"}
    assert {a["analysis"]["status"] for a in analyses} == {"ready"}
    assert api.max_in_flight >= 32
    produced = [e.data["check_id"] for e in events_of(attorney, ANALYSIS_PRODUCED)]
    assert sorted(produced) == sorted(check_ids)
    assert UUID(produced[0])
