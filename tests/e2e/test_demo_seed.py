"""`visa demo seed` loads firms with client histories that the product then serves."""

from __future__ import annotations

import json

from tests.support.api import Api
from tests.support.processes import VISA, Process, free_port, run_visa, visa_env, wait_for_http
from tests.support.processes import wait_until


def serve(env: dict, log_dir) -> tuple[Process, Api]:
    port = free_port()
    server = Process(f"serve-{port}", [*VISA, "serve", "--port", str(port)], env, log_dir)
    wait_for_http(f"http://127.0.0.1:{port}/healthz")
    return server, Api(f"http://127.0.0.1:{port}")


def all_clients(api: Api) -> list[dict]:
    clients, cursor = [], None
    while True:
        page = api.get("/v1/clients", limit=100, **({"cursor": cursor} if cursor else {})).json()
        clients += page["data"]
        cursor = page["pagination"]["next_cursor"]
        if not cursor:
            return clients


def test_seeded_firms_serve_their_own_client_histories_and_checks(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")
    seeded = run_visa(env, "demo", "seed", "--firms", "2", "--clients", "12",
                      "--password", "demo-password-1")
    summary = json.loads(seeded.stdout)
    server, api = serve(env, tmp_path)
    try:
        first, second = (api.login(f["admin_email"], "demo-password-1") for f in summary["firms"])
        clients = wait_until(lambda: len(all_clients(first)) == 12 and all_clients(first),
                             timeout=30, what="12 seeded clients projected")
        other = all_clients(second)
        checks = [c for c in clients if c["latest_check_id"]]
        check = first.get(f"/v1/eligibility-checks/{checks[0]['latest_check_id']}").json()
    finally:
        server.stop()

    assert seeded.returncode == 0 and summary["clients"] == 24
    assert summary["events"] >= 24 * 3
    assert {c["id"] for c in clients}.isdisjoint({c["id"] for c in other})
    assert max(c["version"] for c in clients) >= 3
    assert len({(c["first_name"], c["last_name"]) for c in clients}) > 1
    assert check["status"] == "completed" and check["recommendations"]


def test_seed_refuses_a_non_positive_client_count(tmp_path):
    result = run_visa(visa_env(VISA_DATA_DIR=tmp_path / "data"), "demo", "seed", "--clients", "0")

    assert result.returncode == 2 and "positive whole number" in result.stderr


def test_first_run_gives_the_demo_firm_clients_to_explore(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")
    server, api = serve(env, tmp_path)
    try:
        credentials = (tmp_path / "data" / "demo-credentials.txt").read_text()
        admin = api.login("admin@demo.example", credentials.split("with password ")[1].split()[0])
        clients = wait_until(lambda: len(all_clients(admin)) == 40 and all_clients(admin),
                             timeout=30, what="40 demo clients projected")
    finally:
        server.stop()

    assert all(c["created_by"] for c in clients)
    assert any(c["latest_check_id"] for c in clients)
