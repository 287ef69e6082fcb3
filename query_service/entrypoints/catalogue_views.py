"""The visa catalogue, read-only: what the engine applies, with citations, figures and sources."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from catalogue.loader import UnknownVisaTypeError, load_catalogue
from contracts.countries import all_countries
from query_service.adapters.stale_checks import stale_clients
from shared.http import ApiError, require_auth

bp = Blueprint("visa_types", __name__)

SUMMARY_KEYS = ("code", "name", "kind", "legal_basis", "standard", "forms")


@bp.get("/v1/visa-types")
@require_auth
def list_visa_types():
    catalogue = load_catalogue()
    return jsonify({"catalogue_version": catalogue.version, "published": catalogue.published,
                    "data": [_summary(t) for t in catalogue.types]})


@bp.get("/v1/visa-types/<code>")
@require_auth
def get_visa_type(code: str):
    catalogue = load_catalogue()
    try:
        visa_type = catalogue.visa_type(code)
    except UnknownVisaTypeError:
        raise ApiError(404, "not_found", f"No visa type {code} in the catalogue.",
                       {"known": [t["code"] for t in catalogue.types]}) from None
    base_rate = catalogue.base_rates["classifications"][visa_type["base_rate_key"]]
    return jsonify({**visa_type, "catalogue_version": catalogue.version,
                    "base_rates": base_rate,
                    "disqualifiers": [d for d in catalogue.disqualifiers
                                      if visa_type["code"] in d["applies_to"]],
                    "sources": _sources_cited([visa_type, base_rate], catalogue.sources)})


@bp.get("/v1/countries")
@require_auth
def list_countries():
    return jsonify({"data": all_countries()})


def current_catalogue_version() -> str:
    """The latest published catalogue version, or the shipped one if none was published."""
    publications = current_app.extensions.get("catalogue_publications")
    published = publications.current() if publications else None
    return published["version"] if published else load_catalogue().version


def wants_stale_clients() -> bool:
    """Whether GET /v1/clients asks for the stale-check listing (400 on a bad value)."""
    stale_check = request.args.get("stale_check")
    if stale_check not in (None, "true", "false"):
        raise ApiError(400, "validation_error", "stale_check must be true or false.",
                       {"stale_check": "true or false"})
    return stale_check == "true"


def stale_clients_response():
    """GET /v1/clients?stale_check=true: clients needing a re-check after a catalogue change."""
    version = current_catalogue_version()
    data = stale_clients(current_app.extensions["read_db"], g.principal.firm_id, version)
    return jsonify({"data": data, "current_catalogue_version": version,
                    "pagination": {"next_cursor": None, "has_more": False}})


def _summary(visa_type: dict) -> dict:
    criteria = visa_type["criteria"]
    return {**{k: visa_type.get(k) for k in SUMMARY_KEYS},
            "gates": [g["id"] for g in visa_type["gates"]],
            "criteria_required": criteria.get("threshold", 0),
            "criteria_available": len(criteria["items"]),
            "premium_processing": (visa_type["processing"].get("premium") or {}).get("available"),
            "url": f"/v1/visa-types/{visa_type['code'].replace(' ', '-')}"}


def _sources_cited(documents: list, sources: dict) -> dict:
    text = repr(documents)
    return {sid: url for sid, url in sources.items() if f"'{sid}'" in text}
