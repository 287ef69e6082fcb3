"""The real anthropic client against the local fake Messages API: request shape, streaming,
retries, stop reasons, repair, cost of every attempt, and the breaker."""

import time

import anthropic
import pytest

from catalogue.loader import load_catalogue
from eligibility_engine.adapters.anthropic_analyst import AnthropicAnalyst
from eligibility_engine.adapters.circuit_breaker import CLOSED, OPEN
from eligibility_engine.adapters.llm_settings import LLMSettings
from eligibility_engine.domain.evaluation import evaluate_profile
from eligibility_engine.domain.llm_analysis import case_message
from eligibility_engine.domain.redaction import redacted_profile
from eligibility_engine.ports import AnalysisUnavailable
from tests.engine_support.profiles import RESEARCHER
from tests.fakes.fake_messages_api import FakeMessagesAPI


@pytest.fixture
def api():
    fake = FakeMessagesAPI(timeout_seconds=1.5).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def case():
    return case_message(redacted_profile(RESEARCHER, RESEARCHER),
                        evaluate_profile(RESEARCHER, load_catalogue()))


def analyst(api, **overrides) -> AnthropicAnalyst:
    settings = {"api_key": "test-key", "base_url": api.base_url, "call_timeout_seconds": 0.5,
                **overrides}
    return AnthropicAnalyst(LLMSettings(**settings), load_catalogue())


def soon(seconds: float = 5.0) -> float:
    return time.monotonic() + seconds


def reason_of(subject, case, deadline=None) -> AnalysisUnavailable:
    with pytest.raises(AnalysisUnavailable) as error:
        subject.analyse(case, deadline or soon())
    return error.value


def test_the_request_has_the_current_models_shape(api, case):
    analyst(api).analyse(case, soon())

    request = api.requests[0]

    assert request["model"] == "claude-sonnet-5-5" and request["stream"] is True
    assert "tool_choice" not in request and "tools" not in request
    assert request["thinking"] == {"type": "adaptive"}
    assert request["output_config"]["effort"] == "medium"
    assert request["output_config"]["format"]["type"] == "json_schema"
    assert request["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "8 CFR 204.5(h)(3)(iv)" in request["system"][-1]["text"]


def test_the_fake_refuses_a_forced_tool_choice_as_the_current_model_does(api):
    client = anthropic.Anthropic(api_key="k", base_url=api.base_url, max_retries=0)

    with pytest.raises(anthropic.BadRequestError, match="forced tool use"):
        client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                               messages=[{"role": "user", "content": "{}"}],
                               tools=[{"name": "t", "input_schema": {"type": "object"}}],
                               tool_choice={"type": "tool", "name": "t"})


def test_the_second_call_reads_the_catalogue_from_the_prompt_cache(api, case):
    subject = analyst(api)

    first = subject.analyse(case, soon()).usage
    second = subject.analyse(case, soon()).usage

    assert first["cache_write_tokens"] > 1000 and first["cache_read_tokens"] == 0
    assert second["cache_read_tokens"] == first["cache_write_tokens"]
    assert second["cost_usd"] < first["cost_usd"]
    assert second["request_ids"][0].startswith("req_")


def test_a_slow_answer_is_streamed_past_the_call_timeout(api, case):
    api.default, api.slow_seconds = "slow", 1.5

    answer = analyst(api, call_timeout_seconds=0.5).analyse(case, soon())

    assert answer.usage["calls"] == 1 and answer.content["analyses"]


@pytest.mark.parametrize("failure", ["rate_limited", "overloaded", "server_error", "timeout"])
def test_transient_failures_are_retried_and_every_attempt_is_recorded(api, case, failure):
    # A call timeout a loaded machine cannot hit by accident, and a fake that outwaits it.
    api.timeout_seconds = 8
    api.then(failure)

    answer = analyst(api, call_timeout_seconds=3).analyse(case, soon(60))

    assert [c["outcome"] for c in answer.usage["attempts"]][-1] == "end_turn"
    assert answer.usage["calls"] == 2 == api.request_count()


def test_overload_that_lasts_ends_with_a_clear_reason(api, case):
    api.default = "overloaded"

    error = reason_of(analyst(api, max_attempts=2), case)

    assert error.reason == "overloaded" and error.usage["calls"] == 2


@pytest.mark.parametrize("stop", ["max_tokens", "refusal"])
def test_a_stop_without_a_usable_answer_is_a_clear_state_and_is_paid_for(api, case, stop):
    api.then(stop)

    error = reason_of(analyst(api), case)

    assert error.reason == stop and api.request_count() == 1
    assert error.usage["calls"] == 1 and error.usage["cost_usd"] > 0


def test_a_request_the_api_refuses_is_not_retried(api, case):
    error = reason_of(analyst(api, model="claude-3-opus-legacy"), case)

    assert error.reason == "rejected" and not error.retry_allowed
    assert len(api.refused) == 1 and api.request_count() == 0


def test_a_malformed_answer_gets_one_repair_and_both_calls_are_paid_for(api, case):
    api.then("malformed_json")

    answer = analyst(api).analyse(case, soon())

    assert answer.repaired and answer.usage["calls"] == 2
    assert all(c["cost_usd"] > 0 for c in answer.usage["attempts"])
    assert "rejected" in api.requests[1]["messages"][0]["content"]


def test_a_second_malformed_answer_gives_up_and_still_records_both_calls(api, case):
    api.then("bad_answer", "bad_answer")

    error = reason_of(analyst(api), case)

    assert error.reason == "malformed" and error.usage["calls"] == 2
    assert error.usage["cost_usd"] > 0


def test_the_deadline_stops_a_long_answer_mid_stream(api, case):
    api.default, api.slow_seconds = "slow", 3

    error = reason_of(analyst(api), case, soon(0.6))

    assert error.reason == "deadline" and api.request_count() == 1


def test_the_breaker_opens_then_refuses_at_once_and_a_trial_closes_it(api, case):
    api.default = "server_error"
    subject = analyst(api, max_attempts=1, breaker_fail_max=2, breaker_reset_seconds=0.3)
    for _ in range(2):
        reason_of(subject, case)

    refused = reason_of(subject, case)
    api.default = "good"
    time.sleep(0.35)
    subject.analyse(case, soon())

    assert refused.reason == "breaker_open" and api.request_count() == 3
    assert subject.breaker.state == CLOSED


def test_an_analysis_stops_retrying_once_its_failures_open_the_breaker(api, case):
    api.default = "server_error"
    subject = analyst(api, max_attempts=4, breaker_fail_max=2, breaker_reset_seconds=60)

    refused = reason_of(subject, case)

    assert refused.reason == "breaker_open" and api.request_count() == 2
    assert subject.breaker.state == OPEN


def test_any_answer_shows_the_vendor_reachable_and_resets_the_count(api, case):
    api.then("server_error", "refusal", "server_error")
    subject = analyst(api, max_attempts=1, breaker_fail_max=2)

    reasons = [reason_of(subject, case).reason for _ in range(3)]

    assert reasons == ["server", "refusal", "server"] and subject.breaker.state == CLOSED


def test_a_failed_trial_opens_the_breaker_again(api, case):
    api.default = "server_error"
    subject = analyst(api, max_attempts=1, breaker_fail_max=1, breaker_reset_seconds=0.2)
    reason_of(subject, case)
    time.sleep(0.25)

    reason_of(subject, case)

    assert subject.breaker.state == OPEN and api.request_count() == 2
