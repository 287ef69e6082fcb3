"""Client listing, detail, history and checks, and the firm's dashboard."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from query_service.adapters.client_views import ClientFilters, decode_cursor
from query_service.entrypoints import catalogue_views
from query_service.entrypoints.consistency import firm_view
from query_service.entrypoints.identifiers import opened
from query_service.entrypoints.params import int_arg, time_arg, time_text_arg, uuid_text_arg
from shared.api_schemas import CLIENT_SORTS, LATEST_CHECK_FILTERS, VERDICTS
from shared.http import ApiError, parse_uuid, require_auth
from shared.profile_schema import CLIENT_STATUSES

bp = Blueprint("queries", __name__)


@bp.get("/v1/clients")
@require_auth
def list_clients():
    # Every parameter is checked first, whichever listing answers: none is silently ignored.
    limit = int_arg("limit", default=25, low=1, high=100)
    cursor = _cursor_arg()
    filters = _client_filters()
    if catalogue_views.wants_stale_clients():
        return catalogue_views.stale_clients_response()
    page, next_cursor = firm_view().clients(limit=limit, cursor=cursor, filters=filters)
    pagination = {"next_cursor": next_cursor, "has_more": next_cursor is not None}
    return jsonify({"data": page, "position": g.read_position, "pagination": pagination})


def _include_archived() -> bool:
    raw = request.args.get("include_archived", "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise ApiError(400, "validation_error", "include_archived must be true or false.",
                       {"include_archived": "true or false"})
    return raw in ("true", "1")


def _bounded_arg(name: str, max_length: int) -> str:
    # Bounded so a request line always fits the server's limit (the OpenAPI maxLength).
    raw = request.args.get(name) or ""
    if len(raw) > max_length:
        raise ApiError(400, "validation_error", f"{name} is too long.",
                       {name: f"at most {max_length} characters"})
    return raw


def _cursor_arg() -> str | None:
    cursor = _bounded_arg("cursor", 160) or None
    if cursor:
        try:
            decode_cursor(cursor)
        except ValueError:
            raise ApiError(400, "validation_error", "The cursor is not valid.",
                           {"cursor": "use next_cursor from a previous page"}) from None
    return cursor


def _client_filters() -> ClientFilters:
    status = request.args.get("status")
    if status is not None and status not in CLIENT_STATUSES:
        raise ApiError(400, "validation_error", "Unknown status.",
                       {"status": f"one of {', '.join(CLIENT_STATUSES)}"})
    include_archived = _include_archived()
    if status is None and not include_archived:
        status = "active"
    min_score = int_arg("min_score", default=None, low=0, high=100)
    visa_type = (request.args.get("visa_type") or "").strip() or None
    if min_score is not None and visa_type is None:
        raise ApiError(400, "validation_error", "min_score needs a visa_type.",
                       {"min_score": "give visa_type too, e.g. visa_type=O-1A&min_score=70"})
    return ClientFilters(status=status, search=_bounded_arg("search", 100).strip(),
                         attorney_id=uuid_text_arg("attorney_id"), visa_type=visa_type,
                         min_score=min_score, updated_since=time_text_arg("updated_since"),
                         best_verdict=_choice_arg("best_verdict", (*VERDICTS, "none")),
                         best_visa_type=_bounded_arg("best_visa_type", 40).strip() or None,
                         latest_check=_choice_arg("latest_check", LATEST_CHECK_FILTERS),
                         sort=_choice_arg("sort", CLIENT_SORTS) or "newest")


def _choice_arg(name: str, choices: tuple[str, ...]) -> str | None:
    raw = request.args.get(name)
    if raw is not None and raw not in choices:
        raise ApiError(400, "validation_error", f"Unknown {name.replace('_', ' ')}.",
                       {name: f"one of {', '.join(choices)}"})
    return raw


@bp.get("/v1/clients/<client_id>")
@require_auth
def get_client(client_id: str):
    as_of = time_arg("as_of")
    if as_of is not None:
        return _client_as_of(client_id, as_of)
    client = firm_view().client(str(parse_uuid(client_id, "client")))
    if client is None:
        raise ApiError(404, "not_found", f"No client {client_id}.")
    response = jsonify(client)
    response.headers["ETag"] = f'"{client["version"]}"'
    return response


def _client_as_of(client_id: str, as_of):
    history = current_app.extensions["profile_history"]
    profile = history.profile_as_of(g.principal.firm_id, parse_uuid(client_id, "client"), as_of)
    if profile is None:
        raise ApiError(404, "not_found", f"No client {client_id} existed at {as_of.isoformat()}.")
    return jsonify(profile)


@bp.get("/v1/clients/<client_id>/history")
@require_auth
def client_history(client_id: str):
    view = firm_view()
    client_id = str(parse_uuid(client_id, "client"))
    if view.client(client_id) is None:
        raise ApiError(404, "not_found", f"No client {client_id}.")
    return jsonify({"data": list(opened(view.history(client_id))), "position": g.read_position})


@bp.get("/v1/clients/<client_id>/eligibility-checks")
@require_auth
def list_checks_of_client(client_id: str):
    view = firm_view()
    client_id = str(parse_uuid(client_id, "client"))
    if view.client(client_id) is None:
        raise ApiError(404, "not_found", f"No client {client_id}.")
    return jsonify({"data": [quotes_opened(c) for c in view.checks_of_client(client_id)]})


@bp.get("/v1/eligibility-checks/<check_id>")
@require_auth
def get_check(check_id: str):
    check = firm_view().check(str(parse_uuid(check_id, "eligibility check")))
    if check is None:
        raise ApiError(404, "not_found", f"No eligibility check {check_id}.")
    return jsonify(quotes_opened(check))


def quotes_opened(check: dict) -> dict:
    # Where the engine quoted the client's words, they are sealed with the client's key
    # (None once the client was erased).
    keyring = current_app.extensions.get("keyring")
    if keyring is None:
        return check
    return keyring.sealer(g.principal.firm_id, check["client_id"]).open_quotes(check)


@bp.get("/v1/dashboard")
@require_auth
def dashboard():
    return jsonify({**firm_view().dashboard(), "position": g.read_position})
