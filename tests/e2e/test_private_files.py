"""The data directory and every file in it are readable by the product's account only."""

from __future__ import annotations

import os
import stat

from tests.support.processes import run_visa, visa_env


def _loose(data_dir) -> list[str]:
    """Every path under data_dir that its group or others may read, write or enter."""
    found = []
    for folder, _dirs, files in os.walk(data_dir):
        for path in [folder, *(os.path.join(folder, name) for name in files)]:
            if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                found.append(f"{oct(stat.S_IMODE(os.stat(path).st_mode))} {path}")
    return found


def test_a_data_directory_left_open_by_an_older_release_is_made_private(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    (data_dir / "old-notes.txt").write_text("left by an older release")
    os.chmod(data_dir, 0o755)
    os.chmod(data_dir / "old-notes.txt", 0o644)

    created = run_visa(visa_env(VISA_DATA_DIR=data_dir), "firm", "create", "Private LLP")

    assert created.returncode == 0, created.stderr
    assert len(list(data_dir.rglob("*.sqlite"))) >= 3
    assert _loose(data_dir) == []


def test_the_running_embedded_product_creates_only_private_files(embedded):
    api = embedded.as_attorney(embedded.firm_a)
    api.post("/v1/clients", json={"first_name": "Priv", "last_name": "Files"})

    assert _loose(embedded.env["VISA_DATA_DIR"]) == []
