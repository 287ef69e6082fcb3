"""Attorney management for a firm's admins: invite, change role, deactivate, reset a password."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from shared.api_schemas import AttorneyChangeSchema, AttorneyInviteSchema
from shared.http import ApiError, authorized, json_body, parse_uuid, request_meta
from shared.idempotency import idempotent

bp = Blueprint("attorneys", __name__)


def directory():
    return current_app.extensions["directory"]


@bp.get("/v1/attorneys")
@authorized("admin")
def list_attorneys():
    return jsonify({"data": directory().attorneys_of_firm(g.principal.firm_id)})


@bp.post("/v1/attorneys")
@authorized("admin")
@idempotent
def invite_attorney():
    """Create the attorney without a password; they set their own from the invite link."""
    invite = AttorneyInviteSchema().load(json_body())
    attorney = directory().create_attorney(g.principal.firm_id, invite["email"], None,
                                           invite["role"], request_meta())
    link = current_app.extensions["password_links"].issue(g.principal.firm_id, attorney["id"],
                                                          "invite")
    return jsonify({**attorney, "invite_url": _link_url(link.token),
                    "invite_expires_at": link.expires_at}), 201


@bp.post("/v1/attorneys/<attorney_id>/password-reset")
@authorized("admin")
def reset_password(attorney_id: str):
    """Give the admin a one-time link to hand to the attorney; the old password still works."""
    attorney_id = str(parse_uuid(attorney_id, "attorney"))
    attorney = directory().attorney(g.principal.firm_id, attorney_id)
    if attorney is None:
        raise ApiError(404, "not_found", f"No attorney {attorney_id}.")
    if not attorney["active"]:
        raise ApiError(409, "attorney_inactive", "Reactivate the attorney first.")
    link = current_app.extensions["password_links"].issue(g.principal.firm_id, attorney_id,
                                                          "reset")
    directory().clear_reset_request(attorney_id)
    return jsonify({"attorney_id": attorney_id, "reset_url": _link_url(link.token),
                    "expires_at": link.expires_at}), 201


@bp.patch("/v1/attorneys/<attorney_id>")
@authorized("admin")
def change_attorney(attorney_id: str):
    attorney_id = str(parse_uuid(attorney_id, "attorney"))
    change = AttorneyChangeSchema().load(json_body())
    if not change:
        raise ApiError(400, "validation_error", "Send role or active.", {"_schema": "empty update"})
    if attorney_id == g.principal.attorney_id:
        raise ApiError(409, "cannot_change_self",
                       "Admins cannot change their own role or deactivate themselves.")
    attorney = directory().change_attorney(g.principal.firm_id, attorney_id, **change,
                                           meta=request_meta())
    if attorney is None:
        raise ApiError(404, "not_found", f"No attorney {attorney_id}.")
    return jsonify(attorney)


def _link_url(token: str) -> str:
    # The token travels in the fragment: browsers send it to no server and no Referer.
    web_app = current_app.config.get("WEB_APP_URL") or request.host_url.rstrip("/")
    return f"{web_app}/set-password#token={token}"
