"""The query API's operations, as published in its OpenAPI document."""

from __future__ import annotations

from shared.api_schemas import (
    CheckListSchema,
    CheckSchema,
    ClientPageSchema,
    ClientSchema,
    HealthSchema,
)
from shared.openapi import Operation, build_document
from shared.profile_schema import CLIENT_STATUSES

_LISTING = (
    ("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}),
    ("cursor", {"type": "string", "maxLength": 160}),
    ("status", {"type": "string", "enum": list(CLIENT_STATUSES)}),
    ("include_archived", {"type": "boolean"}),
    ("search", {"type": "string", "maxLength": 100}),
)

OPERATIONS = [
    Operation("get", "/healthz", "Say the service is up", None, (200, HealthSchema),
              tags=("health",)),
    Operation("get", "/v1/clients", "List the firm's clients, newest first", "viewer",
              (200, ClientPageSchema), query=_LISTING, errors=(400,)),
    Operation("get", "/v1/clients/{client_id}", "Read a client profile", "viewer",
              (200, ClientSchema), ok_headers=("ETag",)),
    Operation("get", "/v1/clients/{client_id}/eligibility-checks", "List a client's checks",
              "viewer", (200, CheckListSchema)),
    Operation("get", "/v1/eligibility-checks/{check_id}", "Read an eligibility check",
              "viewer", (200, CheckSchema)),
]


def document() -> dict:
    """Return the query API's OpenAPI document."""
    return build_document("Visa eligibility query API", OPERATIONS)
