"""The engine process on PostgreSQL and Kafka with the LLM at the fake Messages API: checks
conclude from the rules, analyses follow, 32 at once, and a dead engine's analysis is taken
over once its lease lapses."""

from __future__ import annotations

import base64
import os
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import GENEROUS_LIMITS, RunningProduct, create_firm
from tests.support.databases import fresh_database
from tests.fakes.fake_messages_api import FakeMessagesAPI
from tests.support.api import Api
from tests.support.processes import (
    VISA,
    Process,
    free_port,
    kafka_broker,
    run_visa,
    visa_env,
    wait_for_http,
    wait_until,
)
from tests.support.profiles import researcher_profile


@pytest.fixture(scope="module")
def fake_llm():
    api = FakeMessagesAPI(default="slow", slow_seconds=5).start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def own_database():
    """A database of its own: a relay sharing the session's database would publish these
    firms' events to the other deployment's topic, whose engine would answer them first."""
    with fresh_database("visa_test_llm") as url:
        yield url


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory):
    """A broker of its own: consumer groups are named per service, not per deployment."""
    with kafka_broker(tmp_path_factory.mktemp("llm-broker")) as bootstrap:
        yield bootstrap


@pytest.fixture(scope="module")
def with_llm(tmp_path_factory, own_database, own_broker, fake_llm):
    log_dir = tmp_path_factory.mktemp("llm-distributed-logs")
    env = visa_env(VISA_DATABASE_URL=own_database, VISA_KAFKA_BOOTSTRAP_SERVERS=own_broker,
                   VISA_KAFKA_TOPIC=f"visa.events.{uuid.uuid4().hex[:8]}",
                   VISA_KAFKA_MAX_POLL_INTERVAL_MS=5000,
                   VISA_JWT_SECRET=secrets.token_urlsafe(32), VISA_DATA_DIR=log_dir,
                   VISA_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(), **GENEROUS_LIMITS,
                   ANTHROPIC_API_KEY="test-key", ANTHROPIC_BASE_URL=fake_llm.base_url,
                   # Generous deadlines: the machine runs other suites in parallel, and
                   # this test is about concurrency and recovery, not about the deadline.
                   VISA_LLM_CALL_TIMEOUT_SECONDS=15, VISA_LLM_DEADLINE_SECONDS=20,
                   # A dead engine's check is taken over once its lease goes unrenewed for
                   # 3 s, long before the stuck-check limit; live checks renew theirs.
                   VISA_CHECK_LEASE_SECONDS=3, VISA_STUCK_CHECK_SECONDS=600)
    assert run_visa(env, "migrate").returncode == 0
    firm = create_firm(env, "LLM Firm")
    command_port, query_port = free_port(), free_port()
    processes = {
        "command": Process("command-service", [*VISA, "command-service", "--port",
                                               str(command_port), "--workers", "2"], env, log_dir),
        "query": Process("query-service", [*VISA, "query-service", "--port", str(query_port),
                                           "--workers", "2"], env, log_dir),
    }
    for worker in ("relay", "engine", "projector"):
        processes[worker] = Process(worker, [*VISA, worker, "--health-port", str(free_port())],
                                    env, log_dir)
    try:
        wait_for_http(f"http://127.0.0.1:{command_port}/healthz")
        wait_for_http(f"http://127.0.0.1:{query_port}/healthz")
        yield RunningProduct(env, Api(f"http://127.0.0.1:{command_port}",
                                      f"http://127.0.0.1:{query_port}"), firm, firm, processes,
                             {})
    finally:
        for process in processes.values():
            process.stop()


def test_one_engine_process_keeps_32_llm_calls_in_flight_and_concludes_each_check(with_llm,
                                                                                   fake_llm):
    api = with_llm.as_attorney(with_llm.firm_a)
    clients = [api.post("/v1/clients", json=researcher_profile(judging_count=n)).json()["id"]
               for n in range(40)]

    fake_llm.gate.clear()  # every answer waits until 32 calls are in flight
    with ThreadPoolExecutor(max_workers=8) as pool:
        checks = list(pool.map(
            lambda c: api.post(f"/v1/clients/{c}/eligibility-checks").json(), clients))
    results = [api.wait_for_check(c["status_url"], timeout=90) for c in checks]
    wait_until(lambda: fake_llm.in_flight >= 32, 90, what="32 analyses in flight")
    fake_llm.gate.set()
    analysed = [analysis_of(api, c["status_url"]) for c in checks]

    assert {r["status"] for r in results} == {"completed"}
    assert {r["analysis_mode"] for r in analysed} == {"llm_and_rules"}
    assert fake_llm.max_in_flight >= 32
    assert len({r["check_id"] for r in analysed}) == 40


def analysis_of(api, status_url: str, timeout: float = 90) -> dict:
    """Wait until the check's analysis is recorded (ready or failed); return the check."""
    return wait_until(lambda: (lambda c: c if c.get("analysis", {}).get("status")
                               not in (None, "pending") else None)(api.get(status_url).json()),
                      timeout, interval=0.2, what="the analysis")


def test_an_analysis_an_engine_that_died_left_is_taken_over_once_its_lease_lapses(with_llm,
                                                                                  fake_llm):
    api = with_llm.as_attorney(with_llm.firm_a)
    fake_llm.slow_seconds = 30
    client = api.post("/v1/clients", json=researcher_profile()).json()
    calls = fake_llm.request_count()
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    wait_until(lambda: fake_llm.request_count() > calls, 30, what="the LLM call")

    with_llm.processes["engine"].kill()
    fake_llm.slow_seconds = 0.1
    with_llm.processes["engine"] = Process(
        "engine", [*VISA, "engine", "--health-port", str(free_port())], with_llm.env,
        with_llm.processes["engine"].log_path.parent)
    # Well under the 600 s stuck-check limit: only the lapsed lease can bring it back.
    result = analysis_of(api, check["status_url"])

    assert result["status"] == "completed"
    assert result["analysis_mode"] == "llm_and_rules"
    assert result["analysis"]["status"] == "ready"
