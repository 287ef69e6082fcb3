"""Settings for the keys that protect tokens and client data."""

from __future__ import annotations

import base64
import os

import pytest

from shared.config import ConfigurationError, load_settings

PG = "postgresql://postgres@127.0.0.1:5432/visa"


def test_the_embedded_default_generates_a_master_key_once_and_keeps_it(tmp_path):
    first = load_settings({"VISA_DATA_DIR": str(tmp_path)})
    second = load_settings({"VISA_DATA_DIR": str(tmp_path)})

    assert len(first.master_key) == 32 and first.master_key == second.master_key
    assert (tmp_path / "master-key").stat().st_mode & 0o777 == 0o600


def test_a_distributed_deployment_must_configure_its_master_key(tmp_path):
    with pytest.raises(ConfigurationError, match="VISA_MASTER_KEY"):
        load_settings({"VISA_DATA_DIR": str(tmp_path), "VISA_DATABASE_URL": PG,
                       "VISA_JWT_SECRET": "s" * 48})


@pytest.mark.parametrize("raw", ["not base64!", base64.b64encode(os.urandom(16)).decode()],
                         ids=["not-base64", "16-bytes"])
def test_a_master_key_that_is_not_32_base64_bytes_is_refused(tmp_path, raw):
    with pytest.raises(ConfigurationError, match="VISA_MASTER_KEY"):
        load_settings({"VISA_DATA_DIR": str(tmp_path), "VISA_MASTER_KEY": raw})


def test_the_master_key_never_appears_in_the_settings_repr(tmp_path):
    key = base64.b64encode(os.urandom(32)).decode()

    settings = load_settings({"VISA_DATA_DIR": str(tmp_path), "VISA_MASTER_KEY": key})

    assert key not in repr(settings) and str(settings.master_key) not in repr(settings)
