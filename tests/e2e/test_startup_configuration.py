"""Processes refuse to start on missing or bad configuration, saying what to fix."""

from __future__ import annotations

import pytest

from tests.support.processes import run_visa, visa_env


@pytest.mark.parametrize("command", ["relay", "engine", "projector"])
def test_a_worker_without_the_distributed_settings_says_which_are_missing(tmp_path, command):
    result = run_visa(visa_env(VISA_DATA_DIR=tmp_path), command)

    assert result.returncode == 2
    assert ("configuration error: this process needs VISA_DATABASE_URL and "
            "VISA_KAFKA_BOOTSTRAP_SERVERS") in result.stderr


def test_a_bad_log_level_stops_any_command_before_it_starts(tmp_path):
    result = run_visa(visa_env(VISA_DATA_DIR=tmp_path, VISA_LOG_LEVEL="loud"), "migrate")

    assert result.returncode == 2
    assert "VISA_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR" in result.stderr


def test_a_worker_whose_health_port_is_taken_says_so(distributed):
    taken = distributed.ops_urls["engine"].rsplit(":", 1)[1]

    result = run_visa(distributed.env, "projector", "--health-port", taken)

    assert result.returncode == 2
    assert f"cannot serve health and metrics on 127.0.0.1:{taken}" in result.stderr
