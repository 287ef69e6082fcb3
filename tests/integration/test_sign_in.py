"""Sign-in under concurrency: the throttle, bounded hashing, and emails in several firms.

The command API runs in process on a fresh deployment (SQLite or PostgreSQL); requests come
from threads with their own test clients and source addresses, as parallel callers would.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from command_service.api_bootstrap import command_app
from shared.auth import verify_password
from shared.password_hashing import BoundedHasher
from tests.integration.conftest import LOGIN_LIMIT as LIMIT
from tests.integration.conftest import PASSWORD


def _counting_verifications(app) -> list:
    """Count the passwords the app really checks (the real scrypt check, counted)."""
    checked = []

    def verify(password, stored):
        checked.append(password)
        return verify_password(password, stored)

    sign_in = app.extensions["sign_in"]
    sign_in.hasher = BoundedHasher(64, 64, verify_fn=verify)
    return checked


def _in_parallel(count: int, attempt) -> list:
    start = threading.Barrier(count)

    def run(i):
        start.wait()
        return attempt(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_thirty_parallel_wrong_passwords_evaluate_at_most_the_limit(command):
    checked = _counting_verifications(command.app)

    answers = _in_parallel(30, lambda i: command.login(command.admin_email, f"wrong-{i}",
                                                       address=f"10.1.0.{i}").status_code)

    assert answers.count(401) <= LIMIT and len(checked) <= LIMIT
    assert answers.count(401) + answers.count(429) == 30


def test_the_right_password_during_a_lockout_is_refused_and_keeps_the_count(command):
    for i in range(LIMIT):
        assert command.login(command.admin_email, f"wrong-{i}").status_code == 401
    checked = _counting_verifications(command.app)

    right = command.login(command.admin_email, PASSWORD)
    wrong_after = command.login(command.admin_email, "wrong-again")

    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert right.json["error"] == "too_many_failed_logins"
    assert wrong_after.status_code == 429 and checked == []


def test_failures_from_one_address_lock_that_address_across_emails(deployment):
    settings = replace(deployment.settings, login_max_failures=100,
                       login_max_failures_per_address=3)
    app = command_app(settings, deployment.stores)
    client = app.test_client()

    def login(address):
        return client.post("/v1/auth/login", json={"email": f"{uuid.uuid4().hex}@x.test",
                                                   "password": "wrong-password"},
                           environ_base={"REMOTE_ADDR": address}).status_code

    from_attacker = [login("10.9.9.9") for _ in range(5)]
    from_elsewhere = login("10.8.8.8")

    assert from_attacker == [401, 401, 401, 429, 429] and from_elsewhere == 401


def test_parallel_sign_ins_beyond_the_hashing_queue_get_503_with_retry_after(command):
    release, running, peak = threading.Event(), [], [0]
    lock = threading.Lock()

    def slow_verify(password, stored):
        with lock:
            running.append(1)
            peak[0] = max(peak[0], len(running))
        release.wait(30)
        with lock:
            running.pop()
        return False

    command.app.extensions["sign_in"].hasher = BoundedHasher(2, 3, verify_fn=slow_verify)
    with ThreadPoolExecutor(10) as pool:
        futures = [pool.submit(command.login, f"{i}@x.test", "wrong-password", f"10.2.0.{i}")
                   for i in range(10)]
        while sum(f.done() for f in futures) < 5:
            threading.Event().wait(0.01)
        release.set()
        answers = [f.result() for f in futures]

    refused = [a for a in answers if a.status_code == 503]
    assert peak[0] == 2 and len(refused) == 5
    assert all(a.json["error"] == "busy" and a.headers["Retry-After"] == "1" for a in refused)
    assert sorted(a.status_code for a in answers) == [401] * 5 + [503] * 5


def test_an_email_in_two_firms_signs_in_only_after_choosing_and_only_after_the_right_password(
        command):
    other_firm = command.deployment.new_firm()
    other_admin = f"admin-{uuid.uuid4().hex[:8]}@firm.test"
    command.deployment.directory.create_attorney(other_firm, other_admin, PASSWORD, "admin")
    shared = f"shared-{uuid.uuid4().hex[:8]}@firm.test"
    for admin in (command.admin_email, other_admin):
        assert command.set_password(command.invite(shared, firm_admin=admin)["invite_url"]) \
            .status_code == 200

    wrong = command.login(shared, "wrong-password")
    ambiguous = command.login(shared, PASSWORD)
    chosen = command.login(shared, PASSWORD, firm_id=other_firm)

    assert wrong.status_code == 401 and "firms" not in wrong.json["details"]
    assert ambiguous.status_code == 409 and ambiguous.json["error"] == "choose_firm"
    assert {f["id"] for f in ambiguous.json["details"]["firms"]} == {command.firm_id, other_firm}
    assert chosen.status_code == 200 and chosen.json["attorney"]["firm_id"] == other_firm


def test_inviting_an_email_another_firm_uses_reveals_nothing(command):
    other_firm = command.deployment.new_firm()
    taken = f"taken-{uuid.uuid4().hex[:8]}@firm.test"
    command.deployment.directory.create_attorney(other_firm, taken, PASSWORD, "attorney")
    admin = command.token(command.admin_email)

    invited = command.call("POST", "/v1/attorneys", admin, {"email": taken, "role": "viewer"})
    again = command.call("POST", "/v1/attorneys", admin, {"email": taken, "role": "viewer"})

    assert invited.status_code == 201 and invited.json["firm_id"] == command.firm_id
    assert again.status_code == 409 and other_firm not in again.get_data(as_text=True)
    assert "your firm already has" in again.json["message"].lower()


def test_a_burst_of_sign_ins_never_runs_more_scrypt_hashes_at_once_than_the_bound(
        command, monkeypatch):
    real_scrypt, lock, running, peak = hashlib.scrypt, threading.Lock(), [0], [0]

    def counted_scrypt(*args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            return real_scrypt(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(hashlib, "scrypt", counted_scrypt)
    parallel = command.app.extensions["sign_in"].hasher.parallel

    answers = _in_parallel(30, lambda i: command.login(f"nobody-{i}@x.test", "wrong-password",
                                                       address=f"10.3.0.{i}").status_code)

    assert set(answers) <= {401, 503} and answers.count(401) >= 1
    assert peak[0] <= parallel == 2
