"""The firm's audit log, for firm admins: JSON pages, or a CSV / JSON Lines export."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, g, jsonify, request, stream_with_context

from query_service.adapters.client_views import AuditFilters
from query_service.entrypoints.consistency import firm_view
from query_service.entrypoints.identifiers import opened
from query_service.entrypoints.params import int_arg, time_text_arg, uuid_text_arg
from shared.http import ApiError, require_auth

bp = Blueprint("audit", __name__)

CSV_COLUMNS = ("position", "occurred_at", "actor_id", "actor_kind", "action", "event_type",
               "entity_type", "entity_id", "client_id", "request_id", "correlation_id", "changes",
               "client_name")
FORMATS = {"json": "application/json", "csv": "text/csv", "jsonl": "application/x-ndjson"}


@bp.get("/v1/audit")
@require_auth
def audit_log():
    if g.principal.role != "admin":
        raise ApiError(403, "forbidden", "Only firm admins may read the audit log.")
    output = _output_format()
    client = request.args.get("client") or ""
    if len(client) > 100:
        raise ApiError(400, "validation_error", "client is too long.",
                       {"client": "at most 100 characters"})
    filters = AuditFilters(actor=uuid_text_arg("actor"), entity=uuid_text_arg("entity"),
                           client=client, occurred_from=time_text_arg("from"),
                           occurred_to=time_text_arg("to"))
    view = firm_view()
    if output == "json":
        after = int_arg("after", default=0, low=0, high=2**62)
        limit = int_arg("limit", default=100, low=1, high=1000)
        entries = view.audit(filters, after, limit)
        return jsonify({"data": list(opened(entries)), "position": g.read_position,
                        "pagination": {"next_after": entries[-1]["position"]
                                       if len(entries) == limit else None}})
    rows = opened(view.audit_all(filters))
    body = _csv_lines(rows) if output == "csv" else (json.dumps(e) + "\n" for e in rows)
    return Response(stream_with_context(body), mimetype=FORMATS[output], headers={
        "Content-Disposition": f"attachment; filename=audit.{output}"})


def _output_format() -> str:
    requested = request.args.get("format")
    if requested is not None:
        if requested not in FORMATS:
            raise ApiError(400, "validation_error", "Unknown export format.",
                           {"format": "one of json, csv, jsonl"})
        return requested
    accept = request.headers.get("Accept", "")
    if "text/csv" in accept:
        return "csv"
    if "ndjson" in accept or "jsonl" in accept or "json-lines" in accept:
        return "jsonl"
    return "json"


def _csv_lines(entries):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([json.dumps(entry["changes"]) if c == "changes" else entry[c]
                         for c in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
