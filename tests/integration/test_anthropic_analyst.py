"""The real anthropic client against the local fake Messages API: retries, breaker, repair."""

import time

import pybreaker
import pytest

from eligibility_engine.adapters.anthropic_analyst import AnalysisUnavailable, AnthropicAnalyst
from eligibility_engine.adapters.llm_settings import LLMSettings
from catalogue.loader import load_catalogue
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.llm_analysis import prompt_payload
from tests.engine_support.profiles import RESEARCHER
from tests.fakes.fake_messages_api import FakeMessagesAPI, original_payload


@pytest.fixture
def api():
    fake = FakeMessagesAPI(timeout_seconds=1.5).start()
    yield fake
    fake.stop()


@pytest.fixture
def payload():
    profile = {**RESEARCHER, "email": "ada@example.test", "phone": "+1 555 0100",
               "date_of_birth": "1990-01-01"}
    return prompt_payload(profile, evaluate_profile(profile, load_catalogue()))


def analyst(api, **overrides) -> AnthropicAnalyst:
    settings = {"api_key": "test-key", "base_url": api.base_url, "call_timeout_seconds": 0.4,
                "deadline_seconds": 3.0, **overrides}
    return AnthropicAnalyst(LLMSettings(**settings))


def soon(seconds: float = 3.0) -> float:
    return time.monotonic() + seconds


def test_a_good_answer_is_validated_and_its_tokens_and_cost_recorded(api, payload):
    result = analyst(api).analyse(payload, soon())

    assert result.tokens_in == 1200 and result.tokens_out == 300
    assert result.cost_usd > 0
    assert {a["visa_type"] for a in result.content["analyses"]} >= {"O-1A", "EB-1A"}


def test_the_prompt_carries_no_direct_identifiers(api, payload):
    analyst(api).analyse(payload, soon())

    sent = original_payload(api.requests[0])["profile"]

    for identifier in ("first_name", "last_name", "email", "phone", "date_of_birth", "notes"):
        assert identifier not in sent
    assert sent["citations_count"] == 1200


def test_structured_output_is_requested_through_a_forced_tool_call(api, payload):
    analyst(api).analyse(payload, soon())

    request = api.requests[0]

    assert request["tool_choice"] == {"type": "tool", "name": "record_visa_analysis"}
    assert request["tools"][0]["name"] == "record_visa_analysis"


@pytest.mark.parametrize("failure", ["rate_limited", "server_error", "timeout"])
def test_transient_failures_are_retried_then_succeed(api, payload, failure):
    api.then(failure)

    result = analyst(api).analyse(payload, soon())

    assert result.attempts == 2
    assert api.request_count() == 2


def test_retries_stop_at_the_deadline_and_report_unavailable(api, payload):
    api.default = "timeout"

    with pytest.raises(AnalysisUnavailable):
        analyst(api, max_attempts=10).analyse(payload, soon(1.0))

    assert 1 <= api.request_count() < 10


def test_malformed_json_gets_one_repair_attempt(api, payload):
    api.then("malformed_json")

    result = analyst(api).analyse(payload, soon())

    assert result.repaired is True
    assert api.request_count() == 2


def test_an_invalid_tool_input_is_sent_back_once_for_repair(api, payload):
    api.then("bad_tool_input")

    result = analyst(api).analyse(payload, soon())

    repair = api.requests[1]["messages"]
    assert result.repaired is True
    assert repair[-1]["content"][0]["type"] == "tool_result"
    assert repair[-1]["content"][0]["is_error"] is True


def test_a_second_malformed_answer_gives_up_after_one_repair(api, payload):
    api.then("bad_tool_input", "bad_tool_input")

    with pytest.raises(AnalysisUnavailable, match="after one repair"):
        analyst(api).analyse(payload, soon())

    assert api.request_count() == 2


def test_breaker_opens_after_repeated_failures_and_then_refuses_at_once(api, payload):
    api.default = "server_error"
    subject = analyst(api, max_attempts=1, breaker_fail_max=2, breaker_reset_seconds=60)
    for _ in range(2):
        with pytest.raises(AnalysisUnavailable):
            subject.analyse(payload, soon())

    with pytest.raises(AnalysisUnavailable, match="breaker is open"):
        subject.analyse(payload, soon())

    assert subject.breaker.current_state == pybreaker.STATE_OPEN
    assert api.request_count() == 2


def test_breaker_closes_again_once_the_vendor_recovers(api, payload):
    api.default = "server_error"
    subject = analyst(api, max_attempts=1, breaker_fail_max=1, breaker_reset_seconds=0.2)
    with pytest.raises(AnalysisUnavailable):
        subject.analyse(payload, soon())
    api.default = "good"

    result = _first_success(subject, payload)

    assert result.tokens_in == 1200
    assert subject.breaker.current_state == pybreaker.STATE_CLOSED


def _first_success(subject, payload, attempts: int = 100):
    for _ in range(attempts):
        try:
            return subject.analyse(payload, soon())
        except AnalysisUnavailable:
            time.sleep(0.05)
    raise AssertionError("the breaker never let a call through again")
