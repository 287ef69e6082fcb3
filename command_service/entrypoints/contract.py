"""The command API's operations, as published in its OpenAPI document."""

from __future__ import annotations

from command_service.entrypoints.outcome_views import AssessmentSchema, CaseOutcomeSchema
from shared.api_schemas import (
    AssessmentRecordedSchema,
    CaseOutcomeRecordedSchema,
    AttorneyChangeSchema,
    AttorneyInviteSchema,
    AttorneyListSchema,
    AttorneySchema,
    CheckAcceptedSchema,
    CheckRequestSchema,
    ClientSchema,
    ErasureSchema,
    HealthSchema,
    LoginSchema,
    TokenSchema,
)
from shared.openapi import Operation, build_document
from shared.profile_schema import ClientProfileSchema

_IF_MATCH = (("If-Match", {"type": "string", "description": 'the ETag read, e.g. "3"'}),)

OPERATIONS = [
    Operation("get", "/healthz", "Say the service is up", None, (200, HealthSchema),
              tags=("health",)),
    Operation("post", "/v1/auth/login", "Exchange email and password for a bearer token", None,
              (200, TokenSchema), body=LoginSchema, errors=(400, 401, 413, 415, 429)),
    Operation("post", "/v1/auth/refresh", "Exchange the browser's sign-in cookie (visa_refresh, "
              "set by login) for a fresh access token", None, (200, TokenSchema),
              errors=(401, 403), accepts_idempotency_key=False,
              headers=(("X-Visa-CSRF", {"type": "string", "enum": ["1"]}),)),
    Operation("post", "/v1/auth/logout", "Revoke the token of this request and end the "
              "browser's sign-in (every tab)", "viewer", (204, None),
              accepts_idempotency_key=False),
    Operation("get", "/v1/attorneys", "List the firm's attorneys", "admin",
              (200, AttorneyListSchema)),
    Operation("post", "/v1/attorneys", "Invite (create) an attorney in the firm", "admin",
              (201, AttorneySchema), body=AttorneyInviteSchema),
    Operation("patch", "/v1/attorneys/{attorney_id}", "Change an attorney's role or deactivate",
              "admin", (200, AttorneySchema), body=AttorneyChangeSchema, errors=(409,)),
    Operation("post", "/v1/clients", "Create a client profile", "attorney",
              (201, ClientSchema), body=ClientProfileSchema, ok_headers=("ETag",)),
    Operation("patch", "/v1/clients/{client_id}", "Edit a client profile", "attorney",
              (200, ClientSchema), body=ClientProfileSchema(partial=True), headers=_IF_MATCH,
              errors=(409, 410, 412, 503), ok_headers=("ETag",)),
    Operation("delete", "/v1/clients/{client_id}", "Archive a client", "attorney",
              (204, None), headers=_IF_MATCH, errors=(409, 410, 412, 503)),
    Operation("post", "/v1/clients/{client_id}/erasure",
              "Erase the client's personal data (crypto-shredding)", "admin",
              (200, ErasureSchema)),
    Operation("post", "/v1/clients/{client_id}/eligibility-checks",
              "Request an eligibility check of the current profile", "attorney",
              (202, CheckAcceptedSchema), body=CheckRequestSchema, body_required=False,
              errors=(409, 410)),
    Operation("post", "/v1/clients/{client_id}/case-outcomes",
              "Record the real outcome of a filed case", "attorney",
              (201, CaseOutcomeRecordedSchema), body=CaseOutcomeSchema, errors=(409, 410)),
    Operation("post", "/v1/eligibility-checks/{check_id}/assessments",
              "Record the attorney's own view of one criterion of a check", "attorney",
              (201, AssessmentRecordedSchema), body=AssessmentSchema, errors=(409, 422)),
]


def document() -> dict:
    """Return the command API's OpenAPI document."""
    return build_document("Visa eligibility command API", OPERATIONS)
