"""Sign-in and sign-out: exchange an attorney's email and password for a bearer token.

A browser also gets a refresh cookie (httpOnly, SameSite=Strict, only sent to /v1/auth):
any tab of that browser exchanges it for an access token at /v1/auth/refresh, so opening
a link in a new tab keeps the attorney signed in; signing out ends it for every tab.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, jsonify, request

from shared.api_schemas import LoginSchema
from shared.access import AccessDeniedError
from shared.auth import Principal, hash_password, verify_password
from shared.http import ApiError, authorized, json_body, request_meta
from shared.limits import Quota

bp = Blueprint("auth", __name__)
REFRESH_COOKIE = "visa_refresh"
COOKIE_PATH = "/v1/auth"
CSRF_HEADER = "X-Visa-CSRF"


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
    principal = Principal(attorney["id"], attorney["firm_id"], attorney["role"])
    return _signed_in(principal, attorney, new_session=True)


@bp.post("/v1/auth/refresh")
def refresh():
    """Exchange the browser's refresh cookie for a fresh access token (no bearer needed)."""
    _refuse_cross_site()
    sessions = current_app.extensions.get("refresh_sessions")
    cookie = request.cookies.get(REFRESH_COOKIE)
    session = sessions.find(cookie) if cookie and sessions else None
    if session is None:
        raise ApiError(401, "unauthorized", "No sign-in to continue; please sign in.")
    try:
        principal = current_app.extensions["gatekeeper"].access.confirm(
            _session_principal(session))
    except AccessDeniedError:
        _end_session(cookie)
        raise ApiError(401, "unauthorized", "This sign-in has ended; please sign in.") from None
    attorney = next((a for a in current_app.extensions["directory"].attorneys_of_firm(
        principal.firm_id) if a["id"] == principal.attorney_id), None)
    if attorney is None:
        raise ApiError(401, "unauthorized", "This sign-in has ended; please sign in.")
    return _signed_in(principal, attorney, session=session)


def _signed_in(principal: Principal, attorney: dict, new_session: bool = False, session=None):
    tokens = current_app.extensions["tokens"]
    token = tokens.issue(principal)
    response = jsonify({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": tokens.ttl_seconds,
        "attorney": {k: attorney[k] for k in ("id", "firm_id", "email", "role", "created_at")},
    })
    sessions = current_app.extensions.get("refresh_sessions")
    if sessions is None:
        return response
    if new_session:
        cookie, session = sessions.start(principal.attorney_id, principal.firm_id,
                                         getattr(principal, "epoch", 0))
        response.set_cookie(REFRESH_COOKIE, cookie, max_age=sessions.ttl_seconds,
                            path=COOKIE_PATH, httponly=True, samesite="Strict",
                            secure=request.is_secure)
    issued = tokens.verify(token)
    sessions.minted(session.session_id, issued.token_id, issued.expires_at)
    return response


def _session_principal(session) -> Principal:
    # The role is confirmed from the directory; the epoch (when tokens carry one) is the
    # one the session was opened with, so a later password or role change ends it.
    fields = {"epoch": session.epoch} if "epoch" in Principal.__dataclass_fields__ else {}
    return Principal(session.attorney_id, session.firm_id, "viewer", **fields)


def _refuse_cross_site() -> None:
    # The cookie is SameSite=Strict; a custom header (which no form and no other site's script
    # can send without our CORS consent) and an Origin we serve close what is left of CSRF.
    if request.headers.get(CSRF_HEADER) != "1":
        raise ApiError(403, "csrf_refused", f"Send the {CSRF_HEADER}: 1 header.")
    origin = request.headers.get("Origin")
    # The host alone: behind a TLS-terminating proxy the scheme seen here is not the browser's.
    if origin and urlsplit(origin).netloc != request.host \
            and origin.rstrip("/") not in current_app.config.get("WEB_ORIGINS", ()):
        raise ApiError(403, "csrf_refused", "This origin may not continue a sign-in.")


def _end_session(cookie: str | None, already_revoked: str = "") -> None:
    """End the browser's sign-in and revoke every token it minted, on both services."""
    sessions = current_app.extensions.get("refresh_sessions")
    if not cookie or sessions is None:
        return
    access = current_app.extensions["gatekeeper"].access
    directory = current_app.extensions["directory"]
    for minted in sessions.end(cookie):
        if minted.jti == already_revoked:
            continue
        access.revoke(minted.jti, minted.attorney_id, minted.expires_at)
        directory.record_sign_out(minted.firm_id, minted.attorney_id, minted.jti,
                                  minted.expires_at, request_meta())


@bp.post("/v1/auth/logout")
@authorized("viewer")
def logout():
    principal = g.principal
    current_app.extensions["gatekeeper"].access.revoke(principal.token_id, principal.attorney_id,
                                                       principal.expires_at)
    current_app.extensions["directory"].record_sign_out(
        principal.firm_id, principal.attorney_id, principal.token_id, principal.expires_at,
        request_meta())
    # The browser's sign-in ends too, with every access token it gave other tabs.
    _end_session(request.cookies.get(REFRESH_COOKIE), already_revoked=principal.token_id)
    response = current_app.response_class(status=204)
    response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH, httponly=True, samesite="Strict",
                           secure=request.is_secure)
    return response


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
