"""Configuration comes from environment variables and bad values stop start-up clearly."""

from __future__ import annotations

import pytest

from shared.config import ConfigurationError, load_settings


@pytest.fixture
def base(tmp_path) -> dict:
    return {"VISA_DATA_DIR": str(tmp_path)}


@pytest.mark.parametrize("name, value, expected", [
    ("VISA_LOG_LEVEL", "chatty", "VISA_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR"),
    ("VISA_KAFKA_BOOTSTRAP_SERVERS", "kafka", "VISA_KAFKA_BOOTSTRAP_SERVERS must be host:port"),
    ("VISA_HEALTH_PORT", "70000", "VISA_HEALTH_PORT must be a port number"),
    ("VISA_STUCK_CHECK_SECONDS", "-5", "VISA_STUCK_CHECK_SECONDS must be positive"),
    ("VISA_KAFKA_MAX_POLL_INTERVAL_MS", "soon", "VISA_KAFKA_MAX_POLL_INTERVAL_MS must be a whole"),
    ("VISA_DATABASE_URL", "mysql://db/visa", "VISA_DATABASE_URL must be a postgresql:// URL"),
    ("VISA_KEY_STORE", "hsm", "VISA_KEY_STORE must be one of database, vault"),
    ("VISA_KEY_STORE", "vault", "VISA_KEY_STORE=vault needs VISA_VAULT_ADDR and VISA_VAULT_TOKEN"),
])
def test_a_bad_value_is_refused_with_a_message_naming_the_variable(base, name, value, expected):
    with pytest.raises(ConfigurationError) as refused:
        load_settings({**base, name: value})

    assert str(refused.value).startswith(expected)


def test_a_refused_database_url_does_not_echo_its_password(base):
    with pytest.raises(ConfigurationError) as refused:
        load_settings({**base, "VISA_DATABASE_URL": "mysql://app:s3cret@db/visa"})

    assert "s3cret" not in str(refused.value)


def test_a_distributed_deployment_must_set_the_signing_key(base):
    with pytest.raises(ConfigurationError, match="VISA_JWT_SECRET is required"):
        load_settings({**base, "VISA_DATABASE_URL": "postgresql://db/visa"})


def test_operations_settings_have_documented_defaults(base):
    settings = load_settings(base)

    assert (settings.log_level, settings.health_host, settings.health_port,
            settings.stuck_check_seconds) == ("INFO", "127.0.0.1", 9400, 300)


def test_operations_settings_are_read_from_the_environment(base):
    settings = load_settings({**base, "VISA_LOG_LEVEL": "debug", "VISA_HEALTH_HOST": "0.0.0.0",
                              "VISA_HEALTH_PORT": "9100", "VISA_STUCK_CHECK_SECONDS": "60",
                              "VISA_KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092"})

    assert (settings.log_level, settings.health_host, settings.health_port,
            settings.stuck_check_seconds) == ("DEBUG", "0.0.0.0", 9100, 60)
    assert settings.kafka_bootstrap_servers == "k1:9092,k2:9092"
