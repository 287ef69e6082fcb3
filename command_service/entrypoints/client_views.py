"""Client profile commands: create, edit, archive, erase and request an eligibility check."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from command_service.application import FirmCaseFiles
from command_service.domain.client_profile import ClientProfile
from shared.api_schemas import CheckRequestSchema
from shared.http import ApiError, authorized, expected_version, json_body, parse_uuid, request_meta
from shared.idempotency import idempotent, idempotent_id
from shared.limits import Quota
from shared.profile_schema import load_profile

bp = Blueprint("clients", __name__)


def case_files() -> FirmCaseFiles:
    return current_app.extensions["firm_stores"].for_firm(g.principal.firm_id)


@bp.post("/v1/clients")
@authorized("attorney")
@idempotent
def create_client():
    profile = case_files().create_client(load_profile(json_body()), request_meta(),
                                         idempotent_id("client"))
    return _profile_response(profile, 201)


@bp.patch("/v1/clients/<client_id>")
@authorized("attorney")
def edit_client(client_id: str):
    client_id, version = parse_uuid(client_id, "client"), expected_version()
    submitted = load_profile(json_body(), partial=True)
    if not submitted:
        raise ApiError(400, "validation_error", "Send at least one field to change.",
                       {"_schema": "empty update"})
    profile, _changes = case_files().edit_client(client_id, submitted, request_meta(), version)
    return _profile_response(profile, 200)


@bp.delete("/v1/clients/<client_id>")
@authorized("attorney")
def archive_client(client_id: str):
    client_id, version = parse_uuid(client_id, "client"), expected_version()
    profile = case_files().archive_client(client_id, request_meta(), version)
    return "", 204, {"ETag": f'"{profile.version}"'}


@bp.post("/v1/clients/<client_id>/erasure")
@authorized("admin")
@idempotent
def erase_client(client_id: str):
    client_id = parse_uuid(client_id, "client")
    profile = case_files().erase_client(client_id, request_meta())
    current_app.extensions["idempotency"].forget_resource(str(client_id))
    return jsonify({"client_id": str(profile.id), "status": "erased",
                    "version": profile.version, "erased_by": g.principal.attorney_id,
                    "erased_at": profile.modified_on.isoformat()})


@bp.post("/v1/clients/<client_id>/eligibility-checks")
@authorized("attorney")
@idempotent
def request_check(client_id: str):
    client_id = parse_uuid(client_id, "client")
    options = CheckRequestSchema().load(json_body()) if _has_body() else {"force_refresh": False}
    _spend_check_allowance()
    check = case_files().request_check(client_id, request_meta(), options["force_refresh"],
                                       idempotent_id("check"))
    return jsonify({"check_id": str(check.id), "status": "pending",
                    "profile_version": check.profile_version,
                    "status_url": f"/v1/eligibility-checks/{check.id}"}), 202


def _spend_check_allowance() -> None:
    quota: Quota = current_app.extensions["check_quota"]
    verdict = current_app.extensions["gatekeeper"].counters.hit(
        f"checks:{g.principal.attorney_id}", quota)
    if not verdict.allowed:
        raise ApiError(429, "rate_limited",
                       f"You may request {quota.limit} eligibility checks per hour.",
                       {"limit": quota.limit, "retry_after_seconds": verdict.retry_after},
                       {"Retry-After": str(max(verdict.retry_after, 1))})


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
