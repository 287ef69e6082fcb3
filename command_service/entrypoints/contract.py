"""The command API's operations, as published in its OpenAPI document."""

from __future__ import annotations

from command_service.entrypoints.outcome_views import AssessmentSchema, CaseOutcomeSchema
from shared.api_schemas import (
    AssessmentRecordedSchema,
    CaseOutcomeRecordedSchema,
    AttorneyChangeSchema,
    AttorneyInvitedSchema,
    AttorneyInviteSchema,
    AttorneyListSchema,
    AttorneySchema,
    CheckAcceptedSchema,
    CheckRequestSchema,
    ClientSchema,
    ErasureSchema,
    HealthSchema,
    LoginSchema,
    PasswordChangeSchema,
    PasswordFromLinkSchema,
    PasswordResetLinkSchema,
    PasswordResetRequestedSchema,
    PasswordResetRequestSchema,
    PasswordSetSchema,
    TokenSchema,
)
from shared.openapi import Operation, build_document
from shared.profile_schema import ClientProfileSchema

_IF_MATCH = (("If-Match", {"type": "string", "description": 'the ETag read, e.g. "3"'}),)

OPERATIONS = [
    Operation("get", "/healthz", "Say the service is up", None, (200, HealthSchema),
              tags=("health",)),
    Operation("post", "/v1/auth/login", "Exchange email and password for a bearer token", None,
              (200, TokenSchema), body=LoginSchema, errors=(400, 401, 409, 413, 415, 429, 503),
              error_notes=(
                  (401, "Email or password is incorrect (never says which, nor whether the "
                        "email has an account)"),
                  (409, "choose_firm: the password matched accounts in several firms; "
                        "details.firms lists them ({id, name}); sign in again with firm_id. "
                        "Only ever answered after a correct password"),
                  (429, "too_many_failed_logins: the email or the source address failed too "
                        "often; no password is checked until Retry-After"),
                  (503, "busy: too many passwords are being checked at once; retry after "
                        "Retry-After"))),
    Operation("post", "/v1/auth/refresh", "Exchange the browser's sign-in cookie (visa_refresh, "
              "set by login) for a fresh access token", None, (200, TokenSchema),
              errors=(401, 403), accepts_idempotency_key=False,
              headers=(("X-Visa-CSRF", {"type": "string", "enum": ["1"]}),)),
    Operation("post", "/v1/auth/logout", "Revoke the token of this request and end the "
              "browser's sign-in (every tab)", "viewer", (204, None),
              accepts_idempotency_key=False),
    Operation("post", "/v1/auth/password", "Set your password from an invite or reset link",
              None, (200, PasswordSetSchema), body=PasswordFromLinkSchema,
              errors=(400, 410, 413, 415, 503), error_notes=(
                  (400, "Invalid input, or weak_password: details.password says why (length, "
                        "a common password, too easy to guess)"),
                  (410, "link_expired: the link is unknown, used or expired"),
                  (503, "busy: too many passwords are being hashed; retry after Retry-After"))),
    Operation("post", "/v1/auth/password-reset-request",
              "Forgot your password: ask your firm's admins for a reset link", None,
              (202, PasswordResetRequestedSchema), body=PasswordResetRequestSchema,
              errors=(400, 413, 415, 429), error_notes=(
                  (429, "rate_limited: too many requests from this address; see Retry-After"),
              )),
    Operation("post", "/v1/auth/password-change",
              "Change your own password (all your tokens, this one too, stop working)",
              "viewer", (204, None), body=PasswordChangeSchema, accepts_idempotency_key=False,
              errors=(403, 503), error_notes=(
                  (400, "Invalid input, or weak_password: details.password says why"),
                  (403, "wrong_password: the current password is not right"))),
    Operation("get", "/v1/attorneys", "List the firm's attorneys", "admin",
              (200, AttorneyListSchema)),
    Operation("post", "/v1/attorneys",
              "Invite an attorney: answers a one-time link with which they set their password",
              "admin", (201, AttorneyInvitedSchema), body=AttorneyInviteSchema,
              error_notes=((409, "Your firm already has an attorney with this email (or an "
                                 "Idempotency-Key conflict); other firms are never consulted"),)),
    Operation("post", "/v1/attorneys/{attorney_id}/password-reset",
              "Create a one-time password reset link to hand to the attorney", "admin",
              (201, PasswordResetLinkSchema), accepts_idempotency_key=False, errors=(409,)),
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
