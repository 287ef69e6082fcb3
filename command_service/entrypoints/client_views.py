"""Client profile commands: create, edit, archive and request an eligibility check."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from marshmallow import Schema, fields

from command_service.application import FirmCaseFiles
from command_service.domain.client_profile import ClientProfile
from shared.http import ApiError, json_body, parse_uuid, request_meta, require_auth, require_writer
from shared.profile_schema import load_profile

bp = Blueprint("clients", __name__)


class CheckRequestSchema(Schema):
    force_refresh = fields.Boolean(load_default=False)


def case_files() -> FirmCaseFiles:
    return current_app.extensions["firm_stores"].for_firm(g.principal.firm_id)


@bp.post("/v1/clients")
@require_auth
def create_client():
    require_writer()
    profile = case_files().create_client(load_profile(json_body()), request_meta())
    return _profile_response(profile, 201)


@bp.patch("/v1/clients/<client_id>")
@require_auth
def edit_client(client_id: str):
    require_writer()
    submitted = load_profile(json_body(), partial=True)
    if not submitted:
        raise ApiError(400, "validation_error", "Send at least one field to change.",
                       {"_schema": "empty update"})
    profile, _changes = case_files().edit_client(parse_uuid(client_id, "client"), submitted,
                                                 request_meta())
    return _profile_response(profile, 200)


@bp.delete("/v1/clients/<client_id>")
@require_auth
def archive_client(client_id: str):
    require_writer()
    case_files().archive_client(parse_uuid(client_id, "client"), request_meta())
    return "", 204


@bp.post("/v1/clients/<client_id>/eligibility-checks")
@require_auth
def request_check(client_id: str):
    require_writer()
    options = CheckRequestSchema().load(json_body()) if _has_body() else {"force_refresh": False}
    check = case_files().request_check(parse_uuid(client_id, "client"), request_meta(),
                                       options["force_refresh"])
    return jsonify({"check_id": str(check.id), "status": "pending",
                    "profile_version": check.profile_version,
                    "status_url": f"/v1/eligibility-checks/{check.id}"}), 202


def _has_body() -> bool:
    return bool(request.get_data(cache=True))


def _profile_response(profile: ClientProfile, status: int):
    body = {"id": str(profile.id), "version": profile.version, "status": profile.status,
            **profile.fields, "created_by": profile.created_by,
            "created_at": profile.created_on.isoformat(),
            "updated_at": profile.modified_on.isoformat()}
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = f'"{profile.version}"'
    return response
