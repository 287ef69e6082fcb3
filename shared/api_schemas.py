"""Marshmallow schemas of the API's responses: the source of both OpenAPI documents."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from shared.auth import ROLES
from shared.profile_schema import CLIENT_STATUSES, ClientProfileSchema
from shared.strict_fields import StrictBoolean, StrictInteger

CHECK_STATUSES = ("pending", "processing", "completed", "failed")
VERDICTS = ("strong", "viable", "weak", "not_eligible")
CLIENT_SORTS = ("newest", "best_probability")
LATEST_CHECK_FILTERS = (*CHECK_STATUSES, "in_progress", "none")


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "machine-readable code"})
    message = fields.String(required=True, metadata={"description": "for people"})
    details = fields.Dict(required=True, metadata={"description": "per-field or extra facts"})


class ClientSchema(ClientProfileSchema):
    """A client as the API returns it; an erased client has no direct identifiers."""

    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    id = fields.UUID(required=True)
    version = StrictInteger(required=True)
    status = fields.String(required=True,
                           validate=validate.OneOf((*CLIENT_STATUSES, "erased")))
    created_by = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    latest_check_id = fields.String(allow_none=True)
    as_of = fields.String()


class PaginationSchema(Schema):
    next_cursor = fields.String(required=True, allow_none=True)
    has_more = StrictBoolean(required=True)


class BestOptionSchema(Schema):
    visa_type = fields.String(required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    eligibility_score = StrictInteger(required=True)
    success_probability = fields.Float(required=True)


class ClientListItemSchema(ClientSchema):
    """A client in the listing: the profile plus what its latest checks concluded."""

    best_option = fields.Nested(BestOptionSchema, allow_none=True, metadata={
        "description": "the first recommendation of the client's current results"})
    latest_check_status = fields.String(allow_none=True, validate=validate.OneOf(CHECK_STATUSES))


class ClientPageSchema(Schema):
    data = fields.List(fields.Nested(ClientListItemSchema), required=True)
    current_catalogue_version = fields.String()  # with stale_check=true
    position = fields.Integer(allow_none=True)
    pagination = fields.Nested(PaginationSchema, required=True)


class CheckSchema(Schema):
    class Meta:
        # The engine adds provenance, plans and notes to results as it grows.
        unknown = INCLUDE

    check_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(CHECK_STATUSES))
    profile_version = StrictInteger(required=True)
    analysis_mode = fields.String(allow_none=True)
    requested_by = fields.String(allow_none=True)
    requested_at = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    updated_at = fields.String(required=True)
    recommendations = fields.List(fields.Dict())
    catalogue_version = fields.String(allow_none=True)
    rules_version = fields.String(allow_none=True)
    summary = fields.Dict(allow_none=True)
    groups = fields.List(fields.Dict())
    verify = fields.List(fields.Dict())
    error_message = fields.String(allow_none=True)
    retry_allowed = StrictBoolean()


class CheckListSchema(Schema):
    data = fields.List(fields.Nested(CheckSchema), required=True)


class CheckRequestSchema(Schema):
    force_refresh = StrictBoolean(load_default=False)


class CheckAcceptedSchema(Schema):
    check_id = fields.UUID(required=True)
    status = fields.String(required=True)
    profile_version = StrictInteger(required=True)
    status_url = fields.String(required=True)


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    firm_id = fields.UUID(metadata={
        "description": "needed only when a 409 choose_firm answer listed several firms"})


class FirmChoiceSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)


class PasswordFromLinkSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "the #token= part of an invite or reset link"})
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class PasswordSetSchema(Schema):
    email = fields.String(required=True)
    firm_id = fields.UUID(required=True)
    firm_name = fields.String(required=True)


class PasswordResetRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))


class PasswordResetRequestedSchema(Schema):
    message = fields.String(required=True)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    new_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class AttorneySchema(Schema):
    id = fields.UUID(required=True)
    firm_id = fields.UUID(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    active = StrictBoolean(required=True)
    created_at = fields.String(required=True)
    password_reset_requested_at = fields.String(allow_none=True, metadata={
        "description": "when the attorney last asked for a new password (in listings)"})


class SignedInAttorneySchema(Schema):
    id = fields.UUID(required=True)
    firm_id = fields.UUID(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    created_at = fields.String(required=True)


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = StrictInteger(required=True)
    attorney = fields.Nested(SignedInAttorneySchema, required=True)


class AttorneyListSchema(Schema):
    data = fields.List(fields.Nested(AttorneySchema), required=True)


class AttorneyInviteSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    role = fields.String(load_default="attorney", validate=validate.OneOf(ROLES))


class AttorneyInvitedSchema(AttorneySchema):
    invite_url = fields.String(required=True, metadata={
        "description": "one-time link for the attorney to set their own password"})
    invite_expires_at = StrictInteger(required=True, metadata={"description": "Unix time"})


class PasswordResetLinkSchema(Schema):
    attorney_id = fields.UUID(required=True)
    reset_url = fields.String(required=True)
    expires_at = StrictInteger(required=True, metadata={"description": "Unix time"})


class AttorneyChangeSchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = StrictBoolean()


class ErasureSchema(Schema):
    client_id = fields.UUID(required=True)
    status = fields.String(required=True)
    version = StrictInteger(required=True)
    erased_by = fields.String(required=True)
    erased_at = fields.String(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)


class HistorySchema(Schema):
    data = fields.List(fields.Dict(), required=True)
    position = fields.Integer(allow_none=True)


class DashboardSchema(Schema):
    class Meta:
        unknown = "include"

    position = fields.Integer(allow_none=True)


class AuditPageSchema(Schema):
    data = fields.List(fields.Dict(), required=True)
    position = fields.Integer(allow_none=True)
    pagination = fields.Dict(required=True)


class VisaTypeSummarySchema(Schema):
    class Meta:
        unknown = INCLUDE  # the catalogue's documents carry more fields than listed

    code = fields.String(required=True)
    name = fields.String(required=True)
    url = fields.String(required=True)


class CountrySchema(Schema):
    code = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2 (XK: Kosovo)"})
    name = fields.String(required=True)


class CountryListSchema(Schema):
    data = fields.List(fields.Nested(CountrySchema), required=True)


class VisaTypeListSchema(Schema):
    class Meta:
        unknown = INCLUDE  # the catalogue's documents carry more fields than listed

    catalogue_version = fields.String(required=True)
    published = fields.String(required=True)
    data = fields.List(fields.Nested(VisaTypeSummarySchema), required=True)


class VisaTypeSchema(Schema):
    class Meta:
        unknown = INCLUDE  # the catalogue's documents carry more fields than listed

    code = fields.String(required=True)
    name = fields.String(required=True)
    catalogue_version = fields.String(required=True)


class CaseOutcomeRecordedSchema(Schema):
    class Meta:
        unknown = INCLUDE  # the catalogue's documents carry more fields than listed

    client_id = fields.UUID(required=True)
    visa_type = fields.String(required=True)
    outcome = fields.String(required=True)
    filed_date = fields.Date(required=True)
    decision_date = fields.Date(required=True)
    recorded_by = fields.String(required=True)


class AssessmentRecordedSchema(Schema):
    class Meta:
        unknown = INCLUDE  # the catalogue's documents carry more fields than listed

    check_id = fields.UUID(required=True)
    visa_type = fields.String(required=True)
    criterion = fields.String(required=True)
    engine = fields.Dict(required=True)
    attorney = fields.Dict(required=True)
