"""Operating the distributed deployment: health, metrics, correlated logs, clean stops."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest
import requests

from tests.support.processes import VISA, Process, wait_for_http, wait_until
from tests.support.profiles import researcher_profile

WORKERS = ("relay", "engine", "projector")


def _metrics(url: str, data_dir=None) -> str:
    """Scrape /metrics; an embedded API wants the token its data directory keeps."""
    token = (Path(data_dir) / "metrics-token").read_text().strip() if data_dir else None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{url}/metrics", headers=headers, timeout=5).text


def _logs(product, *names: str) -> dict[str, str]:
    return {name: product.processes[name].output() for name in names}


def test_every_process_is_alive_and_ready_with_the_probes_it_needs(distributed):
    expected = {"command": {"database"}, "query": {"database"},
                "relay": {"database", "broker"},
                "engine": {"database", "broker", "consumer_group"},
                "projector": {"database", "broker", "consumer_group"}}

    answers = {name: (requests.get(f"{url}/healthz", timeout=5),
                      requests.get(f"{url}/readyz", timeout=10))
               for name, url in distributed.ops_urls.items()}

    for name, (alive, ready) in answers.items():
        assert alive.status_code == 200, name
        assert ready.status_code == 200, (name, ready.text)
        assert ready.json()["checks"] == {probe: "ok" for probe in expected[name]}


def test_a_check_can_be_followed_by_its_correlation_id_through_every_process(distributed):
    api = distributed.as_attorney(distributed.firm_a)
    client = api.post("/v1/clients", json=researcher_profile()).json()
    correlation_id = f"trail-{uuid.uuid4()}"

    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks",
                     headers={"X-Correlation-ID": correlation_id})
    api.wait_for_check(check.json()["status_url"], timeout=60)

    def trail():
        logs = _logs(distributed, "command", "relay", "engine", "projector")
        return logs if all(correlation_id in text for text in logs.values()) else None
    logs = wait_until(trail, timeout=20, what="the correlation id in every log")
    assert check.headers["X-Correlation-ID"] == correlation_id
    engine_lines = [line for line in logs["engine"].splitlines() if correlation_id in line]
    assert any("started" in line for line in engine_lines)
    assert any("completed in" in line for line in engine_lines)
    projector_lines = [line for line in logs["projector"].splitlines() if correlation_id in line]
    assert any("applied RecommendationsProduced" in line for line in projector_lines)


def test_every_log_line_of_every_process_is_a_json_object(distributed):
    logs = _logs(distributed, "command", "query", "relay", "engine", "projector")

    for name, text in logs.items():
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines, name
        for line in lines:
            entry = json.loads(line)
            assert {"time", "level", "service", "message"} <= set(entry), (name, line)


def test_no_client_personal_data_reaches_any_log(distributed):
    tag = uuid.uuid4().hex[:10]
    personal = {"first_name": f"Zebulon{tag}", "last_name": f"Quist{tag}",
                "email": f"zq.{tag}@private.example", "phone": "+1 415 555 0199",
                "current_employer": f"Hidden Employer {tag}"}
    api = distributed.as_attorney(distributed.firm_a)
    client = api.post("/v1/clients", json=researcher_profile(**personal)).json()
    api.patch(f"/v1/clients/{client['id']}", json={"last_name": f"Renamed{tag}"})
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    api.wait_for_check(check["status_url"], timeout=60)
    api.wait_for_client(client["id"], version=2)

    logs = _logs(distributed, "command", "query", "relay", "engine", "projector")

    for name, text in logs.items():
        for value in (*personal.values(), f"Renamed{tag}", "415 555 0199"):
            assert value not in text, f"{value!r} found in the {name} log"


def test_each_process_exposes_the_metrics_the_dashboard_and_alerts_use(distributed):
    api = distributed.as_attorney(distributed.firm_b)
    client = api.post("/v1/clients", json=researcher_profile()).json()
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    api.wait_for_check(check["status_url"], timeout=60)
    urls = distributed.ops_urls

    command = _metrics(urls["command"])
    query = _metrics(urls["query"])
    relay = _metrics(urls["relay"])
    engine = wait_until(lambda: (text := _metrics(urls["engine"]))
                        and 'visa_kafka_consumer_lag_messages{group="visa-engine"}' in text
                        and text, timeout=20, what="the engine's lag measurement")
    projector = _metrics(urls["projector"])

    assert ('visa_http_request_duration_seconds_count{method="POST",'
            'route="/v1/clients/<client_id>/eligibility-checks",service="command-service",'
            'status="202"}') in command
    assert 'visa_events_appended_total{event_type="EligibilityCheckRequested"}' in command
    assert 'visa_checks_total{status="requested"}' in command
    assert 'route="/v1/eligibility-checks/<check_id>",service="query-service"' in query
    assert 'visa_events_published_total{event_type="CheckRequested"}' in relay
    assert "visa_outbox_backlog_events " in relay
    assert "visa_outbox_oldest_event_age_seconds " in relay
    assert 'visa_checks_total{status="completed"}' in engine
    assert 'visa_check_duration_seconds_count{outcome="completed"}' in engine
    assert "visa_checks_in_processing 0.0" in engine
    assert 'visa_event_lag_seconds{consumer="projector"}' in projector
    assert 'visa_events_consumed_total{consumer="projector",event_type="CheckRequested"}' in projector


@pytest.mark.parametrize("worker", WORKERS)
def test_a_stopped_worker_loses_no_check_and_its_restart_completes_it(distributed, worker):
    api = distributed.as_attorney(distributed.firm_a)
    client = api.post("/v1/clients", json=researcher_profile()).json()
    api.wait_for_client(client["id"])
    process = distributed.processes[worker]

    exit_code = process.stop(timeout=20)
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    waiting = api.get(check["status_url"])
    port = distributed.ops_urls[worker].rsplit(":", 1)[1]
    distributed.processes[worker] = Process(
        worker, [*VISA, worker, "--health-port", port], distributed.env, process.log_path.parent)
    result = api.wait_for_check(check["status_url"], timeout=60)

    assert exit_code == 0
    assert f"{worker} stopped" in process.output()
    assert waiting.status_code == 404 or waiting.json()["status"] == "pending"
    assert result["status"] == "completed"


@pytest.mark.parametrize("worker", ["relay", "projector"])
def test_sigterm_stops_a_worker_cleanly(distributed, tmp_path, worker):
    from tests.support.processes import free_port

    port = free_port()
    extra = Process(f"extra-{worker}", [*VISA, worker, "--health-port", str(port)],
                    distributed.env, tmp_path)
    wait_for_http(f"http://127.0.0.1:{port}/healthz")

    exit_code = extra.stop(timeout=20)

    assert exit_code == 0
    assert f"{worker} stopped" in extra.output()


@pytest.mark.parametrize("service", ["command-service", "query-service"])
def test_sigterm_stops_a_web_service_cleanly(distributed, tmp_path, service):
    from tests.support.processes import free_port

    port = free_port()
    extra = Process(f"extra-{service}", [*VISA, service, "--port", str(port), "--workers", "2"],
                    distributed.env, tmp_path)
    wait_for_http(f"http://127.0.0.1:{port}/healthz")

    exit_code = extra.stop(timeout=25)

    assert exit_code == 0
    assert "Shutting down: Master" in extra.output()


def test_gunicorn_workers_metrics_are_added_up_on_one_scrape(distributed, tmp_path):
    from tests.support.processes import free_port

    port = free_port()
    service = Process("query-two-workers", [*VISA, "query-service", "--port", str(port),
                                            "--workers", "2"], distributed.env, tmp_path)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz")
        for _ in range(30):
            requests.get(f"http://127.0.0.1:{port}/v1/clients", timeout=5)

        text = _metrics(f"http://127.0.0.1:{port}")
    finally:
        service.stop()

    assert ('visa_http_request_duration_seconds_count{method="GET",route="/v1/clients",'
            'service="query-service",status="401"} 30.0') in text


def test_the_embedded_default_offers_readiness_metrics_and_correlated_logs_too(embedded):
    api = embedded.as_attorney(embedded.firm_a)
    client = api.post("/v1/clients", json=researcher_profile()).json()
    correlation_id = f"embedded-{uuid.uuid4()}"
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks",
                     headers={"X-Correlation-ID": correlation_id}).json()
    api.wait_for_check(check["status_url"], timeout=60)
    url = embedded.api.query_url

    ready = requests.get(f"{url}/readyz", timeout=5)
    anonymous = requests.get(f"{url}/metrics", timeout=5)
    metrics = _metrics(url, embedded.env["VISA_DATA_DIR"])
    lines = wait_until(lambda: [line for line in embedded.processes["serve"].output().splitlines()
                                if correlation_id in line
                                and "projector applied RecommendationsProduced" in line],
                       timeout=20, what="the projector's line")

    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok"}
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "unauthorized"
    assert 'visa_checks_total{status="completed"}' in metrics
    assert 'visa_events_consumed_total{consumer="projector",event_type="CheckRequested"}' in metrics
    assert len(lines) == 1


def test_a_worker_stops_promptly_on_sigterm_even_when_the_broker_is_gone(distributed, tmp_path):
    from tests.support.processes import free_port, kafka_broker

    port = free_port()
    with kafka_broker(tmp_path) as bootstrap:
        env = {**distributed.env, "VISA_KAFKA_BOOTSTRAP_SERVERS": bootstrap}
        worker = Process("orphan-engine", [*VISA, "engine", "--health-port", str(port)], env,
                         tmp_path)
        wait_for_http(f"http://127.0.0.1:{port}/healthz")
        wait_until(lambda: "subscribing as group" in worker.output(), what="the engine subscribing")

    exit_code = worker.stop(timeout=20)

    assert exit_code == 0, worker.output()[-2000:]
    assert "engine stopped" in worker.output()


@pytest.mark.parametrize("header", ["two words", "x" * 500, "line\u2028break"])
def test_a_malformed_correlation_id_is_replaced_by_a_fresh_one(embedded, header):
    api = embedded.as_attorney(embedded.firm_a)

    response = api.post("/v1/clients", json=researcher_profile(),
                        headers={"X-Correlation-ID": header.encode("utf-8").decode("latin-1"),
                                 "X-Request-ID": header.encode("utf-8").decode("latin-1")})

    assert response.status_code == 201
    assert str(uuid.UUID(response.headers["X-Correlation-ID"])) == response.headers["X-Request-ID"]


def test_plain_gunicorn_serves_a_web_service_with_the_deploy_config(tmp_path):
    from tests.support.processes import REPO, free_port, visa_env

    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = visa_env(VISA_DATA_DIR=tmp_path / "data", PROMETHEUS_MULTIPROC_DIR=metrics_dir)
    service = Process("plain-gunicorn", [sys.executable, "-m", "gunicorn", "-c",
                                         str(REPO / "deploy" / "gunicorn.conf.py"), "--bind",
                                         f"127.0.0.1:{port}", "cli.wsgi:query_app()"],
                      env, tmp_path)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz")
        for _ in range(10):
            requests.get(f"http://127.0.0.1:{port}/v1/clients", timeout=5)
        text = _metrics(f"http://127.0.0.1:{port}", tmp_path / "data")
    finally:
        exit_code = service.stop()

    assert exit_code == 0
    assert ('visa_http_request_duration_seconds_count{method="GET",route="/v1/clients",'
            'service="query-service",status="401"} 10.0') in text
    assert any(metrics_dir.iterdir())
