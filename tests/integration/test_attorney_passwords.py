"""Attorneys set their own passwords from one-time links; every change ends older tokens."""

from __future__ import annotations

import base64
import re
import secrets
import uuid

import pytest

import contracts
from cli import bootstrap
from command_service.adapters.directory_events import DirectoryEvents
from event_store import FirmStores, close_shared_pools
from query_service.adapters.attorney_access import AttorneyStreams
from shared.access import AccessDeniedError
from shared.config import load_settings
from shared.migrations import apply_migrations
from tests.integration.conftest import PASSWORD


def _signed_in(command, prefix: str) -> tuple[dict, str, str]:
    """Invite an attorney, let them set their password and sign in: (attorney, email, token)."""
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@firm.test"
    attorney = command.invite(email)
    command.set_password(attorney["invite_url"])
    return attorney, email, command.token(email)


def _principal(command, token: str):
    return command.app.extensions["tokens"].verify(token)


def _refused_on_both_sides(command, token: str) -> bool:
    read = command.call("GET", "/v1/attorneys", token)
    query_side = AttorneyStreams(command.deployment.stores)
    try:
        query_side.confirm(_principal(command, token))
    except AccessDeniedError:
        return read.status_code == 401
    return False


def test_an_invite_link_sets_the_password_once_and_the_admin_never_sends_one(command):
    email = f"new-{uuid.uuid4().hex[:8]}@firm.test"
    admin = command.token(command.admin_email)
    with_password = command.call("POST", "/v1/attorneys", admin,
                                 {"email": email, "password": PASSWORD, "role": "viewer"})
    invited = command.invite(email)

    before = command.login(email, "")
    chosen = command.set_password(invited["invite_url"])
    reused = command.set_password(invited["invite_url"], "another-strong-passphrase-9")

    assert with_password.status_code == 400 and "password" in with_password.json["details"]
    assert re.fullmatch(r"http://localhost/set-password#token=[\w-]{43}", invited["invite_url"])
    assert before.status_code == 400
    assert chosen.status_code == 200 and chosen.json["email"] == email
    assert reused.status_code == 410 and reused.json["error"] == "link_expired"
    assert command.login(email, PASSWORD).status_code == 200
    assert command.login(email, "another-strong-passphrase-9").status_code == 401


def test_an_invited_attorney_cannot_sign_in_before_setting_a_password(command):
    email = f"new-{uuid.uuid4().hex[:8]}@firm.test"
    command.invite(email)

    assert command.login(email, "decoy-password-never-used").status_code == 401
    assert command.login(email, "unset").status_code == 401


@pytest.mark.parametrize("weak", ["12345678", "password", " " * 8, "qwertyuiop",
                                  "passwordpassword"])
def test_weak_passwords_are_a_clear_400(command, weak):
    invited = command.invite(f"weak-{uuid.uuid4().hex[:8]}@firm.test")

    response = command.set_password(invited["invite_url"], weak)

    assert response.status_code == 400 and response.json["error"] == "weak_password"
    assert response.json["details"]["password"] == response.json["message"]
    assert command.set_password(invited["invite_url"]).status_code == 200


def test_a_reset_link_replaces_the_password_and_ends_older_tokens(command):
    attorney, email, old_token = _signed_in(command, "reset")
    admin = command.token(command.admin_email)

    link = command.call("POST", f"/v1/attorneys/{attorney['id']}/password-reset", admin)
    reset = command.set_password(link.json["reset_url"], "a-brand-new-passphrase-7")

    assert link.status_code == 201 and reset.status_code == 200
    assert _refused_on_both_sides(command, old_token)
    assert command.login(email, PASSWORD).status_code == 401
    assert command.login(email, "a-brand-new-passphrase-7").status_code == 200


def test_changing_your_own_password_needs_the_current_one_and_ends_older_tokens(command):
    token = command.token(command.admin_email)

    wrong = command.call("POST", "/v1/auth/password-change", token,
                         {"current_password": "not-it", "new_password": "fresh-passphrase-31"})
    weak = command.call("POST", "/v1/auth/password-change", token,
                        {"current_password": PASSWORD, "new_password": "password"})
    changed = command.call("POST", "/v1/auth/password-change", token,
                           {"current_password": PASSWORD, "new_password": "fresh-passphrase-31"})

    assert wrong.status_code == 403 and weak.status_code == 400
    assert changed.status_code == 204
    assert _refused_on_both_sides(command, token)
    assert command.login(command.admin_email, "fresh-passphrase-31").status_code == 200


@pytest.mark.parametrize("change", [{"role": "viewer"}, {"active": False}])
def test_a_role_change_or_deactivation_ends_older_tokens(command, change):
    attorney, _, token = _signed_in(command, "epoch")

    command.call("PATCH", f"/v1/attorneys/{attorney['id']}", command.token(command.admin_email),
                 change)

    assert _refused_on_both_sides(command, token)


def test_reactivation_does_not_revive_tokens_issued_before_the_deactivation(command):
    attorney, email, token = _signed_in(command, "revive")
    admin = command.token(command.admin_email)

    command.call("PATCH", f"/v1/attorneys/{attorney['id']}", admin, {"active": False})
    command.call("PATCH", f"/v1/attorneys/{attorney['id']}", admin, {"active": True})
    fresh = command.token(email)

    assert _refused_on_both_sides(command, token)
    assert command.call("GET", "/v1/clients", fresh).status_code != 401
    AttorneyStreams(command.deployment.stores).confirm(_principal(command, fresh))


def test_a_token_without_an_epoch_is_refused(command):
    import jwt

    token = command.token(command.admin_email)
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.pop("epoch")
    forged = jwt.encode(claims, command.deployment.settings.jwt_secret, algorithm="HS256")

    assert command.call("GET", "/v1/attorneys", forged).status_code == 401


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_upgrading_keeps_attorneys_and_takes_their_epochs_from_their_streams(
        request, tmp_path, dialect):
    settings = _settings(request, tmp_path, dialect)
    _migrate(settings, lambda m: m.component != "directory" or m.version <= 2)
    directory = bootstrap.directory(settings)
    firm = directory.create_firm("Before Epochs LLP")["id"]
    old = directory.create_attorney(firm, "old@firm.test", PASSWORD, "attorney")
    events = DirectoryEvents(FirmStores(settings))
    events.record(firm, old["id"], contracts.ATTORNEY_DEACTIVATED, {})

    _migrate(settings, lambda m: True)
    other_firm = directory.create_firm("Elsewhere LLP")["id"]
    same_email = directory.create_attorney(other_firm, "old@firm.test", None, "viewer")

    [account] = directory.sign_in_candidates("old@firm.test", firm)
    assert account["token_epoch"] == 2 and account["email"] == "old@firm.test"
    assert same_email["firm_id"] == other_firm
    close_shared_pools()


def _settings(request, tmp_path, dialect):
    env = {"VISA_DATA_DIR": str(tmp_path)}
    if dialect == "postgresql":
        env |= {"VISA_DATABASE_URL": request.getfixturevalue("fresh_pg_url"),
                "VISA_JWT_SECRET": secrets.token_urlsafe(32),
                "VISA_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode()}
    return load_settings(env)


def _migrate(settings, wanted) -> None:
    for db, pending in bootstrap.migrations(settings):
        apply_migrations(db, [m for m in pending if wanted(m)])
        db.close()


def test_a_forgotten_password_request_reaches_the_firms_admins_and_reveals_nothing(command):
    attorney, email, _ = _signed_in(command, "forgot")
    admin = command.token(command.admin_email)
    ask = command.app.test_client().post

    known = ask("/v1/auth/password-reset-request", json={"email": email.upper()})
    unknown = ask("/v1/auth/password-reset-request", json={"email": "nobody@firm.test"})
    listed = {a["id"]: a for a in command.call("GET", "/v1/attorneys", admin).json["data"]}
    link = command.call("POST", f"/v1/attorneys/{attorney['id']}/password-reset", admin)
    after = {a["id"]: a for a in command.call("GET", "/v1/attorneys", admin).json["data"]}

    assert (known.status_code, known.json) == (unknown.status_code, unknown.json)
    assert known.status_code == 202
    assert listed[attorney["id"]]["password_reset_requested_at"] is not None
    assert all(a["password_reset_requested_at"] is None for i, a in listed.items()
               if i != attorney["id"])
    assert link.status_code == 201 and after[attorney["id"]]["password_reset_requested_at"] is None


@pytest.mark.parametrize("path", ["/v1/auth/login", "/v1/auth/password",
                                  "/v1/auth/password-reset-request"])
def test_deep_nesting_or_a_lone_surrogate_in_a_password_endpoint_is_a_400(command, path):
    client = command.app.test_client()
    nested = "[" * 5000 + "]" * 5000
    surrogate = '{"email": "a\\ud800@firm.test", "token": "t", "password": "x\\ud800y"}'

    deep = client.post(path, data=nested, content_type="application/json")
    hostile = client.post(path, data=surrogate, content_type="application/json")

    assert (deep.status_code, deep.json["error"]) == (400, "validation_error")
    assert hostile.status_code == 400 and "lone surrogate" in str(hostile.json["details"])
