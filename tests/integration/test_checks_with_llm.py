"""Checks through the embedded product with the LLM pointed at the fake Messages API."""

from uuid import UUID

import pytest

from event_store import read_envelopes
from contracts import CHECK_REQUESTED, RECOMMENDATIONS_PRODUCED
from tests.engine_support.product import sign_in, start_product
from tests.engine_support.profiles import RESEARCHER
from tests.fakes.fake_messages_api import FakeMessagesAPI


@pytest.fixture
def api():
    fake = FakeMessagesAPI(slow_seconds=2.0).start()
    yield fake
    fake.stop()


def llm_env(api, **extra) -> dict:
    return {"ANTHROPIC_API_KEY": "test-key", "ANTHROPIC_BASE_URL": api.base_url,
            "VISA_LLM_CALL_TIMEOUT_SECONDS": "3", **extra}


@pytest.fixture
def attorney(tmp_path, api):
    product = start_product(tmp_path, llm_env=llm_env(api))
    yield sign_in(product)
    product.close()


def events_of(attorney, event_type: str) -> list:
    app = attorney.product.stores.for_firm(attorney.firm_id)
    return [e for e in read_envelopes(app, 0, limit=100_000) if e.event_type == event_type]


def test_a_check_combines_rules_and_llm_and_records_what_produced_it(attorney):
    client_id = attorney.create_client(RESEARCHER)

    check = attorney.checked(client_id)

    assert check["analysis_mode"] == "llm_and_rules"
    assert check["llm"]["tokens_in"] == 1200 and check["llm"]["cost_usd"] > 0
    provenance = check["provenance"]
    assert provenance["model"] == "claude-sonnet-4-6"
    assert provenance["prompt_version"] and provenance["rules_version"]
    assert provenance["catalogue_version"] == check["catalogue_version"]
    o1 = next(r for r in check["recommendations"] if r["visa_type"] == "O-1A")
    assert o1["llm_assessment"]["narrative"]
    assert abs(o1["eligibility_score"] - o1["rules_score"]) <= 10


def test_a_redelivered_request_for_a_concluded_check_never_calls_the_llm_again(attorney, api):
    client_id = attorney.create_client(RESEARCHER)
    check = attorney.checked(client_id)
    calls = api.request_count()
    request = next(e for e in events_of(attorney, CHECK_REQUESTED)
                   if e.aggregate_id == check["check_id"])

    attorney.product.engine.handler.handle(request)
    attorney.product.engine.handler.run_check(attorney.firm_id, UUID(check["check_id"]), request.meta)

    assert api.request_count() == calls
    assert len([e for e in events_of(attorney, RECOMMENDATIONS_PRODUCED)
                if e.aggregate_id == check["check_id"]]) == 1


def test_the_same_profile_version_reuses_the_stored_analysis_unless_refresh_is_asked(attorney,
                                                                                      api):
    client_id = attorney.create_client(RESEARCHER)
    attorney.checked(client_id)
    calls = api.request_count()

    again = attorney.checked(client_id)
    refreshed = attorney.checked(client_id, force_refresh=True)

    assert again["llm"]["reused_stored_analysis"] is True
    assert again["analysis_mode"] == "llm_and_rules"
    assert refreshed["llm"]["reused_stored_analysis"] is False
    assert api.request_count() == calls + 1


def test_an_open_breaker_completes_checks_at_once_as_rules_only(tmp_path, api):
    api.default = "server_error"
    env = llm_env(api, VISA_LLM_BREAKER_FAIL_MAX="1", VISA_LLM_MAX_ATTEMPTS="1")
    product = start_product(tmp_path, llm_env=env)
    attorney = sign_in(product)
    try:
        first = attorney.checked(attorney.create_client(RESEARCHER))
        second = attorney.checked(attorney.create_client(RESEARCHER))
    finally:
        product.close()

    assert first["analysis_mode"] == "rules_only"
    assert "Messages API failed" in first["analysis_note"]
    assert second["analysis_mode"] == "rules_only"
    assert "breaker is open" in second["analysis_note"]
    assert api.request_count() == 1


def test_forty_checks_run_with_at_least_32_llm_calls_in_flight_and_conclude_once(attorney, api):
    api.default = "slow"
    client_ids = [attorney.create_client({**RESEARCHER, "judging_count": n})
                  for n in range(40)]

    check_ids = [attorney.request_check(client_id) for client_id in client_ids]
    checks = [attorney.wait_for_check(check_id, timeout=60) for check_id in check_ids]

    assert {c["analysis_mode"] for c in checks} == {"llm_and_rules"}
    assert api.max_in_flight >= 32
    produced = [e.aggregate_id for e in events_of(attorney, RECOMMENDATIONS_PRODUCED)]
    assert sorted(produced) == sorted(check_ids)
