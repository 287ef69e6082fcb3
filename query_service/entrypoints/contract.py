"""The query API's operations, as published in its OpenAPI document."""

from __future__ import annotations

from shared.api_schemas import (
    CLIENT_SORTS,
    LATEST_CHECK_FILTERS,
    VERDICTS,
    AuditPageSchema,
    CountryListSchema,
    CheckListSchema,
    CheckSchema,
    ClientPageSchema,
    ClientSchema,
    DashboardSchema,
    HealthSchema,
    HistorySchema,
    VisaTypeListSchema,
    VisaTypeSchema,
)
from shared.openapi import Operation, build_document
from shared.profile_schema import CLIENT_STATUSES

_LISTING = (
    ("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}),
    ("cursor", {"type": "string", "maxLength": 160}),
    ("status", {"type": "string", "enum": list(CLIENT_STATUSES)}),
    ("include_archived", {"type": "boolean"}),
    ("search", {"type": "string", "maxLength": 100}),
    ("attorney_id", {"type": "string"}),
    ("visa_type", {"type": "string"}),
    ("min_score", {"type": "integer", "minimum": 0, "maximum": 100}),
    ("updated_since", {"type": "string"}),
    ("stale_check", {"type": "string", "enum": ["true", "false"]}),
    ("best_verdict", {"type": "string", "enum": [*VERDICTS, "none"]}),
    ("best_visa_type", {"type": "string", "maxLength": 40}),
    ("latest_check", {"type": "string", "enum": list(LATEST_CHECK_FILTERS)}),
    ("sort", {"type": "string", "enum": list(CLIENT_SORTS)}),
)
_AUDIT = (
    ("actor", {"type": "string"}),
    ("entity", {"type": "string"}),
    ("client", {"type": "string", "maxLength": 100}),
    ("from", {"type": "string"}),
    ("to", {"type": "string"}),
    ("after", {"type": "integer", "minimum": 0}),
    ("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
)

OPERATIONS = [
    Operation("get", "/healthz", "Say the service is up", None, (200, HealthSchema),
              tags=("health",)),
    Operation("get", "/v1/clients", "List the firm's clients, newest first or by best option",
              "viewer",
              (200, ClientPageSchema), query=_LISTING, errors=(400,)),
    Operation("get", "/v1/clients/{client_id}", "Read a client profile (as_of: as it was then)",
              "viewer", (200, ClientSchema), ok_headers=("ETag",), errors=(400,),
              query=(("as_of", {"type": "string"}),)),
    Operation("get", "/v1/clients/{client_id}/history", "List a client's changes", "viewer",
              (200, HistorySchema)),
    Operation("get", "/v1/clients/{client_id}/eligibility-checks", "List a client's checks",
              "viewer", (200, CheckListSchema)),
    Operation("get", "/v1/eligibility-checks/{check_id}", "Read an eligibility check",
              "viewer", (200, CheckSchema)),
    Operation("get", "/v1/eligibility-checks/{check_id}/report.pdf",
              "Download a completed check's client report as a PDF (types: the visa types to "
              "include, comma-separated; all when absent)", "viewer",
              (200, {"type": "string", "format": "binary"}), ok_media="application/pdf",
              ok_headers=("Content-Disposition",), errors=(400, 409),
              query=(("types", {"type": "string", "maxLength": 500}),)),
    Operation("get", "/v1/dashboard", "Summarise the firm's clients and checks", "viewer",
              (200, DashboardSchema)),
    Operation("get", "/v1/visa-types", "List the visa catalogue the engine applies", "viewer",
              (200, VisaTypeListSchema)),
    Operation("get", "/v1/visa-types/{code}", "Read one visa type with its citations and figures",
              "viewer", (200, VisaTypeSchema)),
    Operation("get", "/v1/countries", "List the countries a profile accepts (ISO 3166-1), "
              "for pickers", "viewer", (200, CountryListSchema)),
    Operation("get", "/v1/audit", "Read the firm's audit trail", "admin", (200, AuditPageSchema),
              query=_AUDIT, errors=(400,)),
]


def document() -> dict:
    """Return the query API's OpenAPI document."""
    return build_document("Visa eligibility query API", OPERATIONS)
