"""Attorney management for a firm's admins: invite, change role, deactivate."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify

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
    invite = AttorneyInviteSchema().load(json_body())
    attorney = directory().create_attorney(g.principal.firm_id, invite["email"],
                                           invite["password"], invite["role"], request_meta())
    return jsonify(attorney), 201


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
