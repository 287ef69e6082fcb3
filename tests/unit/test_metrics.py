"""The named metrics behave as the dashboards and alerts expect."""

from __future__ import annotations

import subprocess
import sys

import pytest
from prometheus_client import REGISTRY

from eligibility_engine.adapters.circuit_breaker import CircuitBreaker
from shared import metrics


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_circuit_transition_is_counted_and_the_state_exposed():
    before = _value("visa_circuit_breaker_transitions_total", breaker="llm-test",
                    from_state="closed", to_state="open")

    metrics.record_circuit_transition("llm-test", "closed", "open")

    assert _value("visa_circuit_breaker_state", breaker="llm-test") == 2
    assert _value("visa_circuit_breaker_transitions_total", breaker="llm-test",
                  from_state="closed", to_state="open") == before + 1


def test_the_llm_circuit_reports_its_opening_through_the_metrics():
    breaker = CircuitBreaker("llm-listener", fail_max=1, reset_seconds=60,
                             on_change=metrics.record_circuit_transition)

    breaker.admit()
    breaker.failed(trial=False)

    assert _value("visa_circuit_breaker_state", breaker="llm-listener") == 2
    assert _value("visa_circuit_breaker_transitions_total", breaker="llm-listener",
                  from_state="closed", to_state="open") == 1


def test_a_failed_llm_call_is_timed_as_an_error_and_the_error_propagates():
    before = _value("visa_llm_call_duration_seconds_count", model="m-test", outcome="error")

    with pytest.raises(TimeoutError), metrics.timed_llm_call("m-test"):
        raise TimeoutError("vendor took too long")

    assert _value("visa_llm_call_duration_seconds_count", model="m-test",
                  outcome="error") == before + 1


def test_llm_usage_adds_tokens_by_direction_and_cost():
    metrics.record_llm_usage("m-usage", input_tokens=1200, output_tokens=300, cost_usd=0.0081,
                             cache_read_tokens=4000, cache_write_tokens=50)

    assert _value("visa_llm_tokens_total", model="m-usage", direction="input") == 1200
    assert _value("visa_llm_tokens_total", model="m-usage", direction="output") == 300
    assert _value("visa_llm_tokens_total", model="m-usage", direction="cache_read") == 4000
    assert _value("visa_llm_tokens_total", model="m-usage", direction="cache_write") == 50
    assert _value("visa_llm_cost_usd_total", model="m-usage") == pytest.approx(0.0081)


def test_seconds_since_is_never_negative_for_a_timestamp_in_the_future():
    assert metrics.seconds_since("2999-01-01T00:00:00+00:00") == 0.0
    assert metrics.seconds_since("2020-01-01T00:00:00+00:00") > 0


_WORKER = """
from shared.metrics import HTTP_REQUEST_SECONDS, RATE_LIMIT_REJECTIONS
for _ in range({n}):
    HTTP_REQUEST_SECONDS.labels("command-service", "GET", "/healthz", "200").observe(0.01)
RATE_LIMIT_REJECTIONS.labels("per-attorney").inc({n})
"""


def test_the_metrics_of_several_worker_processes_are_added_together(tmp_path):
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": ""}
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", _WORKER.format(n=n)], env=env, check=True,
                       cwd=metrics.__file__.rsplit("/shared/", 1)[0])

    render = ("import os; from shared.metrics import exposition; "
              "print(exposition()[0].decode())")
    text = subprocess.run([sys.executable, "-c", render], env=env, check=True, text=True,
                          capture_output=True,
                          cwd=metrics.__file__.rsplit("/shared/", 1)[0]).stdout

    assert ('visa_http_request_duration_seconds_count{method="GET",route="/healthz",'
            'service="command-service",status="200"} 7.0') in text
    assert 'visa_rate_limit_rejections_total{limit="per-attorney"} 7.0' in text
