"""The suite starts containers only when a Docker engine answers, and finds out without hanging."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest

from tests.support.infrastructure import choose_infrastructure, docker_engine_reachable

ENGINE_OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"
ENGINE_FAILING = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"


@contextmanager
def fake_engine(listener: socket.socket, answer: bytes | None):
    """Serve /_ping on listener with answer (None: accept, then stay silent)."""
    listener.listen()
    connections = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            connections.append(conn)
            conn.recv(1024)
            if answer is not None:
                conn.sendall(answer)
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        listener.close()
        for conn in connections:
            conn.close()


@pytest.fixture
def unix_listener(tmp_path):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = tmp_path / "docker.sock"
    listener.bind(str(path))
    return listener, str(path)


def test_an_engine_answering_its_ping_on_docker_host_is_reachable(unix_listener):
    listener, path = unix_listener

    with fake_engine(listener, ENGINE_OK):
        assert docker_engine_reachable({"DOCKER_HOST": f"unix://{path}"}, default_sockets=())


def test_an_engine_on_a_default_socket_is_found_without_docker_host(unix_listener):
    listener, path = unix_listener

    with fake_engine(listener, ENGINE_OK):
        assert docker_engine_reachable({}, default_sockets=("/nonexistent/docker.sock", path))


def test_an_engine_over_tcp_is_reachable():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    with fake_engine(listener, ENGINE_OK):
        assert docker_engine_reachable({"DOCKER_HOST": f"tcp://127.0.0.1:{port}"})


def test_no_socket_means_no_engine_although_the_docker_client_is_installed(tmp_path):
    assert not docker_engine_reachable({}, default_sockets=(str(tmp_path / "docker.sock"),))
    assert not docker_engine_reachable({"DOCKER_HOST": f"unix://{tmp_path}/docker.sock"})


def test_an_engine_that_answers_with_an_error_is_not_used(unix_listener):
    listener, path = unix_listener

    with fake_engine(listener, ENGINE_FAILING):
        assert not docker_engine_reachable({"DOCKER_HOST": f"unix://{path}"})


def test_a_silent_socket_is_given_up_on_after_the_timeout_instead_of_hanging(unix_listener):
    listener, path = unix_listener

    with fake_engine(listener, None):
        started = time.monotonic()
        reachable = docker_engine_reachable({"DOCKER_HOST": f"unix://{path}"}, timeout=0.2)
        waited = time.monotonic() - started

    assert not reachable
    assert waited < 5


def test_remote_engines_over_ssh_are_not_used():
    assert not docker_engine_reachable({"DOCKER_HOST": "ssh://builder@example.test"})


@pytest.mark.parametrize("wanted, engine, chosen", [
    (None, True, "containers"),
    (None, False, "local"),
    ("auto", True, "containers"),
    ("local", True, "local"),
    ("containers", True, "containers"),
])
def test_the_suite_uses_containers_only_where_an_engine_answers(wanted, engine, chosen):
    environ = {"VISA_TEST_INFRASTRUCTURE": wanted} if wanted else {}

    assert choose_infrastructure(environ, lambda _: engine) == chosen


def test_requiring_containers_without_an_engine_fails_clearly():
    with pytest.raises(RuntimeError, match="no Docker engine answers"):
        choose_infrastructure({"VISA_TEST_INFRASTRUCTURE": "containers"}, lambda _: False)


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="auto, local or containers"):
        choose_infrastructure({"VISA_TEST_INFRASTRUCTURE": "docker"}, lambda _: True)
