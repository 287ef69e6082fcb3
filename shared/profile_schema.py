"""The client profile as attorneys submit it (the body of POST /v1/clients)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from contracts.profile import DIRECT_IDENTIFIERS  # noqa: F401 (re-exported)
from shared.strict_fields import StrictBoolean, StrictFloat, StrictInteger

DEGREES = ("none", "high_school", "associate", "bachelors", "masters", "doctorate", "professional")
AWARD_LEVELS = ("major_international", "international", "national", "regional", "institutional")
EMPLOYER_TYPES = ("for_profit", "university", "nonprofit_research", "government_research")
FOREIGN_ROLES = ("executive", "manager", "specialized_knowledge", "other")
CLIENT_STATUSES = ("active", "archived")
FIELD_CATEGORIES = ("sciences", "education", "business", "athletics", "arts",
                    "motion_picture_tv", "other")

_count = StrictInteger(validate=validate.Range(min=0, max=1_000_000), allow_none=True)
_money = StrictFloat(validate=validate.Range(min=0, max=1e11), allow_none=True)
_text = dict(validate=validate.Length(max=300), allow_none=True)
_year = StrictInteger(validate=validate.Range(min=1900, max=2100), allow_none=True)


class AwardSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    level = fields.String(required=True, validate=validate.OneOf(AWARD_LEVELS))
    year = _year


class MembershipSchema(Schema):
    organization = fields.String(required=True, validate=validate.Length(min=1, max=300))
    selective = StrictBoolean(load_default=False)


class MediaCoverageSchema(Schema):
    outlet = fields.String(required=True, validate=validate.Length(min=1, max=300))
    title = fields.String(**_text)
    about_client = StrictBoolean(load_default=True)


class CriticalRoleSchema(Schema):
    organization = fields.String(required=True, validate=validate.Length(min=1, max=300))
    role = fields.String(required=True, validate=validate.Length(min=1, max=300))
    distinguished_organization = StrictBoolean(load_default=False)


class JobOfferSchema(Schema):
    employer = fields.String(**_text)
    title = fields.String(**_text)
    annual_wage_usd = _money
    employer_type = fields.String(validate=validate.OneOf(EMPLOYER_TYPES), allow_none=True)
    specialty_occupation = StrictBoolean(allow_none=True)
    permanent = StrictBoolean(allow_none=True)
    tenure_track = StrictBoolean(allow_none=True)
    us_entity_years_doing_business = fields.Float(validate=validate.Range(min=0, max=300),
                                                  allow_none=True)


class ForeignEmploymentSchema(Schema):
    employer = fields.String(**_text)
    affiliated_with_us_employer = StrictBoolean(allow_none=True)
    months_in_last_3_years = StrictInteger(validate=validate.Range(min=0, max=36),
                                            allow_none=True)
    role = fields.String(validate=validate.OneOf(FOREIGN_ROLES), allow_none=True)


class ClientProfileSchema(Schema):
    """Every field an attorney can record; only the names are required."""

    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    email = fields.Email(allow_none=True)
    phone = fields.String(validate=validate.Length(max=40), allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    country_of_birth = fields.String(validate=validate.Length(max=80), allow_none=True)
    citizenships = fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                               validate=validate.Length(max=5))
    current_location = fields.String(**_text)
    current_us_status = fields.String(validate=validate.Length(max=40), allow_none=True)
    highest_degree = fields.String(validate=validate.OneOf(DEGREES), allow_none=True)
    field_of_study = fields.String(**_text)
    university = fields.String(**_text)
    graduation_year = _year
    current_job_title = fields.String(**_text)
    current_employer = fields.String(**_text)
    years_of_experience = StrictFloat(validate=validate.Range(min=0, max=80), allow_none=True)
    annual_salary_usd = _money
    publications_count = _count
    citations_count = _count
    h_index = _count
    patents_count = _count
    awards = fields.List(fields.Nested(AwardSchema), validate=validate.Length(max=100))
    memberships = fields.List(fields.Nested(MembershipSchema), validate=validate.Length(max=100))
    media_coverage = fields.List(fields.Nested(MediaCoverageSchema),
                                 validate=validate.Length(max=100))
    judging_count = _count
    original_contributions = fields.List(fields.String(validate=validate.Length(min=1, max=1000)),
                                         validate=validate.Length(max=50))
    critical_roles = fields.List(fields.Nested(CriticalRoleSchema),
                                 validate=validate.Length(max=50))
    job_offer = fields.Nested(JobOfferSchema, allow_none=True)
    foreign_employment = fields.Nested(ForeignEmploymentSchema, allow_none=True)
    investment_usd = _money
    investment_in_tea = StrictBoolean(allow_none=True)
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                         validate=validate.Length(max=100))
    languages = fields.List(fields.String(validate=validate.Length(min=1, max=60)),
                            validate=validate.Length(max=30))
    notes = fields.String(validate=validate.Length(max=10_000), allow_none=True)
    # Fields the full catalogue needs (arts, research, investors, disqualifiers).
    field_category = fields.String(validate=validate.OneOf(FIELD_CATEGORIES), allow_none=True)
    research_experience_years = fields.Float(validate=validate.Range(min=0, max=80),
                                             allow_none=True)
    lead_roles_count = _count
    exhibitions_count = _count
    expert_recognition_count = _count
    commercial_successes = fields.List(fields.String(validate=validate.Length(min=1, max=300)),
                                       validate=validate.Length(max=50))
    ownership_percent = fields.Float(validate=validate.Range(min=0, max=100), allow_none=True)
    investment_at_risk = fields.Boolean(allow_none=True)
    lawful_source_documented = fields.Boolean(allow_none=True)
    jobs_to_create = _count
    j1_home_residence_requirement = fields.Boolean(allow_none=True)
    j1_waiver_obtained = fields.Boolean(allow_none=True)
    immigrant_intent_filed = fields.Boolean(allow_none=True)

    @validates_schema
    def check_graduation_is_not_in_future_of_birth(self, data, **kwargs):
        dob, grad = data.get("date_of_birth"), data.get("graduation_year")
        if dob and grad and grad < dob.year:
            raise ValidationError("graduation year is before the date of birth",
                                  "graduation_year")


PROFILE_FIELDS = tuple(ClientProfileSchema().fields)


def load_profile(data, *, partial: bool = False) -> dict:
    """Validate a submitted profile and return it as plain JSON values.

    Raises marshmallow.ValidationError with a message per field.
    """
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["the body must be a JSON object"]})
    # Only top-level fields become optional; a submitted award still needs its name.
    schema = ClientProfileSchema(partial=PROFILE_FIELDS if partial else False)
    return schema.dump(schema.load(data))
