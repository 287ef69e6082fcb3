"""Fixtures shared by the whole suite: PostgreSQL databases, the broker, the running product."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.api import Api
from tests.support.databases import fresh_database, use_postgres_server
from tests.support.infrastructure import broker_server, choose_infrastructure, postgres_server
from tests.support.scheduling import ModuleScheduling, slowest_first
from tests.support.processes import (
    REPO,
    VISA,
    Process,
    free_port,
    run_visa,
    visa_env,
    wait_for_http,
)

# The shared products serve every test; the limits themselves are tested on their own products.
GENEROUS_LIMITS = {"VISA_CHECK_LIMIT_PER_HOUR": "100000", "VISA_FIRM_REQUESTS_PER_MINUTE": "100000",
                   "VISA_LOGIN_MAX_FAILURES": "1000",
                   "VISA_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000"}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_collection_modifyitems(items):
    slowest_first(items)


def pytest_xdist_make_scheduler(config, log):
    """`make test`'s --dist loadscope: a module's tests share a worker (tests/support/scheduling.py)."""
    if config.getvalue("dist") == "loadscope":
        return ModuleScheduling(config, log)
    return None


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def infrastructure() -> str:
    """'containers' when a Docker engine answers (testcontainers), else 'local' (this machine)."""
    return choose_infrastructure()


@pytest.fixture(scope="session", autouse=True)
def postgres_for_tests(infrastructure):
    """Every fresh database of the session lives on this server (started when first needed)."""
    with ExitStack() as stack:
        if infrastructure == "containers":
            use_postgres_server(lambda: stack.enter_context(postgres_server(infrastructure)))
        yield


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def fresh_pg_url():
    """A PostgreSQL database of the test's own, for tests that replace whole tables."""
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def broker(infrastructure, tmp_path_factory):
    """A Kafka-protocol broker: Apache Kafka in a container, or a local Tansu process."""
    with broker_server(infrastructure, tmp_path_factory.mktemp("broker")) as bootstrap:
        yield bootstrap


@dataclass
class Firm:
    id: str
    admin_email: str
    attorney_email: str
    viewer_email: str
    password: str


def create_firm(env: dict, name: str) -> Firm:
    """Create a firm with one attorney of each role through the CLI's commands."""
    tag = uuid.uuid4().hex[:8]
    emails = (f"admin-{tag}@firm.test", f"attorney-{tag}@firm.test", f"viewer-{tag}@firm.test")
    password = "correct-horse-42"
    created = subprocess.run([sys.executable, "-m", "tests.support.firm_setup", name, password,
                              *emails], env=env, cwd=REPO, capture_output=True, text=True,
                             timeout=300)
    assert created.returncode == 0, created.stderr
    return Firm(json.loads(created.stdout.splitlines()[-1])["id"], *emails, password)


@dataclass
class RunningProduct:
    env: dict
    api: Api
    firm_a: Firm
    firm_b: Firm
    processes: dict
    ops_urls: dict = field(default_factory=dict)

    def as_attorney(self, firm: Firm, role: str = "attorney") -> Api:
        email = {"admin": firm.admin_email, "attorney": firm.attorney_email,
                 "viewer": firm.viewer_email}[role]
        return self.api.login(email, firm.password)


@contextmanager
def served_embedded(data_dir: Path, limits: dict, firm_names: tuple[str, str]):
    """Start `visa serve` as a user would, with two firms; stop it afterwards."""
    env = visa_env(VISA_DATA_DIR=data_dir, **limits)
    firm_a, firm_b = (create_firm(env, name) for name in firm_names)
    port = free_port()
    server = Process("embedded", [*VISA, "serve", "--port", str(port)], env, data_dir)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz")
        yield RunningProduct(env, Api(f"http://127.0.0.1:{port}"), firm_a, firm_b,
                             {"serve": server})
    finally:
        server.stop()


@pytest.fixture(scope="session")
def embedded(tmp_path_factory):
    """The embedded default, started as a user would: `visa serve`, logging as an operator who
    follows a check through it would have it (JSON lines at INFO, one per projected event)."""
    with served_embedded(tmp_path_factory.mktemp("embedded-data"),
                         {**GENEROUS_LIMITS, "VISA_LOG_FORMAT": "json", "VISA_LOG_LEVEL": "INFO"},
                         ("Firm A Immigration", "Firm B Law")) as product:
        yield product


@pytest.fixture(scope="session")
def distributed(tmp_path_factory, pg_url, broker):
    """The distributed deployment: every service a separate process on PostgreSQL and Kafka."""
    log_dir = tmp_path_factory.mktemp("distributed-logs")
    env = visa_env(VISA_DATABASE_URL=pg_url, VISA_KAFKA_BOOTSTRAP_SERVERS=broker,
                   VISA_KAFKA_TOPIC=f"visa.events.{uuid.uuid4().hex[:8]}",
                   VISA_KAFKA_MAX_POLL_INTERVAL_MS=5000,
                   VISA_JWT_SECRET=secrets.token_urlsafe(32), VISA_DATA_DIR=log_dir,
                   VISA_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(), **GENEROUS_LIMITS)
    assert run_visa(env, "migrate").returncode == 0
    firm_a, firm_b = create_firm(env, "Firm A Immigration"), create_firm(env, "Firm B Law")
    command_port, query_port = free_port(), free_port()
    ports = {"command": command_port, "query": query_port}
    # The query service serves the web app; its writes go cross-origin to the command service.
    env = {**env, "VISA_WEB_COMMAND_URL": f"http://127.0.0.1:{command_port}",
           "VISA_WEB_ORIGINS": f"http://127.0.0.1:{query_port}"}
    processes = {
        "command": Process("command-service", [*VISA, "command-service", "--port",
                                               str(command_port), "--workers", "1"], env, log_dir),
        "query": Process("query-service", [*VISA, "query-service", "--port", str(query_port),
                                           "--workers", "1"], env, log_dir),
    }
    for worker in ("relay", "engine", "projector"):
        ports[worker] = free_port()
        processes[worker] = Process(worker, [*VISA, worker, "--health-port", str(ports[worker])],
                                    env, log_dir)
    ops_urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        for url in ops_urls.values():
            wait_for_http(f"{url}/healthz")
        yield RunningProduct(env, Api(ops_urls["command"], ops_urls["query"]),
                             firm_a, firm_b, processes, ops_urls)
    finally:
        for process in processes.values():
            process.stop()


# Every test signs in from 127.0.0.1: the per-address limit is tested in process instead.
STRICT_LIMITS = {"VISA_CHECK_LIMIT_PER_HOUR": "2", "VISA_FIRM_REQUESTS_PER_MINUTE": "60",
                 "VISA_LOGIN_MAX_FAILURES": "3", "VISA_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000"}


@pytest.fixture(scope="session")
def strict_embedded(tmp_path_factory):
    """An embedded product with low rate limits and sign-in throttling."""
    with served_embedded(tmp_path_factory.mktemp("strict-embedded"), STRICT_LIMITS,
                         ("Strict Firm A", "Strict Firm B")) as product:
        yield product


@pytest.fixture(scope="session")
def strict_distributed(distributed, tmp_path_factory):
    """Extra command and query services with low limits, on the distributed deployment's data."""
    log_dir = tmp_path_factory.mktemp("strict-distributed")
    env = {**distributed.env, **STRICT_LIMITS}
    firm_a, firm_b = create_firm(env, "Strict Firm A"), create_firm(env, "Strict Firm B")
    command_port, query_port = free_port(), free_port()
    processes = {
        "command": Process("command-service", [*VISA, "command-service", "--port",
                                               str(command_port), "--workers", "2"], env, log_dir),
        "query": Process("query-service", [*VISA, "query-service", "--port", str(query_port),
                                           "--workers", "1"], env, log_dir),
    }
    try:
        wait_for_http(f"http://127.0.0.1:{command_port}/healthz")
        wait_for_http(f"http://127.0.0.1:{query_port}/healthz")
        yield RunningProduct(env, Api(f"http://127.0.0.1:{command_port}",
                                      f"http://127.0.0.1:{query_port}"),
                             firm_a, firm_b, processes)
    finally:
        for process in processes.values():
            process.stop()


@pytest.fixture(params=["embedded", "distributed"])
def strict_product(request):
    return request.getfixturevalue(f"strict_{request.param}")
