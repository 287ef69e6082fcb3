"""The operator's view: the `visa` CLI and the embedded product's lifecycle."""

from __future__ import annotations

import json
import re
import signal
import subprocess

from tests.conftest import create_firm
from tests.support.api import Api
from tests.support.processes import VISA, REPO, Process, free_port, run_visa, visa_env, wait_for_http
from tests.support.profiles import researcher_profile


def start_server(env: dict, log_dir) -> tuple[Process, Api]:
    port = free_port()
    server = Process(f"serve-{port}", [*VISA, "serve", "--port", str(port)], env, log_dir)
    wait_for_http(f"http://127.0.0.1:{port}/healthz")
    return server, Api(f"http://127.0.0.1:{port}")


def test_visa_check_prints_the_recommendations_offline_from_a_file_and_stdin(tmp_path):
    profile_file = tmp_path / "profile.json"
    profile_file.write_text(json.dumps(researcher_profile()))
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")

    from_file = run_visa(env, "check", str(profile_file))
    from_stdin = subprocess.run([*VISA, "check", "-"], input=profile_file.read_text(), env=env,
                                cwd=REPO, capture_output=True, text=True, timeout=60)

    assert from_file.returncode == 0, from_file.stderr
    assert json.loads(from_file.stdout) == json.loads(from_stdin.stdout)
    types = [r["visa_type"] for r in json.loads(from_file.stdout)["recommendations"]]
    assert {"O-1A", "EB-1A", "EB-2 NIW", "H-1B", "TN", "L-1A"} <= set(types)


def test_visa_check_rejects_an_invalid_profile_with_field_messages(tmp_path):
    profile_file = tmp_path / "bad.json"
    profile_file.write_text(json.dumps({"first_name": "A", "highest_degree": "phd"}))

    result = run_visa(visa_env(VISA_DATA_DIR=tmp_path), "check", str(profile_file))

    assert result.returncode == 1
    details = json.loads(result.stderr)["details"]
    assert "last_name" in details and "highest_degree" in details


def test_attorney_create_refuses_an_unknown_firm_with_a_clear_message(tmp_path):
    result = run_visa(visa_env(VISA_DATA_DIR=tmp_path), "attorney", "create", "--firm",
                      "00000000-0000-0000-0000-000000000000", "--email", "x@y.test",
                      "--password", "long-enough-1")

    assert result.returncode == 1 and "no firm" in result.stderr


def test_attorney_create_refuses_a_weak_password_or_hands_out_an_invite_link(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path)
    firm = json.loads(run_visa(env, "firm", "create", "Policy Firm").stdout)["id"]

    weak = run_visa(env, "attorney", "create", "--firm", firm, "--email", "w@y.test",
                    "--password", "12345678")
    invited = run_visa(env, "attorney", "create", "--firm", firm, "--email", "i@y.test")

    assert weak.returncode == 1 and "common password" in weak.stderr
    assert invited.returncode == 0
    invite_path = json.loads(invited.stdout)["invite_path"]
    assert re.fullmatch(r"/set-password#token=[\w-]{43}", invite_path)


def test_embedded_product_stops_cleanly_on_ctrl_c_and_keeps_its_data(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")
    firm = create_firm(env, "Persistent Firm")
    server, api = start_server(env, tmp_path)
    attorney = api.login(firm.attorney_email, firm.password)
    client = attorney.post("/v1/clients", json=researcher_profile()).json()
    check = attorney.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    attorney.wait_for_check(check["status_url"])

    server.popen.send_signal(signal.SIGINT)
    exit_code = server.popen.wait(timeout=15)
    restarted, api_again = start_server(env, tmp_path)
    try:
        attorney_again = api_again.login(firm.attorney_email, firm.password)
        listing = attorney_again.get("/v1/clients").json()
        stored_check = attorney_again.get(check["status_url"]).json()
    finally:
        restarted.stop()

    assert exit_code == 0 and "Stopped." in server.output()
    assert [c["id"] for c in listing["data"]] == [client["id"]]
    assert stored_check["status"] == "completed"
    # The console speaks to a person: one short line per request and per check, no JSON.
    lines = server.output().splitlines()
    assert not [line for line in lines if line.lstrip().startswith("{")]
    assert [line for line in lines if re.fullmatch(r"\d\d:\d\d:\d\d POST /v1/clients 201 \(\d+ ms\)",
                                                   line)]
    assert [line for line in lines if re.fullmatch(
        rf"\d\d:\d\d:\d\d check {check['check_id']} completed in [\d.]+ s", line)]


def test_first_run_creates_a_demo_firm_whose_admin_can_sign_in(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data")
    server, api = start_server(env, tmp_path)
    try:
        credentials = (tmp_path / "data" / "demo-credentials.txt").read_text()
        password = credentials.split("with password ")[1].split()[0]
        login = api.login("admin@demo.example", password)
    finally:
        server.stop()

    assert login.token and "admin@demo.example" in server.output()
    # Seeding shows one progress bar (written once, finished, when not on a terminal), not a
    # line per event; the log format switches back to JSON on demand.
    lines = server.output().splitlines()
    assert re.match(r"Creating the demo firm's clients .* 40/40", lines[0])
    assert len([line for line in lines if line.strip()]) < 12, lines


def test_visa_log_format_and_level_switch_the_embedded_consoles_lines(tmp_path):
    env = visa_env(VISA_DATA_DIR=tmp_path / "data", VISA_LOG_FORMAT="json", VISA_LOG_LEVEL="INFO")
    create_firm(env, "Json Firm")
    server, api = start_server(env, tmp_path)
    try:
        assert api.get("/v1/clients").status_code == 401
    finally:
        server.stop()

    entries = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    assert {"route": "/v1/clients", "status": 401} in [
        {k: e.get(k) for k in ("route", "status")} for e in entries]
