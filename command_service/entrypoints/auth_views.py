"""Sign-in, sign-out and passwords: tokens for attorneys, who set their own passwords."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from command_service.adapters.password_links import LinkInvalidError
from command_service.sign_in import FirmChoiceNeededError, SignInRefusedError, SignInThrottledError
from shared.api_schemas import (
    LoginSchema,
    PasswordChangeSchema,
    PasswordFromLinkSchema,
    PasswordResetRequestSchema,
)
from shared.auth import Principal
from shared.http import ApiError, authorized, json_body, request_meta
from shared.password_policy import check_password

bp = Blueprint("auth", __name__)


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
    tokens = current_app.extensions["tokens"]
    principal = Principal(attorney["id"], attorney["firm_id"], attorney["role"],
                          epoch=attorney["token_epoch"])
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
