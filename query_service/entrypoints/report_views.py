"""The client report of a completed check, as a PDF: same access rules as the check itself."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, g, request

from query_service.entrypoints.client_views import quotes_opened
from query_service.entrypoints.consistency import firm_view
from query_service.report.content import UnknownVisaTypesError, build_report, chosen_types
from shared.http import ApiError, parse_uuid, require_auth

bp = Blueprint("reports", __name__)
MAX_TYPES_LENGTH = 500


@bp.get("/v1/eligibility-checks/<check_id>/report.pdf")
@require_auth
def check_report(check_id: str):
    view = firm_view()
    check = view.check(str(parse_uuid(check_id, "eligibility check")))
    if check is None:
        raise ApiError(404, "not_found", f"No eligibility check {check_id}.")
    check = quotes_opened(check)
    requested = _types_arg()
    if check["status"] != "completed":
        raise ApiError(409, "check_not_completed", "The report needs a completed check.",
                       {"status": check["status"]})
    client = view.client(check["client_id"]) or {}
    try:
        types = chosen_types(check, requested)
    except UnknownVisaTypesError as error:
        raise ApiError(400, "validation_error", "The check has no such visa type.",
                       {"types": f"unknown: {', '.join(error.unknown)}; the check has "
                                 f"{', '.join(error.known)}"}) from None
    firm_names = current_app.extensions.get("firm_names")
    report = build_report(check, client, firm_names.name(g.principal.firm_id) if firm_names
                          else None, types, datetime.now(timezone.utc).date())
    pdf = current_app.extensions["report_renderer"].pdf(report)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{_filename(client)}"',
        "Cache-Control": "no-store"})


def _types_arg() -> list[str] | None:
    raw = ",".join(request.args.getlist("types"))
    if len(raw) > MAX_TYPES_LENGTH:
        raise ApiError(400, "validation_error", "types is too long.",
                       {"types": f"at most {MAX_TYPES_LENGTH} characters"})
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if "types" in request.args and not names:
        raise ApiError(400, "validation_error", "Choose at least one visa type.",
                       {"types": "comma-separated visa types of the check, e.g. O-1A,EB-2 NIW"})
    return names or None


def _filename(client: dict) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"{client.get('first_name', '')}-"
                                            f"{client.get('last_name', '')}").strip("-")
    return f"visa-report-{name or 'client'}.pdf"
