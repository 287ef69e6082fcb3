"""The query API: listings, client detail and check results, for the caller's firm only."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, jsonify, request

from query_service.adapters.client_views import FirmReadView, decode_cursor
from query_service.entrypoints import contract
from shared.gatekeeper import Gatekeeper
from shared.http import ApiError, install_api_basics, parse_uuid, require_auth
from shared.openapi import install_openapi
from shared.profile_schema import CLIENT_STATUSES
from shared.sql import Database

bp = Blueprint("queries", __name__)


def create_app(read_db: Database, gatekeeper: Gatekeeper, document: dict | None = None) -> Flask:
    """Build the query service's Flask app (document: the OpenAPI document to publish)."""
    app = Flask("query_service")
    app.extensions["read_db"] = read_db
    install_api_basics(app, gatekeeper)
    app.register_blueprint(bp)
    install_openapi(app, document or contract.document())
    return app


def firm_view() -> FirmReadView:
    return FirmReadView(current_app.extensions["read_db"], g.principal.firm_id)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/v1/clients")
@require_auth
def list_clients():
    limit = _int_arg("limit", default=25, low=1, high=100)
    cursor = _text_arg("cursor", 160) or None
    search = _text_arg("search", 100).strip()
    if cursor:
        try:
            decode_cursor(cursor)
        except ValueError:
            raise ApiError(400, "validation_error", "The cursor is not valid.",
                           {"cursor": "use next_cursor from a previous page"}) from None
    status = request.args.get("status")
    if status is not None and status not in CLIENT_STATUSES:
        raise ApiError(400, "validation_error", "Unknown status.",
                       {"status": f"one of {', '.join(CLIENT_STATUSES)}"})
    include_archived = _bool_arg("include_archived")
    if status is None and not include_archived:
        status = "active"
    page, next_cursor = firm_view().clients(limit=limit, cursor=cursor, status=status,
                                            search=search)
    return jsonify({"data": page,
                    "pagination": {"next_cursor": next_cursor, "has_more": next_cursor is not None}})


@bp.get("/v1/clients/<client_id>")
@require_auth
def get_client(client_id: str):
    client = firm_view().client(str(parse_uuid(client_id, "client")))
    if client is None:
        raise ApiError(404, "not_found", f"No client {client_id}.")
    response = jsonify(client)
    response.headers["ETag"] = f'"{client["version"]}"'
    return response


@bp.get("/v1/clients/<client_id>/eligibility-checks")
@require_auth
def list_checks_of_client(client_id: str):
    view = firm_view()
    client_id = str(parse_uuid(client_id, "client"))
    if view.client(client_id) is None:
        raise ApiError(404, "not_found", f"No client {client_id}.")
    return jsonify({"data": view.checks_of_client(client_id)})


@bp.get("/v1/eligibility-checks/<check_id>")
@require_auth
def get_check(check_id: str):
    check = firm_view().check(str(parse_uuid(check_id, "eligibility check")))
    if check is None:
        raise ApiError(404, "not_found", f"No eligibility check {check_id}.")
    return jsonify(check)


def _text_arg(name: str, max_length: int) -> str:
    raw = request.args.get(name) or ""
    if len(raw) > max_length:
        raise ApiError(400, "validation_error", f"{name} is too long.",
                       {name: f"at most {max_length} characters"})
    return raw


def _bool_arg(name: str) -> bool:
    raw = request.args.get(name, "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise ApiError(400, "validation_error", f"{name} must be true or false.",
                       {name: "true or false"})
    return raw in ("true", "1")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "validation_error", f"{name} must be a whole number.",
                       {name: f"between {low} and {high}"}) from None
    if not low <= value <= high:
        raise ApiError(400, "validation_error", f"{name} is out of range.",
                       {name: f"between {low} and {high}"})
    return value
