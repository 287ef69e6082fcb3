"""Sign-in, sign-out and passwords: tokens for attorneys, who set their own passwords.

A browser also gets a refresh cookie (httpOnly, SameSite=Strict, only sent to /v1/auth):
any tab of that browser exchanges it for an access token at /v1/auth/refresh, so opening
a link in a new tab keeps the attorney signed in; signing out ends it for every tab.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, jsonify, request

from command_service.adapters.password_links import LinkInvalidError
from command_service.sign_in import FirmChoiceNeededError, SignInRefusedError, SignInThrottledError
from shared.api_schemas import (
    LoginSchema,
    PasswordChangeSchema,
    PasswordFromLinkSchema,
    PasswordResetRequestSchema,
)
from shared.access import AccessDeniedError
from shared.auth import Principal
from shared.http import ApiError, authorized, json_body, request_meta
from shared.password_policy import check_password

bp = Blueprint("auth", __name__)
REFRESH_COOKIE = "visa_refresh"
COOKIE_PATH = "/v1/auth"
CSRF_HEADER = "X-Visa-CSRF"


@bp.post("/v1/auth/login")
def login():
    credentials = LoginSchema().load(json_body())
    try:
        attorney = current_app.extensions["sign_in"].attempt(
            credentials["email"], credentials["password"], request.remote_addr or "unknown",
            str(credentials["firm_id"]) if "firm_id" in credentials else None)
    except SignInThrottledError as exc:
        raise ApiError(429, "too_many_failed_logins",
                       "Too many failed sign-ins for this email or from this address; "
                       "try again later.", {"retry_after_seconds": exc.retry_after},
                       {"Retry-After": str(exc.retry_after)}) from None
    except SignInRefusedError:
        raise ApiError(401, "invalid_credentials", "Email or password is incorrect.") from None
    except FirmChoiceNeededError as exc:
        raise ApiError(409, "choose_firm", "You have accounts in several firms: sign in again "
                       "with the firm_id of one of them.", {"firms": exc.firms}) from None
    principal = Principal(attorney["id"], attorney["firm_id"], attorney["role"],
                          epoch=attorney["token_epoch"])
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
        # The epoch the session began with: a later password, role or status change ends it.
        principal = current_app.extensions["gatekeeper"].access.confirm(
            Principal(session.attorney_id, session.firm_id, "viewer", epoch=session.epoch))
    except AccessDeniedError:
        _end_session(cookie)
        raise ApiError(401, "unauthorized", "This sign-in has ended; please sign in.") from None
    attorney = current_app.extensions["directory"].attorney(principal.firm_id,
                                                            principal.attorney_id)
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
                                         principal.epoch)
        response.set_cookie(REFRESH_COOKIE, cookie, max_age=sessions.ttl_seconds,
                            path=COOKIE_PATH, httponly=True, samesite="Strict",
                            secure=request.is_secure)
    issued = tokens.verify(token)
    sessions.minted(session.session_id, issued.token_id, issued.expires_at)
    return response


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


@bp.post("/v1/auth/password")
def set_password_from_link():
    """Set an attorney's password from an invite or reset link's token (no sign-in needed)."""
    body = PasswordFromLinkSchema().load(json_body())
    links = current_app.extensions["password_links"]
    try:
        holder = links.holder(body["token"])
        _check_policy(body["password"], holder["email"], holder["firm_name"])
        links.redeem(body["token"], current_app.extensions["hasher"].hash(body["password"]),
                     {"actor_id": holder["attorney_id"], "actor_kind": "attorney",
                      "request_id": g.request_id, "correlation_id": g.correlation_id})
    except LinkInvalidError:
        raise ApiError(410, "link_expired", "This link was already used or has expired; ask "
                       "your firm's admin for a new one.") from None
    return jsonify({"email": holder["email"], "firm_id": holder["firm_id"],
                    "firm_name": holder["firm_name"]})


@bp.post("/v1/auth/password-reset-request")
def request_password_reset():
    """Ask the firm's admins for a reset link; the answer is the same whoever exists."""
    body = PasswordResetRequestSchema().load(json_body())
    sign_in = current_app.extensions["sign_in"]
    verdict = sign_in.counters.hit("reset-from:" + (request.remote_addr or "unknown"),
                                   sign_in.per_address)
    if not verdict.allowed:
        raise ApiError(429, "rate_limited", "Too many requests from this address; try later.",
                       {"retry_after_seconds": verdict.retry_after},
                       {"Retry-After": str(max(verdict.retry_after, 1))})
    current_app.extensions["directory"].request_password_reset(body["email"])
    return jsonify({"message": "If this email has an account, your firm's admins now see "
                               "that you asked for a new password; one of them will send you "
                               "a link."}), 202


@bp.post("/v1/auth/password-change")
@authorized("viewer")
def change_own_password():
    """Change the signed-in attorney's password; every older token of theirs stops working."""
    body = PasswordChangeSchema().load(json_body())
    principal = g.principal
    directory = current_app.extensions["directory"]
    attorney = directory.attorney(principal.firm_id, principal.attorney_id)
    try:
        account = current_app.extensions["sign_in"].attempt(
            attorney["email"], body["current_password"], request.remote_addr or "unknown",
            principal.firm_id)
    except SignInThrottledError as exc:
        raise ApiError(429, "too_many_failed_logins", "Too many wrong passwords; try again "
                       "later.", {"retry_after_seconds": exc.retry_after},
                       {"Retry-After": str(exc.retry_after)}) from None
    except SignInRefusedError:
        raise ApiError(403, "wrong_password", "The current password is not right.") from None
    _check_policy(body["new_password"], account["email"], account["firm_name"])
    with directory.transaction() as tx:
        directory.set_password(tx, principal.firm_id, principal.attorney_id,
                               current_app.extensions["hasher"].hash(body["new_password"]),
                               "change", request_meta())
    return "", 204


def _check_policy(password: str, email: str, firm_name: str) -> None:
    try:
        check_password(password, (email, firm_name))
    except ValueError as exc:
        raise ApiError(400, "weak_password", str(exc), {"password": str(exc)}) from None
