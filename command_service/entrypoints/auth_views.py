"""Sign-in and sign-out: exchange an attorney's email and password for a bearer token."""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, g, jsonify

from shared.api_schemas import LoginSchema
from shared.auth import Principal, hash_password, verify_password
from shared.http import ApiError, authorized, json_body, request_meta
from shared.limits import Quota

bp = Blueprint("auth", __name__)


@bp.post("/v1/auth/login")
def login():
    credentials = LoginSchema().load(json_body())
    bucket = "login:" + credentials["email"].strip().lower()
    _refuse_while_locked(bucket)
    attorney = current_app.extensions["directory"].attorney_by_email(credentials["email"])
    stored_hash = attorney["password_hash"] if attorney else _decoy_hash()
    if not verify_password(credentials["password"], stored_hash) or not attorney["active"]:
        current_app.extensions["gatekeeper"].counters.hit(bucket, _login_quota())
        raise ApiError(401, "invalid_credentials", "Email or password is incorrect.")
    current_app.extensions["gatekeeper"].counters.reset(bucket)
    tokens = current_app.extensions["tokens"]
    principal = Principal(attorney["id"], attorney["firm_id"], attorney["role"])
    return jsonify({
        "access_token": tokens.issue(principal),
        "token_type": "bearer",
        "expires_in": tokens.ttl_seconds,
        "attorney": {k: attorney[k] for k in ("id", "firm_id", "email", "role", "created_at")},
    })


@bp.post("/v1/auth/logout")
@authorized("viewer")
def logout():
    principal = g.principal
    current_app.extensions["gatekeeper"].access.revoke(principal.token_id, principal.attorney_id,
                                                       principal.expires_at)
    current_app.extensions["directory"].record_sign_out(
        principal.firm_id, principal.attorney_id, principal.token_id, principal.expires_at,
        request_meta())
    return "", 204


def _refuse_while_locked(bucket: str) -> None:
    verdict = current_app.extensions["gatekeeper"].counters.peek(bucket, _login_quota())
    if not verdict.allowed:
        raise ApiError(429, "too_many_failed_logins",
                       "Too many failed sign-ins for this email; try again later.",
                       {"retry_after_seconds": verdict.retry_after},
                       {"Retry-After": str(max(verdict.retry_after, 1))})


@functools.cache
def _decoy_hash() -> str:
    # Unknown emails are checked against a hash too, so timing does not reveal who exists.
    return hash_password("decoy-password-never-used")


def _login_quota() -> Quota:
    return current_app.extensions["login_quota"]
